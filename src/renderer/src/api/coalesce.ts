/**
 * Runs an async task so that calls arriving while it runs collapse into one more run after
 * it: a burst of `replica:changed` events (a bootstrap chunk, a batch of webhooks) costs at
 * most two reads, never one per event, and the last read always sees the last change.
 */
export function coalesce(task: () => Promise<void>): { run(): void; cancel(): void } {
  let running = false;
  let again = false;
  let cancelled = false;
  const loop = async () => {
    running = true;
    try {
      do {
        again = false;
        await task();
      } while (again && !cancelled);
    } finally {
      running = false;
    }
  };
  return {
    run() {
      if (cancelled) return;
      if (running) {
        again = true;
        return;
      }
      void loop();
    },
    cancel() {
      cancelled = true;
    },
  };
}
