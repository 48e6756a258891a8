import type { SyncStatus } from '#contract/ipc/contract';

/** Formats a time of day the way the person's locale does, hours and minutes only. */
export function formatTimeOfDay(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'a while';
  return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** The short visible text of the connection indicator. */
export function connectionLabel(status: SyncStatus, locale?: string): string {
  switch (status.state) {
    case 'online':
      return 'Online';
    case 'connecting':
      return 'Connecting';
    case 'offline':
      return status.offlineSince
        ? `Offline since ${formatTimeOfDay(status.offlineSince, locale)}`
        : 'Offline';
    case 'syncing':
      return status.progress ? `Syncing ${status.progress.done} of ${status.progress.total}` : 'Syncing';
  }
}

/** Mantine colour token per state (green is reserved for a healthy connection). */
export const connectionColor: Record<SyncStatus['state'], string> = {
  online: 'green',
  connecting: 'yellow',
  syncing: 'blue',
  offline: 'gray',
};
