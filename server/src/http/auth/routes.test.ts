import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_SECRET_KEY, type TestApp } from '../../../test/build-test-app';
import { deriveKey } from '../../domain/auth/access-tokens';
import { createOrg, login, signup, TEST_PASSWORD, uniqueEmail, type TestOrg } from '../../../test/factories';
import { sessions, users } from '../../storage/schema/index';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  org = await createOrg(t.app, 'Auth Org');
});
afterAll(() => t.app.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('signup', () => {
  it('creates an organization and its admin, signed in', async () => {
    const email = uniqueEmail('Founder').toUpperCase();
    const res = await post('/api/v1/signup', {
      organizationName: 'Acme',
      name: 'Ann',
      email,
      password: TEST_PASSWORD,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({
      email: email.toLowerCase(),
      name: 'Ann',
      role: 'admin',
      organizationName: 'Acme',
    });
    expect(body.organizations).toEqual([{ id: body.user.organizationId, name: 'Acme', role: 'admin' }]);
    const me = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.json().user.id).toBe(body.user.id);
  });

  it('stores an argon2id hash with m ≥ 19456, t ≥ 2, p = 1', async () => {
    const [row] = await t.database.db.select().from(users).where(eq(users.id, org.admin.id));
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row!.passwordHash);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(19456);
    expect(Number(match![2])).toBeGreaterThanOrEqual(2);
    expect(Number(match![3])).toBe(1);
  });

  it('refuses a taken e-mail with 409 email_taken', async () => {
    const res = await post('/api/v1/signup', {
      organizationName: 'X',
      name: 'X',
      email: org.agent.email,
      password: TEST_PASSWORD,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('email_taken');
  });

  it('refuses common, repetitive and self-referential passwords with 400 naming the field and why, and writes nothing', async () => {
    const email = uniqueEmail('weakling');
    for (const password of ['aaaaaaaaaa', 'password12', email, 'qwertyuiop', 'Weakling Org 1']) {
      const res = await post('/api/v1/signup', {
        organizationName: 'Weakling Org',
        name: 'Wea Kling',
        email,
        password,
      });
      expect(res.statusCode, password).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('invalid_input');
      expect(error.message).toMatch(/^Choose a stronger password: .+\./);
      expect(error.details.fields).toEqual([{ path: 'body.password', message: error.message }]);
    }
    expect(await t.database.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    // Changing to a weak password is refused the same way, naming newPassword.
    const me = await login(t.app, org.manager.email, org.manager.password);
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: me.headers,
      payload: { currentPassword: org.manager.password, newPassword: 'password123' },
    });
    expect(change.statusCode).toBe(400);
    expect(change.json().error.details.fields[0].path).toBe('body.newPassword');
  });

  it('answers 403 signup_disabled when ALLOW_SIGNUP=0, and writes nothing', async () => {
    const closed = await buildTestApp({ config: { allowSignup: false } });
    const email = uniqueEmail('nope');
    const res = await closed.app.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: { organizationName: 'X', name: 'X', email, password: TEST_PASSWORD },
    });
    await closed.app.close();
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'signup_disabled', message: expect.any(String) } });
    expect(await t.database.db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });
});

describe('login', () => {
  it('signs in and scopes the token to one organization', async () => {
    const res = await post('/api/v1/auth/login', {
      email: org.manager.email,
      password: org.manager.password,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({
      id: org.manager.id,
      role: 'manager',
      organizationId: org.organizationId,
    });
    expect(typeof res.json().accessTokenExpiresAt).toBe('string');
  });

  it('answers 401 invalid_credentials for a wrong password or unknown e-mail, alike', async () => {
    const wrong = await post(
      '/api/v1/auth/login',
      { email: org.agent.email, password: 'not the password' },
      { 'x-forwarded-for': '1' },
    );
    const unknown = await post('/api/v1/auth/login', { email: uniqueEmail(), password: 'whatever12' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'Wrong e-mail or password' },
      });
    }
  });

  it('picks the first organization by default and another one on request', async () => {
    const other = await signup(t.app, 'Second Org');
    // Invite the first org's agent into the second org by link, and accept with their password.
    const invite = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: other.headers,
      payload: { email: org.agent.email, name: 'ignored', role: 'manager' },
    });
    expect(invite.statusCode, invite.body).toBe(201);
    const token = invite.json().inviteUrl.split('#')[1];
    expect(invite.json().inviteUrl).toBe(`http://parley.test/invite#${token}`);
    const accepted = await post('/api/v1/invitations/accept', {
      token,
      name: 'Whoever',
      password: org.agent.password,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().user).toMatchObject({ organizationId: other.organizationId, role: 'manager' });

    const byDefault = await login(t.app, org.agent.email, org.agent.password);
    expect(byDefault.organizationId).toBe(org.organizationId);
    const chosen = await login(t.app, org.agent.email, org.agent.password, other.organizationId);
    expect(chosen.organizationId).toBe(other.organizationId);
    expect(chosen.role).toBe('manager');
    const res = await post('/api/v1/auth/login', {
      email: org.agent.email,
      password: org.agent.password,
      organizationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.statusCode).toBe(403);
    // The invitation is single-use.
    const again = await post('/api/v1/invitations/accept', {
      token,
      name: 'Whoever',
      password: org.agent.password,
    });
    expect(again.statusCode).toBe(404);
  });

  it('creates an account from an invite link for a new e-mail', async () => {
    const email = uniqueEmail('invitee');
    const invite = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: org.admin.headers,
      payload: { email, name: 'New Person', role: 'agent', mode: 'link' },
    });
    expect(invite.statusCode).toBe(201);
    expect(invite.json().invitation).toMatchObject({ email, role: 'agent' });
    const token = invite.json().inviteUrl.split('#')[1];
    const res = await post('/api/v1/invitations/accept', {
      token,
      name: 'Chosen Name',
      password: 'a brand new password',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({
      email,
      name: 'Chosen Name',
      role: 'agent',
      organizationId: org.organizationId,
    });
    await login(t.app, email, 'a brand new password');
  });
});

describe('refresh and logout', () => {
  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const s = await login(t.app, org.manager.email, org.manager.password);
    const r1 = await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
    expect(r1.statusCode).toBe(200);
    const next = r1.json();
    expect(next.refreshToken).not.toBe(s.refreshToken);
    const r2 = await post('/api/v1/auth/refresh', { refreshToken: next.refreshToken });
    expect(r2.statusCode).toBe(200);

    // Replay of the first (rotated) token: the family is revoked...
    const reuse = await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe('session_revoked');
    // ...so the latest token and every access token of the family stop working at once.
    const latest = await post('/api/v1/auth/refresh', { refreshToken: r2.json().refreshToken });
    expect(latest.json().error.code).toBe('session_revoked');
    const me = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${r2.json().accessToken}` },
    });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('session_revoked');
    // Other sessions of the same user are untouched.
    const other = await t.app.inject({ url: '/api/v1/me', headers: org.manager.headers });
    expect(other.statusCode).toBe(200);
  });

  it('rejects unknown refresh tokens with 401', async () => {
    const res = await post('/api/v1/auth/refresh', { refreshToken: 'rt_nope' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
  });

  it('logout revokes the session: its access and refresh tokens stop working', async () => {
    const s = await login(t.app, org.manager.email, org.manager.password);
    const out = await post('/api/v1/auth/logout', { refreshToken: s.refreshToken });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect((await t.app.inject({ url: '/api/v1/me', headers: s.headers })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken })).statusCode).toBe(401);
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.userId, org.manager.id));
    expect(row).toBeDefined();
  });

  it('expires access tokens after about 15 minutes', async () => {
    const s = await login(t.app, org.manager.email, org.manager.password);
    t.clock.advance(15 * 60 * 1000 + 1000);
    try {
      const res = await t.app.inject({ url: '/api/v1/me', headers: s.headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('token_expired');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    } finally {
      t.clock.advance(-(15 * 60 * 1000 + 1000));
    }
  });

  it('requires the iss and aud claims on access tokens, even correctly signed ones', async () => {
    const me = await login(t.app, org.admin.email, org.admin.password);
    const claims = JSON.parse(Buffer.from(me.accessToken.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'parley', aud: 'parley-api' });
    const key = deriveKey(TEST_SECRET_KEY, 'access-token:v1');
    const { iss, aud, ...rest } = claims;
    // HS256 by hand: the same key and algorithm as Parley's, only the claims differ.
    const sign = (payload: object) => {
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
      return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
    };
    const variants: Record<string, string> = {
      'no iss': sign({ ...rest, aud }),
      'no aud': sign({ ...rest, iss }),
      'other aud': sign({
        ...rest,
        iss,
        aud: 'webhooks',
      }),
      'other iss': sign({
        ...rest,
        iss: 'evil',
        aud,
      }),
      same: sign({ ...rest, iss, aud }),
    };
    for (const [label, token] of Object.entries(variants)) {
      const res = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, label).toBe(label === 'same' ? 200 : 401);
    }
  });

  it('rejects missing, malformed and forged bearer tokens', async () => {
    const forged = org.admin.accessToken.slice(0, -4) + 'AAAA';
    for (const authorization of [undefined, 'Bearer', 'Basic abc', 'Bearer not.a.jwt', `Bearer ${forged}`]) {
      const res = await t.app.inject({ url: '/api/v1/me', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
    }
  });
});

// Issue 9, finding 7: sign-up and sign-in are limited per client IP (@fastify/rate-limit), in
// Redis when REDIS_URL is set so every process counts together.
describe('per-IP rate limits', () => {
  const limited = { signup: { max: 2, windowMs: 60_000 }, signIn: { max: 3, windowMs: 60_000 } };
  const signupFrom = (app: TestApp['app'], ip: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/signup',
      remoteAddress: ip,
      payload: { organizationName: 'Limited', name: 'L', email: uniqueEmail('rl'), password: TEST_PASSWORD },
    });
  const loginFrom = (app: TestApp['app'], ip: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: ip,
      payload: { email: uniqueEmail('nobody'), password: 'wrong password' },
    });

  it('answers 429 rate_limited in the envelope with Retry-After once an IP exceeds its sign-up or sign-in limit', async () => {
    const app = (await buildTestApp({ authRateLimits: limited })).app;
    try {
      expect((await signupFrom(app, '192.0.2.10')).statusCode).toBe(201);
      expect((await signupFrom(app, '192.0.2.10')).statusCode).toBe(201);
      const over = await signupFrom(app, '192.0.2.10');
      expect(over.statusCode).toBe(429);
      const retryAfter = Number(over.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(over.json()).toEqual({
        error: {
          code: 'rate_limited',
          message: `Too many attempts, try again in ${retryAfter} s`,
          details: { retryAfter },
        },
      });
      expect((await signupFrom(app, '192.0.2.11')).statusCode).toBe(201);
      for (let i = 0; i < 3; i++) expect((await loginFrom(app, '192.0.2.12')).statusCode).toBe(401);
      expect((await loginFrom(app, '192.0.2.12')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('shares the counts between processes through Redis when REDIS_URL is set', async () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const [a, b] = [
      (await buildTestApp({ authRateLimits: limited, config: { redisUrl } })).app,
      (await buildTestApp({ authRateLimits: limited, config: { redisUrl } })).app,
    ];
    try {
      // Counts persist in Redis for the window: a fresh address per run.
      const ipv = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
      expect((await loginFrom(a, ipv)).statusCode).toBe(401);
      expect((await loginFrom(b, ipv)).statusCode).toBe(401);
      expect((await loginFrom(a, ipv)).statusCode).toBe(401);
      expect((await loginFrom(b, ipv)).statusCode).toBe(429);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

// Issue 9, finding 5: growing delays per (account, IP) pair, counted in the database.
describe('throttling', () => {
  const from = (ip: string, email: string, password: string, app = t.app) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: ip,
    });

  it('slows a guessing account+IP pair with growing delays (429, Retry-After), never the owner at another address', async () => {
    const target = await signup(t.app, 'Throttle Org');
    const attacker = '198.51.100.9';
    for (let i = 0; i < 6; i++)
      expect((await from(attacker, target.email, `wrong ${i}`)).statusCode, `failure ${i + 1}`).toBe(401);
    // Five free failures, then waits of 1 s, 2 s, 4 s … for this pair: even the right password waits.
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const res = await from(attacker, target.email, target.password);
      expect(res.statusCode).toBe(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(res.json()).toEqual({
        error: {
          code: 'rate_limited',
          message: `Too many attempts, try again in ${retryAfter} s`,
          details: { retryAfter },
        },
      });
      waits.push(retryAfter);
      t.clock.advance(retryAfter * 1000);
      expect((await from(attacker, target.email, 'wrong again')).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
    // The owner, from their own address, is not locked out by the guesser.
    expect((await from('192.0.2.44', target.email, target.password)).statusCode).toBe(200);
    // The pair's own wait passes, and a success clears it.
    t.clock.advance(8_000);
    expect((await from(attacker, target.email, target.password)).statusCode).toBe(200);
    expect((await from(attacker, target.email, 'wrong after success')).statusCode).toBe(401);
  });

  it('never blocks an address for failures on other accounts (users behind one proxy)', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 25; i++)
      expect((await from(ip, uniqueEmail('spray'), 'wrong password')).statusCode).toBe(401);
    expect((await from(ip, org.admin.email, org.admin.password)).statusCode).toBe(200);
  });

  it('shares the counts between two app instances on one database (and across a restart)', async () => {
    const target = await signup(t.app, 'Shared Throttle Org');
    const other = await buildTestApp({ clock: t.clock });
    try {
      const ip = '198.51.100.77';
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? t.app : other.app;
        expect((await from(ip, target.email, `wrong ${i}`, app)).statusCode).toBe(401);
      }
      // The sixth failure blocks the pair for 1 s of the clock, which follows real time: turned
      // back a minute, a slow machine (building the restarted app took over 1 s in CI) cannot
      // outlive the block before the checks below.
      t.clock.advance(-60_000);
      // Six failures split 3 + 3 over the two processes: both see all six.
      for (const app of [t.app, other.app])
        expect((await from(ip, target.email, target.password, app)).statusCode).toBe(429);
    } finally {
      await other.app.close();
    }
    const restarted = await buildTestApp({ clock: t.clock });
    try {
      expect((await from('198.51.100.77', target.email, target.password, restarted.app)).statusCode).toBe(
        429,
      );
    } finally {
      await restarted.app.close();
    }
    t.clock.advance(62_000);
  });

  it('keys the pair by the client address behind a trusted proxy (TRUST_PROXY)', async () => {
    const target = await signup(t.app, 'Proxy Throttle Org');
    const proxied = await buildTestApp({ clock: t.clock, config: { trustProxy: ['127.0.0.1'] } });
    try {
      const via = (client: string, password: string) =>
        proxied.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: target.email, password },
          headers: { 'x-forwarded-for': client },
        });
      for (let i = 0; i < 6; i++) expect((await via('198.51.100.200', `wrong ${i}`)).statusCode).toBe(401);
      expect((await via('198.51.100.200', target.password)).statusCode).toBe(429);
      // Another customer behind the same proxy is someone else.
      expect((await via('198.51.100.201', target.password)).statusCode).toBe(200);
    } finally {
      await proxied.app.close();
    }
    t.clock.advance(2_000);
  });
});

describe('me', () => {
  it('reads and renames the caller', async () => {
    // Earlier tests moved the clock past the factory tokens' expiry, so sign in afresh.
    const agent = await login(t.app, org.agent.email, org.agent.password);
    const me = await t.app.inject({ url: '/api/v1/me', headers: agent.headers });
    expect(me.json().user).toMatchObject({ id: org.agent.id, role: 'agent', organizationName: 'Auth Org' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: agent.headers,
      payload: { name: '  Renamed  ' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.name).toBe('Renamed');
  });

  it('changing the password revokes every other session but keeps this one', async () => {
    const user = await signup(t.app, 'Pw Org');
    const other = await login(t.app, user.email, user.password);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: user.headers,
      payload: { currentPassword: 'nope nope nope', newPassword: 'another long password' },
    });
    expect(wrong.statusCode).toBe(401);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: user.headers,
      payload: { currentPassword: user.password, newPassword: 'another long password' },
    });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: user.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/me', headers: other.headers })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect(
      (await post('/api/v1/auth/login', { email: user.email, password: user.password })).statusCode,
    ).toBe(401);
    await login(t.app, user.email, 'another long password');
  });
});
