import { useEffect, useState } from 'react';

/** The clock in ms, updated every `intervalMs` (relative times and 24-hour windows tick). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
