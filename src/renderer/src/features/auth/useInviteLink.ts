import { useCallback, useEffect, useMemo, useState } from 'react';
import { useAppInfo, useParleyClient } from '../../api';

/**
 * An invite in the page's own address: the browser harness serves the app at `/invite`, so the
 * invite link's path and fragment opened on the harness show the accept screen. The server is
 * `?server=` when given, else the app's default server.
 */
export function inviteInLocation(loc: Pick<Location, 'pathname' | 'search' | 'hash'>): {
  server: string | null;
  hash: string;
} | null {
  if (!/\/invite\/?$/.test(loc.pathname) || loc.hash.length < 2) return null;
  return { server: new URLSearchParams(loc.search).get('server'), hash: loc.hash };
}

/** What {@link useInviteLink} returns. */
export interface InviteLinkApi {
  /** The link to accept (empty: the person pastes one), or null: no invite on screen. */
  link: string | null;
  /** Shows the accept screen (from the sign-in screen's "I have an invitation"). */
  open(link?: string): void;
  /** Leaves the accept screen (cancelled or accepted); the page address forgets the token. */
  close(): void;
}

/**
 * Where an invitation comes from: the page address (browser harness), a desktop deep link
 * (`app:takeInviteLink`, asked at start and whenever the window gains focus, since the shell
 * focuses it when a link arrives), or the person pasting it.
 */
export function useInviteLink(): InviteLinkApi {
  const client = useParleyClient();
  const appInfo = useAppInfo();
  const [explicit, setExplicit] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState(false);
  const fromPage = useMemo(() => inviteInLocation(window.location), []);

  useEffect(() => {
    let live = true;
    const take = () =>
      void client.call('app:takeInviteLink').then((r) => {
        if (live && r.ok && r.value.link) setExplicit(r.value.link);
      });
    take();
    window.addEventListener('focus', take);
    return () => {
      live = false;
      window.removeEventListener('focus', take);
    };
  }, [client]);

  const server = fromPage?.server ?? appInfo?.defaultServerUrl;
  const pageLink =
    fromPage && !dismissed && server ? `${server.replace(/\/+$/, '')}/invite${fromPage.hash}` : null;
  const open = useCallback((link = '') => setExplicit(link), []);
  const close = useCallback(() => {
    setExplicit(null);
    setDismissed(true);
    if (fromPage) window.history.replaceState(null, '', '/');
  }, [fromPage]);
  return { link: explicit ?? pageLink, open, close };
}
