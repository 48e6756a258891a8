/**
 * Desktop notifications through the Web Notification API. In Electron the main process grants
 * the permission only when the person opted in; in plain Chromium (the harness) it may be
 * denied or unavailable. Every function here degrades to "not shown" instead of throwing.
 */

/** Whether notifications can be shown: `granted`, `denied`, `default` (not asked yet) or `unsupported`. */
export type DesktopNotificationPermission = NotificationPermission | 'unsupported';

const api = (): typeof Notification | undefined =>
  typeof window !== 'undefined' && 'Notification' in window ? window.Notification : undefined;

/** The current permission. */
export function desktopNotificationPermission(): DesktopNotificationPermission {
  return api()?.permission ?? 'unsupported';
}

/** Asks for the permission (only ever from a user gesture); resolves to the outcome. */
export async function requestDesktopNotificationPermission(): Promise<DesktopNotificationPermission> {
  const N = api();
  if (!N) return 'unsupported';
  try {
    return await N.requestPermission();
  } catch {
    return N.permission;
  }
}

/** What a notification says and what clicking it does. */
export interface DesktopNotification {
  title: string;
  body: string;
  /** Replaces an earlier notification with the same tag (one per conversation). */
  tag?: string;
  /** Called when the person clicks the notification (the window is focused first). */
  onClick?: () => void;
}

/** Shows a notification if allowed; returns whether it was shown. */
export function showDesktopNotification(n: DesktopNotification): boolean {
  const N = api();
  if (!N || N.permission !== 'granted') return false;
  try {
    const shown = new N(n.title, { body: n.body, tag: n.tag, silent: true });
    shown.onclick = () => {
      window.focus();
      n.onClick?.();
      shown.close();
    };
    return true;
  } catch (e) {
    // Chromium throws when notifications must come from a service worker (some platforms).
    console.warn('parley: desktop notification failed', e);
    return false;
  }
}
