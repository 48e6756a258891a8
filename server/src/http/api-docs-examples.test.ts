import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOutboundWorld, type OutboundWorld } from '../../test/outbound';

// docs/api.md promises that its curl examples work. This test runs them, in order, against the
// real app: each `curl` is parsed (method, URL, headers, body), sent with inject(), must answer
// 2xx, and `NAME=$(curl … | jq -r .field)` captures feed the later examples, as in a shell. The
// only change: the example number (+14155550123) becomes a test customer who wrote in (the
// 24-hour window is open). Every /api/v1 path the guide mentions must also be a real route.

const DOC = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
const EXAMPLE_NUMBER = '+14155550123';

let w: OutboundWorld;
beforeAll(async () => {
  w = await startOutboundWorld();
}, 240_000);
afterAll(() => w?.close());

/** The commands of the guide's ```sh blocks, continuation lines joined. */
function commands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) =>
    b
      .replace(/\\\n\s*/g, ' ')
      .split(/\n\s*\n/)
      .map((c) => c.trim())
      .filter(Boolean),
  );
}

/** Shell words of `s` with `$VAR` expanded from `env` (single quotes literal, double quotes expand). */
function words(s: string, env: Record<string, string>): string[] {
  const out: string[] = [];
  const expand = (t: string) =>
    t.replace(/\$([A-Z_]+)/g, (_m, name: string) => {
      if (!(name in env)) throw new Error(`the example uses $${name} before setting it`);
      return env[name]!;
    });
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ') i++;
    if (i >= s.length) break;
    let word = '';
    while (i < s.length && s[i] !== ' ') {
      if (s[i] === "'") {
        const end = s.indexOf("'", i + 1);
        word += s.slice(i + 1, end);
        i = end + 1;
      } else if (s[i] === '"') {
        let j = i + 1;
        let part = '';
        while (s[j] !== '"') {
          if (s[j] === '\\' && s[j + 1] === '"') {
            part += '"';
            j += 2;
          } else part += s[j++];
        }
        word += expand(part);
        i = j + 1;
      } else {
        let j = i;
        while (j < s.length && !' \'"'.includes(s[j]!)) j++;
        word += expand(s.slice(i, j));
        i = j;
      }
    }
    out.push(word);
  }
  return out;
}

/** A curl command line as a request. */
function parseCurl(args: string[]) {
  expect(args[0]).toBe('curl');
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-sS') continue;
    else if (a === '-X') method = args[++i];
    else if (a === '-H') {
      const [k, ...v] = args[++i]!.split(':');
      headers[k!.toLowerCase()] = v.join(':').trim();
    } else if (a === '-d') body = args[++i];
    else if (/^https?:\/\//.test(a)) url = a;
    else throw new Error(`the test does not know the curl option ${a}`);
  }
  const u = new URL(url!);
  return {
    method: (method ?? (body ? 'POST' : 'GET')) as 'GET' | 'POST',
    path: `${u.pathname}${u.search}`,
    headers,
    body,
  };
}

describe('docs/api.md', () => {
  it('runs every curl example against the server, in order', async () => {
    const customer = await w.customer('Docs reader');
    const env: Record<string, string> = {
      PARLEY_URL: 'https://parley.example.com',
      ADMIN_EMAIL: w.org.admin.email,
      ADMIN_PASSWORD: w.org.admin.password,
    };
    const ran: string[] = [];
    for (const command of commands(DOC)) {
      const capture = /^([A-Z_]+)=\$\((curl .*) \| jq -r \.([A-Za-z]+)\)$/.exec(command);
      const line = capture ? capture[2]! : command;
      const req = parseCurl(words(line, env));
      const payload = req.body?.replaceAll(EXAMPLE_NUMBER, `+${customer.phone}`);
      const res = await w.t.app.inject({
        method: req.method,
        url: req.path,
        headers: req.headers,
        ...(payload !== undefined && { payload }),
      });
      expect(res.statusCode, `${req.method} ${req.path}: ${res.body}`).toBeLessThan(300);
      if (capture) {
        const value = res.json<Record<string, unknown>>()[capture[3]!];
        expect(typeof value, `${capture[1]} from .${capture[3]}`).toBe('string');
        env[capture[1]!] = value as string;
      }
      ran.push(`${req.method} ${req.path.split('?')[0]} ${res.statusCode}`);
      if (req.path.startsWith('/api/v1/messages?')) expect(res.body).toContain(env.MESSAGE_ID);
    }
    expect(ran).toEqual([
      'POST /api/v1/auth/login 200',
      'POST /api/v1/api-keys 201',
      'POST /api/v1/messages 202',
      // Reply buttons (interactive), in the same open window.
      'POST /api/v1/messages 202',
      `GET /api/v1/messages/${env.MESSAGE_ID} 200`,
      'GET /api/v1/messages 200',
      'POST /api/v1/webhooks 201',
    ]);
    expect(env.PARLEY_KEY).toMatch(/^pk_live_/);
  });

  it('mentions only routes the server has', () => {
    const routes = w.t.app.routeTable.map(
      (r) => new RegExp(`^${r.url.replace(/:[A-Za-z]+/g, '[^/]+').replace(/\/$/, '')}/?$`),
    );
    const paths = [...DOC.matchAll(/\/api\/v1\/[A-Za-z0-9_/{}$:.-]*[A-Za-z0-9_}]/g)].map((m) =>
      m[0].replace(/\$\{[^}]+\}|\$[A-Z_]+|\{[a-zA-Z]+\}|:[a-zA-Z]+/g, 'x'),
    );
    expect(paths.length).toBeGreaterThan(5);
    for (const p of new Set(paths))
      expect(
        routes.some((r) => r.test(p)),
        p,
      ).toBe(true);
  });
});
