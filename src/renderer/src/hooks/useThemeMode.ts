import { useMantineColorScheme } from '@mantine/core';
import { useCallback, useEffect, useRef } from 'react';
import type { ThemeMode } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { useSettings } from '../api';
import { toMantineColorScheme } from '../theme';

/** What {@link useThemeMode} returns. */
export interface ThemeModeApi {
  /** The stored preference, or `undefined` while settings load. */
  mode: ThemeMode | undefined;
  /** Stores a new preference and applies it at once. */
  setMode(mode: ThemeMode): Promise<Result<unknown>>;
}

/** The theme preference: read from settings, written through settings:set, applied to Mantine. */
export function useThemeMode(): ThemeModeApi {
  const { settings, update } = useSettings();
  const { setColorScheme } = useMantineColorScheme();
  // Mantine hands out a new setColorScheme on every render; keeping it in a ref keeps setMode
  // stable, so the memoized header (user menu, outbox popover) does not re-render with the inbox.
  const setColorSchemeRef = useRef(setColorScheme);
  useEffect(() => {
    setColorSchemeRef.current = setColorScheme;
  });
  const setMode = useCallback(
    async (mode: ThemeMode) => {
      const result = await update({ theme: mode });
      if (result.ok) setColorSchemeRef.current(toMantineColorScheme(result.value.theme));
      return result;
    },
    [update],
  );
  return { mode: settings?.theme, setMode };
}
