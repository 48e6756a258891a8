import { IconHourglassHigh } from '@tabler/icons-react';
import type { InboxConversation } from '#contract/ipc/contract';

/** Waits longer than this are emphasised (the customer has been left a while). */
const LONG_WAIT_MS = 60 * 60_000;

/**
 * How long the customer of an open or pending conversation has waited for a reply (since their
 * first message after our last one); null when nobody waits or the conversation is closed.
 */
export function waitingOf(
  c: Pick<InboxConversation, 'status' | 'waitingSince'>,
  now: number,
): { label: string; sentence: string; long: boolean } | null {
  if (!c.waitingSince || (c.status !== 'open' && c.status !== 'pending')) return null;
  const ms = Math.max(0, now - Date.parse(c.waitingSince));
  const min = Math.floor(ms / 60_000);
  const h = Math.floor(min / 60);
  const label =
    min < 1
      ? 'now'
      : min < 60
        ? `${min}m`
        : h < 24
          ? `${h}h${min % 60 ? ` ${min % 60}m` : ''}`
          : `${Math.floor(h / 24)}d`;
  const words =
    min < 1
      ? 'less than a minute'
      : min < 60
        ? `${min} minute${min === 1 ? '' : 's'}`
        : h < 24
          ? `${h} hour${h === 1 ? '' : 's'}${min % 60 ? ` ${min % 60} minute${min % 60 === 1 ? '' : 's'}` : ''}`
          : `${Math.floor(h / 24)} day${Math.floor(h / 24) === 1 ? '' : 's'}`;
  return { label, sentence: `customer waiting ${words}`, long: ms >= LONG_WAIT_MS };
}

/** The row's "Waiting" cell: an hourglass and the wait ("12m", "2h 5m"); nothing when nobody waits. */
export function WaitingCell({ conversation, now }: { conversation: InboxConversation; now: number }) {
  const w = waitingOf(conversation, now);
  if (!w) return null;
  return (
    <span
      className="pc-waiting"
      data-long={w.long ? '' : undefined}
      title={`Waiting for a reply: ${w.label}`}
    >
      <IconHourglassHigh size={13} />
      {w.label}
    </span>
  );
}
