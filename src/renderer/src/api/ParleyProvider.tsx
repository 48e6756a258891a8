import { createContext, use, useMemo, type ReactNode } from 'react';
import type { ParleyApi } from '#contract/ipc/contract';
import { createParleyClient, type ParleyClient } from './parley-client';
import { SessionProvider } from './SessionProvider';
import { SettingsProvider } from './SettingsProvider';

const ClientContext = createContext<ParleyClient | null>(null);

/** Props of {@link ParleyProvider}. */
export interface ParleyProviderProps {
  /** The raw API: `getWindowParley()` in the app, a fake in tests. */
  api: ParleyApi;
  children: ReactNode;
}

/**
 * Makes the typed client, the shared session state and the settings available to the tree.
 * Tests inject a fake `api` here instead of touching `window`.
 */
export function ParleyProvider({ api, children }: ParleyProviderProps) {
  const client = useMemo(() => createParleyClient(api), [api]);
  return (
    <ClientContext value={client}>
      <SessionProvider client={client}>
        <SettingsProvider client={client}>{children}</SettingsProvider>
      </SessionProvider>
    </ClientContext>
  );
}

/** The typed client; only hooks in `api/` and features' data hooks use it. */
export function useParleyClient(): ParleyClient {
  const client = use(ClientContext);
  if (!client) throw new Error('useParleyClient must be used inside <ParleyProvider>');
  return client;
}
