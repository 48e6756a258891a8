import type { MantineColorScheme, MantineColorSchemeManager } from '@mantine/core';
import type { ThemeMode } from '#contract/ipc/contract';

/** The app's theme setting in Mantine's terms: `system` is Mantine's `auto`. */
export function toMantineColorScheme(mode: ThemeMode): MantineColorScheme {
  return mode === 'system' ? 'auto' : mode;
}

/**
 * A colour-scheme manager that keeps the value in memory only. The source of truth is the
 * `theme` setting held by the app (settings:get/settings:set), not localStorage, so the
 * desktop app and the harness agree and a reset of web storage changes nothing.
 */
export function memoryColorSchemeManager(initial: MantineColorScheme = 'auto'): MantineColorSchemeManager {
  let value = initial;
  return {
    get: () => value,
    set: (next) => {
      value = next;
    },
    subscribe: () => {},
    unsubscribe: () => {},
    clear: () => {
      value = initial;
    },
  };
}
