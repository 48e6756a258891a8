import { join } from 'node:path';
import { Settings } from '#contract/ipc/contract';
import { readJsonFile, writeJsonFile } from '../fs-util';

/** Defaults for a first start or an unreadable file. */
export const defaultSettings: Settings = { theme: 'system' };

/** App-wide preferences in `<dataDir>/settings.json`. */
export interface SettingsStore {
  get(): Settings;
  /** Merges, persists and returns the new settings. */
  set(patch: Partial<Settings>): Settings;
}

/**
 * Keeps the settings outside the per-user replica so the sign-in screen already has a theme.
 * The file is parsed with the contract schema when read back (it may be from an older or newer
 * version, or edited by hand); unknown or broken content falls back to the defaults field by
 * field.
 */
export function createSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, 'settings.json');
  const read = (): Settings => {
    const raw = readJsonFile(file);
    const merged = { ...defaultSettings, ...(typeof raw === 'object' && raw !== null ? raw : {}) };
    const parsed = Settings.safeParse(merged);
    return parsed.success ? parsed.data : defaultSettings;
  };
  let current = read();
  return {
    get: () => current,
    set(patch) {
      current = Settings.parse({ ...current, ...patch });
      writeJsonFile(file, current);
      return current;
    },
  };
}
