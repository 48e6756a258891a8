import type { App } from 'electron';
import { parseInviteLink } from '#contract/ipc/admin';
import { ok, type Result } from '#contract/result';

/** The deep link an invite page opens: `parley://invite?server=<url>#<token>`. */
export const INVITE_LINK_PREFIX = 'parley://invite';

/** Holds the last invite link the OS handed to the app until the page takes it. */
export interface DeepLinks {
  /** Keeps `url` if it is an invite link; true when kept. */
  offer(url: string): boolean;
  /** The first invite link among command-line arguments (Windows/Linux start or second instance). */
  offerArgv(argv: readonly string[]): boolean;
  /** `app:takeInviteLink`: the pending link, once. */
  take(): Promise<Result<{ link: string | null }>>;
}

/**
 * Invite deep links, kept thin: the OS hands the link over (`open-url` on macOS, the command
 * line elsewhere), this keeps it, and the page asks for it (`app:takeInviteLink`) at start and
 * whenever its window gains focus. Everything else — parsing the server and token, the accept
 * screen, the server call — happens where it does in the browser harness.
 */
export function createDeepLinks(): DeepLinks {
  let pending: string | null = null;
  const offer = (url: string) => {
    if (!url.startsWith(INVITE_LINK_PREFIX) || !parseInviteLink(url)) return false;
    pending = url;
    return true;
  };
  return {
    offer,
    offerArgv: (argv) => argv.some((a) => offer(a)),
    take: async () => {
      const link = pending;
      pending = null;
      return ok({ link });
    },
  };
}

/**
 * Makes Parley the OS handler of `parley://` links and routes them to `links`; `focus` brings
 * the window forward so the page takes the link. (`second-instance` is handled by the caller,
 * which owns the single-instance lock, through `links.offerArgv`.)
 */
export function registerDeepLinks(
  app: Pick<App, 'setAsDefaultProtocolClient' | 'on'>,
  links: DeepLinks,
  focus: () => void,
): void {
  app.setAsDefaultProtocolClient('parley');
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (links.offer(url)) focus();
  });
}
