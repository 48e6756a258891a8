import type { Clock } from '../../lib/clock';

/** Limits for {@link createLoginThrottle}. */
export type ThrottleLimits = {
  /** Failures allowed per account within the window. */
  perAccount: number;
  /** Failures allowed per client IP within the window. */
  perIp: number;
  windowMs: number;
};

/** Default: 5 failures per account and 20 per IP in 15 minutes. */
export const DEFAULT_THROTTLE: ThrottleLimits = { perAccount: 5, perIp: 20, windowMs: 15 * 60 * 1000 };

/** Counts failed sign-ins per account and per IP over a sliding window. */
export type LoginThrottle = {
  /** Seconds to wait when either key is over its limit, else 0. */
  retryAfter: (account: string, ip: string) => number;
  recordFailure: (account: string, ip: string) => void;
  /** A successful sign-in clears the account's failures (not the IP's). */
  recordSuccess: (account: string) => void;
};

/**
 * In-process sliding-window throttle. With several server processes each keeps its own counts,
 * so the effective limit is N × the configured one; a shared store (PostgreSQL or Redis) is the
 * upgrade path once we run more than one node.
 */
export function createLoginThrottle(clock: Clock, limits: ThrottleLimits = DEFAULT_THROTTLE): LoginThrottle {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((t) => t > now - limits.windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const wait = (key: string, limit: number, now: number): number => {
    const list = recent(key, now);
    if (list.length < limit) return 0;
    // Blocked until the oldest failure that keeps us at the limit leaves the window.
    const unblockAt = (list[list.length - limit] ?? now) + limits.windowMs;
    return Math.max(1, Math.ceil((unblockAt - now) / 1000));
  };
  // Bound memory under a spray of distinct keys: drop expired entries now and then.
  let sweeps = 0;
  const sweep = (now: number) => {
    if (++sweeps % 1000 !== 0) return;
    for (const key of failures.keys()) recent(key, now);
  };
  return {
    retryAfter: (account, ip) => {
      const now = clock.now().getTime();
      return Math.max(wait(`a:${account}`, limits.perAccount, now), wait(`i:${ip}`, limits.perIp, now));
    },
    recordFailure: (account, ip) => {
      const now = clock.now().getTime();
      sweep(now);
      for (const key of [`a:${account}`, `i:${ip}`]) failures.set(key, [...recent(key, now), now]);
    },
    recordSuccess: (account) => {
      failures.delete(`a:${account}`);
    },
  };
}
