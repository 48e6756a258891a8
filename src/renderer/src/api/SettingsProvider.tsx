import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Settings } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import type { ParleyClient } from './parley-client';

/** What {@link useSettings} returns. */
export interface SettingsApi {
  /** The preferences, or `undefined` while they are first loaded. */
  settings: Settings | undefined;
  /** Changes some preferences; the state updates on success. */
  update(patch: Partial<Settings>): Promise<Result<Settings>>;
}

const SettingsContext = createContext<SettingsApi | null>(null);

/** Fallback when the settings cannot be read: follow the OS. */
const DEFAULT_SETTINGS: Settings = { theme: 'system' };

/** Holds the desktop preferences: `settings:get` once, then `settings:changed` events. */
export function SettingsProvider({ client, children }: { client: ParleyClient; children: ReactNode }) {
  const [settings, setSettings] = useState<Settings | undefined>(undefined);

  useEffect(() => {
    let live = true;
    // Another window (or the core) may save settings; apply them here too.
    const unsubscribe = client.subscribe('settings:changed', setSettings);
    void client.call('settings:get').then((result) => {
      if (!live) return;
      if (result.ok) {
        setSettings(result.value);
      } else {
        // Preferences are not worth blocking the app for: use the defaults and say why.
        console.warn('parley: could not read settings, using defaults', result.error);
        setSettings(DEFAULT_SETTINGS);
      }
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client]);

  const update = useCallback(
    async (patch: Partial<Settings>) => {
      const result = await client.call('settings:set', patch);
      if (result.ok) setSettings(result.value);
      return result;
    },
    [client],
  );

  const value = useMemo(() => ({ settings, update }), [settings, update]);
  return <SettingsContext value={value}>{children}</SettingsContext>;
}

/** The desktop preferences and their setter. */
export function useSettings(): SettingsApi {
  const value = use(SettingsContext);
  if (!value) throw new Error('useSettings must be used inside <ParleyProvider>');
  return value;
}
