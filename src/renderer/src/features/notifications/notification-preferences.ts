import { useCallback, useSyncExternalStore } from 'react';

/**
 * What alerts the person wants. Kept in this window's localStorage; the desktop shell learns
 * the opt-in it needs for the notification permission through `useDesktopAttention`.
 */
export interface NotificationPreferences {
  /** Desktop notifications at all. */
  desktop: boolean;
  /** For new customer messages in conversations assigned to me. */
  mine: boolean;
  /** For new customer messages in unassigned conversations I can see. */
  unassigned: boolean;
  /** A short beep with each alert. */
  sound: boolean;
  /** "(3) Parley" in the window title. */
  titleBadge: boolean;
}

/** Defaults: notify about my conversations and the unassigned queue, no sound. */
export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  desktop: true,
  mine: true,
  unassigned: true,
  sound: false,
  titleBadge: true,
};

const KEY = 'parley.notifications.v1';
const listeners = new Set<() => void>();
let cached: NotificationPreferences | null = null;

function read(): NotificationPreferences {
  if (cached) return cached;
  let stored: Partial<NotificationPreferences> = {};
  try {
    const raw = window.localStorage.getItem(KEY);
    if (raw) stored = JSON.parse(raw) as Partial<NotificationPreferences>;
  } catch {
    // Unreadable storage: use the defaults.
  }
  const merged = { ...DEFAULT_NOTIFICATION_PREFERENCES };
  for (const k of Object.keys(merged) as (keyof NotificationPreferences)[]) {
    if (typeof stored[k] === 'boolean') merged[k] = stored[k];
  }
  cached = merged;
  return merged;
}

/** Saves some preferences and tells every subscriber. */
export function saveNotificationPreferences(patch: Partial<NotificationPreferences>): void {
  cached = { ...read(), ...patch };
  try {
    window.localStorage.setItem(KEY, JSON.stringify(cached));
  } catch {
    // Storage full or disabled: keep them for this session.
  }
  for (const l of listeners) l();
}

/** Forgets the cached copy (tests). */
export function resetNotificationPreferencesCache(): void {
  cached = null;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The preferences and their setter, shared by every component that reads them. */
export function useNotificationPreferences(): [
  NotificationPreferences,
  (patch: Partial<NotificationPreferences>) => void,
] {
  const prefs = useSyncExternalStore(subscribe, read, () => DEFAULT_NOTIFICATION_PREFERENCES);
  const set = useCallback(
    (patch: Partial<NotificationPreferences>) => saveNotificationPreferences(patch),
    [],
  );
  return [prefs, set];
}
