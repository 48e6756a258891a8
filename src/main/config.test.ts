import { describe, expect, it } from 'vitest';
import { migrationsDirFor, readMainConfig } from './config';

describe('main config', () => {
  it('defaults to the local server and no demo', () => {
    expect(readMainConfig({})).toEqual({
      serverUrl: 'http://127.0.0.1:8787',
      demo: null,
      devServerUrl: null,
      dataDirOverride: null,
    });
  });

  it('honours demo credentials only when both are set', () => {
    expect(readMainConfig({ PARLEY_DEMO_EMAIL: 'a@b.c' }).demo).toBeNull();
    expect(
      readMainConfig({
        PARLEY_SERVER_URL: 'http://h:1/',
        PARLEY_DEMO_EMAIL: 'a@b.c',
        PARLEY_DEMO_PASSWORD: 'pw',
      }),
    ).toMatchObject({ serverUrl: 'http://h:1', demo: { email: 'a@b.c', password: 'pw' } });
  });

  it('finds the migrations in resources when packaged and in the source tree otherwise', () => {
    expect(
      migrationsDirFor({ isPackaged: true, resourcesPath: '/opt/Parley/resources', appPath: '/x' }),
    ).toBe('/opt/Parley/resources/replica-migrations');
    expect(migrationsDirFor({ isPackaged: false, resourcesPath: '/r', appPath: '/repo' })).toBe(
      '/repo/src/core/db/migrations',
    );
  });
});
