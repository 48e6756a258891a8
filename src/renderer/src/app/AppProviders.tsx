import '../theme/global.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import type { ParleyApi } from '#contract/ipc/contract';
import { ParleyProvider } from '../api';
import { cssVariablesResolver, memoryColorSchemeManager, theme } from '../theme';
import { ColorSchemeSync } from './ColorSchemeSync';

/** Props of {@link AppProviders}. */
export interface AppProvidersProps {
  /** `window.parley` in the app, a fake in tests. */
  api: ParleyApi;
  /** Mantine's `test` env turns off transitions and portals for jsdom. */
  env?: 'default' | 'test';
  children: ReactNode;
}

/** Everything a screen needs around it: Mantine with Parley's theme and the app API. */
export function AppProviders({ api, env = 'default', children }: AppProvidersProps) {
  const [colorSchemeManager] = useState(() => memoryColorSchemeManager('auto'));
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="auto"
      env={env}
    >
      {/* Toasts (status changes, reassignments, failures); above modals, below nothing. */}
      <Notifications position="bottom-right" limit={4} zIndex={1000} />
      <ParleyProvider api={api}>
        <ColorSchemeSync />
        {children}
      </ParleyProvider>
    </MantineProvider>
  );
}
