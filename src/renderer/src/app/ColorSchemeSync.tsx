import { useMantineColorScheme } from '@mantine/core';
import { useEffect } from 'react';
import { useSettings } from '../api';
import { toMantineColorScheme } from '../theme';

/** Applies the stored theme setting to Mantine whenever it loads or changes. */
export function ColorSchemeSync() {
  const { settings } = useSettings();
  const { setColorScheme } = useMantineColorScheme();
  const mode = settings?.theme;
  useEffect(() => {
    if (mode) setColorScheme(toMantineColorScheme(mode));
  }, [mode, setColorScheme]);
  return null;
}
