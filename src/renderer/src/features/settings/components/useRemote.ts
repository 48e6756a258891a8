import { useCallback, useEffect, useState } from 'react';
import type { AppError, Result } from '#contract/result';

/** What {@link useRemote} holds: the last answer, its error, and whether a read is under way. */
export interface RemoteState<T> {
  data: T | undefined;
  error: AppError | null;
  loading: boolean;
  /** Reads again (after a write, or "Try again"). */
  reload(): Promise<void>;
  /** Replaces the data with a write's answer without a round trip. */
  setData(update: (current: T | undefined) => T | undefined): void;
}

interface Answer<T> {
  data: T | undefined;
  error: AppError | null;
}

/**
 * Reads an online-only list or record while `enabled` (online). Never a spinner forever: the
 * core's request times out and answers an error, which the screen shows with "Try again".
 */
export function useRemote<T>(load: () => Promise<Result<T>>, enabled: boolean): RemoteState<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ data: undefined, error: null });
  const [isReloading, setReloading] = useState(false);
  const apply = useCallback(
    (r: Result<T>) =>
      setAnswer((a) => (r.ok ? { data: r.value, error: null } : { data: a.data, error: r.error })),
    [],
  );
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void load().then((r) => {
      if (live) apply(r);
    });
    return () => {
      live = false;
    };
  }, [enabled, load, apply]);
  const reload = useCallback(async () => {
    setReloading(true);
    const r = await load();
    setReloading(false);
    apply(r);
  }, [load, apply]);
  const setData = useCallback(
    (update: (current: T | undefined) => T | undefined) => setAnswer((a) => ({ ...a, data: update(a.data) })),
    [],
  );
  const loading = isReloading || (enabled && answer.data === undefined && answer.error === null);
  return { data: answer.data, error: answer.error, loading, reload, setData };
}
