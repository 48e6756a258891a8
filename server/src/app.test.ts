import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testDatabase, type TestApp } from '../test/build-test-app';
import { login, signup, TEST_PASSWORD } from '../test/factories';
import { buildApp } from './app';

let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await buildTestApp({ logger: { level: 'info', stream, redact: ['req.headers.authorization'] } });
});
afterAll(() => t.app.close());

describe('health', () => {
  it('answers ok when the database answers', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database does not', async () => {
    const database = await testDatabase();
    const app = await buildApp({
      config: { secretKey: 'k'.repeat(40), publicUrl: 'http://x', allowSignup: true },
      database: { db: database.db, ping: () => Promise.reject(new Error('connection refused')) },
    });
    const res = await app.inject({ url: '/healthz' });
    await app.close();
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('service_unavailable');
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document with every API route and the bearer scheme', async () => {
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD' && r.url !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${r.url}`);
    expect(documented).toEqual(expect.arrayContaining(routes));
    expect(doc.paths['/api/v1/users'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(
      doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('email');
  });

  it('serves readable docs at /docs', async () => {
    const res = await t.app.inject({ url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body.toLowerCase()).toContain('swagger');
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 not_found in the error format', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('answers unexpected errors with 500 internal, no stack, and logs them with the request id', async () => {
    const database = await testDatabase();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({
      config: { secretKey: 'k'.repeat(40), publicUrl: 'http://x', allowSignup: true },
      database,
      logger: { level: 'error', stream },
    });
    app.get('/boom', async () => {
      throw new Error('secret internals at /srv/db.ts:42');
    });
    const res = await app.inject({ url: '/boom' });
    await app.close();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side' } });
    expect(res.body).not.toContain('secret internals');
    const requestId = res.headers['x-request-id'];
    expect(requestId).toBeTruthy();
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
    expect(logged).toMatchObject({ reqId: requestId, err: { message: 'secret internals at /srv/db.ts:42' } });
  });
});

// Issue 9, finding 7: Fastify's own refusals leave in Parley's envelope and never echo the path
// (a reflected path is a log-injection and phishing aid); API headers are set on every answer.
describe('framework errors and security headers', () => {
  const marker = 'zz-echo-marker';
  it('answers Fastify’s own errors in the error envelope without echoing the path', async () => {
    const cases: Array<[string, InjectOptions, number, string]> = [
      ['unknown route', { method: 'GET', url: `/api/v1/${marker}/nope?x=${marker}` }, 404, 'not_found'],
      ['bad percent-encoding', { method: 'GET', url: `/api/v1/${marker}%E0%A4%A` }, 400, 'bad_request'],
      [
        'param too long',
        { method: 'GET', url: `/api/v1/users/${marker}${'a'.repeat(1000)}` },
        400,
        'bad_request',
      ],
      [
        'body too large',
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: JSON.stringify({ email: marker, password: 'x'.repeat(64 * 1024) }),
          headers: { 'content-type': 'application/json' },
        },
        413,
        'payload_too_large',
      ],
      [
        'unparseable JSON',
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: `{"email": "${marker}`,
          headers: { 'content-type': 'application/json' },
        },
        400,
        'bad_request',
      ],
      [
        'unknown content type',
        {
          method: 'POST',
          url: `/api/v1/auth/login`,
          payload: marker,
          headers: { 'content-type': `text/${marker}` },
        },
        415,
        'unsupported_media_type',
      ],
    ];
    for (const [label, req, status, code] of cases) {
      const res = await t.app.inject(req);
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      expect(res.json(), label).toEqual({ error: { code, message: expect.any(String) } });
      expect(res.body, label).not.toContain(marker);
      expect(res.body, label).not.toContain('/api/v1');
    }
  });

  it('sets API security headers everywhere, no-store on token answers, and keeps /docs working', async () => {
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['x-frame-options']).toBeDefined();
    expect(health.headers['strict-transport-security']).toBeDefined();
    const user = await signup(t.app, 'Headers Org');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: login.json().refreshToken },
    });
    expect(refresh.headers['cache-control']).toBe('no-store');
    const docs = await t.app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body.toLowerCase()).toContain('swagger');
    const docsScript = await t.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(docsScript.statusCode).toBe(200);
  });
});

describe('logging', () => {
  it('logs requests with ids and never passwords or tokens', async () => {
    const admin = await signup(t.app, 'Log Org');
    await login(t.app, admin.email, TEST_PASSWORD);
    await t.app.inject({ url: '/api/v1/me', headers: admin.headers });
    const all = logLines.join('\n');
    expect(all).toContain('"reqId"');
    expect(all).not.toContain(TEST_PASSWORD);
    expect(all).not.toContain(admin.accessToken);
    expect(all).not.toContain(admin.refreshToken);
  });
});
