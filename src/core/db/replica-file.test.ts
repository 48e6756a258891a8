import { describe, expect, it } from 'vitest';
import { normalizeServerUrl, replicaFileName } from './replica-file';

const org = '0190a0b0-0000-7000-8000-000000000001';
const user = '0190a0b0-0000-7000-8000-000000000002';

describe('replica file naming', () => {
  it('normalizes server URLs that name the same server', () => {
    expect(normalizeServerUrl('HTTP://Example.COM:80/')).toBe('http://example.com');
    expect(normalizeServerUrl('https://example.com:443/parley//')).toBe('https://example.com/parley');
    expect(normalizeServerUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
  });

  it('is stable per (server, organization, user) and differs when any of them differs', () => {
    const a = replicaFileName('http://example.com/', org, user);
    expect(a).toMatch(/^[0-9a-f]{32}\.sqlite$/);
    expect(replicaFileName('HTTP://EXAMPLE.com:80', org.toUpperCase(), user)).toBe(a);
    expect(replicaFileName('http://example.com:8080', org, user)).not.toBe(a);
    expect(replicaFileName('https://example.com', org, user)).not.toBe(a);
    expect(replicaFileName('http://example.com', user, org)).not.toBe(a);
    expect(replicaFileName('http://example.com', org, '0190a0b0-0000-7000-8000-000000000003')).not.toBe(a);
  });

  it('does not reveal the server or the user in the file name', () => {
    expect(replicaFileName('http://example.com', org, user)).not.toContain('example');
  });
});
