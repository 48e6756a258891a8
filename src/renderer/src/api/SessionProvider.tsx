import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { In, SessionState } from '#contract/ipc/contract';
import type { AppError, Result } from '#contract/result';
import type { ParleyClient } from './parley-client';

/** What {@link useSession} returns. */
export interface SessionApi {
  /** The session, or `undefined` while it is first loaded. */
  session: SessionState | undefined;
  /** Why the session could not be loaded, if it could not. */
  loadError: AppError | null;
  /** Signs in; the session updates on success. */
  signIn(input: In<'session:signIn'>): Promise<Result<SessionState>>;
  /** Signs out; the session updates on success. */
  signOut(input?: In<'session:signOut'>): Promise<Result<SessionState>>;
  /** Reloads the session (after a profile change, say). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Holds the one session state of the window, fed by `session:get` and `session:changed`. */
export function SessionProvider({ client, children }: { client: ParleyClient; children: ReactNode }) {
  const [session, setSession] = useState<SessionState | undefined>(undefined);
  const [loadError, setLoadError] = useState<AppError | null>(null);

  const refresh = useCallback(async () => {
    const result = await client.call('session:get');
    if (result.ok) {
      setSession(result.value);
      setLoadError(null);
    } else {
      setLoadError(result.error);
    }
  }, [client]);

  useEffect(() => {
    let live = true;
    const unsubscribe = client.subscribe('session:changed', setSession);
    void client.call('session:get').then((result) => {
      if (!live) return;
      if (result.ok) setSession(result.value);
      else setLoadError(result.error);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client]);

  const signIn = useCallback(
    async (input: In<'session:signIn'>) => {
      const result = await client.call('session:signIn', input);
      if (result.ok) setSession(result.value);
      return result;
    },
    [client],
  );

  const signOut = useCallback(
    async (input: In<'session:signOut'> = { wipeReplica: false }) => {
      const result = await client.call('session:signOut', input);
      if (result.ok) setSession(result.value);
      return result;
    },
    [client],
  );

  const value = useMemo(
    () => ({ session, loadError, signIn, signOut, refresh }),
    [session, loadError, signIn, signOut, refresh],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

/** The window's session and the actions that change it. */
export function useSession(): SessionApi {
  const value = use(SessionContext);
  if (!value) throw new Error('useSession must be used inside <ParleyProvider>');
  return value;
}
