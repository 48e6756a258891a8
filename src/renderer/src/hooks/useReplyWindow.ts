import { useEffect, useState } from 'react';

/** The 24-hour customer-service window at one instant. */
export interface ReplyWindow {
  /** Free-form replies are allowed (WhatsApp's rule; the server and Meta enforce it too). */
  isOpen: boolean;
  /** Milliseconds left, 0 when closed. */
  remainingMs: number;
  /** "Replies allowed for 3 h 12 min" or "Window closed". */
  label: string;
}

/** Formats a remaining time as "3 h 12 min", "12 min" or "less than a minute". */
export function formatRemaining(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * The window computed locally from `windowExpiresAt` (null before the customer ever wrote,
 * which means templates only).
 */
export function replyWindow(windowExpiresAt: string | null | undefined, now: number): ReplyWindow {
  const expires = windowExpiresAt ? Date.parse(windowExpiresAt) : Number.NaN;
  const remainingMs = Number.isFinite(expires) ? Math.max(0, expires - now) : 0;
  if (remainingMs <= 0) return { isOpen: false, remainingMs: 0, label: 'Window closed' };
  return { isOpen: true, remainingMs, label: `Replies allowed for ${formatRemaining(remainingMs)}` };
}

/**
 * The live window: re-computed at each minute boundary of the countdown and exactly when it
 * closes, so the header and the composer switch to templates-only without a reload.
 */
export function useReplyWindow(windowExpiresAt: string | null | undefined): ReplyWindow {
  const [now, setNow] = useState(() => Date.now());
  const state = replyWindow(windowExpiresAt, now);
  const { remainingMs } = state;
  useEffect(() => {
    // A new expiry (the customer wrote again) after a long idle spell is measured from now.
    const isStale = Date.now() - now > 1_000;
    if (!isStale && remainingMs <= 0) return undefined;
    // Otherwise wake when the displayed minute changes or the window closes.
    const delay = isStale ? 0 : Math.min(remainingMs % 60_000 || 60_000, remainingMs) + 5;
    const timer = window.setTimeout(() => setNow(Date.now()), delay);
    return () => window.clearTimeout(timer);
  }, [now, remainingMs, windowExpiresAt]);
  return state;
}
