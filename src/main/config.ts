import { join } from 'node:path';

/** Where the server lives when nothing else is configured (the server's default address). */
export const FALLBACK_SERVER_URL = 'http://127.0.0.1:8787';

/** What the main process reads from its environment at startup. */
export interface MainConfig {
  /** Pre-filled server URL (PARLEY_SERVER_URL). */
  serverUrl: string;
  /** Demo credentials; only set when both PARLEY_DEMO_EMAIL and PARLEY_DEMO_PASSWORD are. */
  demo: { email: string; password: string } | null;
  /** electron-vite's dev server URL (ELECTRON_RENDERER_URL), in `npm run dev` only. */
  devServerUrl: string | null;
  /** PARLEY_DATA_DIR overrides userData (e2e fixtures use a temporary folder). */
  dataDirOverride: string | null;
}

/** Reads the environment; unset or blank variables mean "not configured". */
export function readMainConfig(env: NodeJS.ProcessEnv): MainConfig {
  const get = (k: string): string | null => {
    const v = env[k]?.trim();
    return v ? v : null;
  };
  const email = get('PARLEY_DEMO_EMAIL');
  const password = get('PARLEY_DEMO_PASSWORD');
  return {
    serverUrl: (get('PARLEY_SERVER_URL') ?? FALLBACK_SERVER_URL).replace(/\/+$/, ''),
    demo: email && password ? { email, password } : null,
    devServerUrl: get('ELECTRON_RENDERER_URL'),
    dataDirOverride: get('PARLEY_DATA_DIR'),
  };
}

/**
 * Where the replica migrations are at run time. Packaged: electron-builder copies
 * src/core/db/migrations to `<resources>/replica-migrations` (extraResources). Unpackaged
 * (`electron .` after `electron-vite build`): the app path is the repository root.
 */
export function migrationsDirFor(opts: {
  isPackaged: boolean;
  resourcesPath: string;
  appPath: string;
}): string {
  return opts.isPackaged
    ? join(opts.resourcesPath, 'replica-migrations')
    : join(opts.appPath, 'src', 'core', 'db', 'migrations');
}
