import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSecretKey, parseConfig } from './config';

const errorOf = (env: Record<string, string>) => {
  const r = parseConfig(env);
  if (r.ok) throw new Error('expected a config error');
  return r.error.message;
};

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const r = parseConfig({});
    expect(r.ok && r.value).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:8787',
      databaseUrl: undefined,
      redisUrl: undefined,
      metaGraphUrl: 'https://graph.facebook.com',
      metaApiVersion: 'v25.0',
      metaAppId: undefined,
      demo: false,
      demoPaceSeconds: 90,
      allowSignup: true,
      logLevel: 'info',
      trustProxy: false,
      webhookRetrySchedule: [5, 300, 1800, 7200, 18000, 36000, 36000],
      webhookAllowPrivateUrls: false,
    });
    expect(r.ok && r.value.dataDir.endsWith('/data')).toBe(true);
  });

  it('reads every variable', () => {
    const r = parseConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://parley.example.com/',
      DATABASE_URL: 'postgres://u@db:5432/parley',
      DATA_DIR: '/var/lib/parley',
      REDIS_URL: 'redis://cache:6379',
      SECRET_KEY: 's'.repeat(32),
      META_GRAPH_URL: 'http://127.0.0.1:9999',
      META_API_VERSION: 'v24.0',
      META_APP_ID: '1234567890',
      DEMO: '1',
      DEMO_PACE_SECONDS: '30',
      ALLOW_SIGNUP: '0',
      LOG_LEVEL: 'debug',
    });
    expect(r.ok && r.value).toMatchObject({
      port: 9000,
      publicUrl: 'https://parley.example.com',
      databaseUrl: 'postgres://u@db:5432/parley',
      dataDir: '/var/lib/parley',
      demo: true,
      demoPaceSeconds: 30,
      allowSignup: false,
      metaApiVersion: 'v24.0',
      metaAppId: '1234567890',
    });
  });

  it('reads the webhook settings and refuses private URLs in production', () => {
    const r = parseConfig({ WEBHOOK_RETRY_SCHEDULE: '1, 2,3', WEBHOOK_ALLOW_PRIVATE_URLS: '1' });
    expect(r.ok && r.value).toMatchObject({ webhookRetrySchedule: [1, 2, 3], webhookAllowPrivateUrls: true });
    const bad = parseConfig({ WEBHOOK_RETRY_SCHEDULE: '5,,x' });
    expect(!bad.ok && bad.error.message).toMatch(/^WEBHOOK_RETRY_SCHEDULE must be 1 to 20 comma-separated/);
    const prod = parseConfig({
      NODE_ENV: 'production',
      SECRET_KEY: 's'.repeat(32),
      WEBHOOK_ALLOW_PRIVATE_URLS: '1',
    });
    expect(!prod.ok && prod.error.message).toMatch(
      /^WEBHOOK_ALLOW_PRIVATE_URLS is refused when NODE_ENV=production/,
    );
  });

  it('reads METRICS_TOKEN (unset: no /metrics) and refuses a short one', () => {
    const off = parseConfig({});
    expect(off.ok && off.value.metricsToken).toBeUndefined();
    const on = parseConfig({ METRICS_TOKEN: 'a'.repeat(16) });
    expect(on.ok && on.value.metricsToken).toBe('a'.repeat(16));
    const short = parseConfig({ METRICS_TOKEN: 'short' });
    expect(!short.ok && short.error.message).toMatch(/^METRICS_TOKEN must be at least 16 characters/);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a port number \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\/ URL/],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL must be an absolute http\(s\) URL/],
    [{ DEMO: 'yes' }, /^DEMO must be 0 or 1/],
    [{ DEMO_PACE_SECONDS: '-1' }, /^DEMO_PACE_SECONDS must be 0 \(customers silent\) or more/],
    [{ DEMO_PACE_SECONDS: 'fast' }, /^DEMO_PACE_SECONDS must be a number of seconds/],
    [{ ALLOW_SIGNUP: '2' }, /^ALLOW_SIGNUP must be 0 or 1/],
    [{ SECRET_KEY: 'short' }, /^SECRET_KEY must be at least 32 characters/],
    [{ META_API_VERSION: '25' }, /^META_API_VERSION must look like v25.0/],
    [{ META_APP_ID: 'my-app' }, /^META_APP_ID must be the App ID \(digits\)/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ NODE_ENV: 'production' }, /^SECRET_KEY is required when NODE_ENV=production/],
    [{ SIGNUP_RATE_LIMIT_PER_HOUR: '0' }, /^SIGNUP_RATE_LIMIT_PER_HOUR must be at least 1/],
    [{ SIGNIN_RATE_LIMIT_PER_MINUTE: 'many' }, /^SIGNIN_RATE_LIMIT_PER_MINUTE must be a number/],
    [{ OFFLINE_AFTER_SECONDS: '5' }, /^OFFLINE_AFTER_SECONDS must be at least 10/],
    [{ TRUST_PROXY: 'true' }, /^TRUST_PROXY must be a hop count or a comma-separated list/],
    [{ TRUST_PROXY: '10.0.0.0/8,proxy' }, /^TRUST_PROXY .*not "proxy"/],
  ])('names the variable in one line: %o', (env, message) => {
    const text = errorOf(env as Record<string, string>);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it.each([
    ['0', false],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1, ::1', ['10.0.0.0/8', '127.0.0.1', '::1']],
  ])('reads TRUST_PROXY=%s as a hop count or a list of proxies', (raw, expected) => {
    const r = parseConfig({ TRUST_PROXY: raw });
    expect(r.ok && r.value.trustProxy).toEqual(expected);
  });

  it('generates a secret once into DATA_DIR and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-cfg-'));
    const r = parseConfig({ DATA_DIR: dir });
    if (!r.ok) throw new Error(r.error.message);
    const first = ensureSecretKey(r.value).secretKey;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(ensureSecretKey(r.value).secretKey).toBe(first);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });
});

describe('boot with bad configuration', () => {
  it('stops the real process with one line naming the variable', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: 'not-a-port',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-boot-')),
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid configuration: PORT must be a port number (got "not-a-port")');
  });
});
