/**
 * A wake-up for polling loops: `wait(ms)` resolves after `ms` or at the next `notify()`,
 * whichever comes first. Non-finite waits are capped at one second.
 */
export class Signal {
  private waiters: (() => void)[] = [];

  /** Wakes every current waiter. */
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Resolves after `ms`, or earlier on `notify()`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters = this.waiters.filter((f) => f !== done);
        resolve();
      };
      const t = setTimeout(done, Number.isFinite(ms) ? Math.max(0, ms) : 1000);
      this.waiters.push(done);
    });
  }
}
