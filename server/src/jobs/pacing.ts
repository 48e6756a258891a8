// Pacing for the send queue (jobs/send-dispatcher.ts): in-memory state of the one process holding
// a number's lease. Pure, with an injectable monotonic clock.

/**
 * Per-number throughput (digest §9: 80 messages/s by default, up to 1,000). Meta — and the
 * emulator — count sends in a sliding one-second window and answer 130429 above the cap, so a
 * plain token bucket is not enough: a full bucket plus a second of refill lets 2× the cap into
 * one window. The gate therefore combines
 * - a **window rule**: a send holds one of `cap` slots from the moment it starts until one
 *   window (1 s) after its response arrived. Meta saw the request at some instant between the
 *   two, so every request Meta can count in any one-second window still holds its slot: Meta
 *   never sees more than `cap` in a window, whatever the network latency;
 * - a **smoothing token bucket** (rate `cap`/s, burst `cap`/20) so sends spread evenly instead
 *   of leaving in one-second bursts.
 * The steady rate is `cap` × 1 s ÷ (1 s + response latency), about 0.99 × cap on a LAN.
 */
export class ThroughputGate {
  private inFlight = 0;
  private readonly releases: number[] = [];
  private head = 0;
  private tokens: number;
  private last: number;

  constructor(
    private cap: number,
    private readonly now: () => number,
    private readonly windowMs = 1000,
  ) {
    this.tokens = this.burst();
    this.last = now();
  }

  private burst(): number {
    return Math.max(1, Math.floor(this.cap / 20));
  }

  /** Changes the cap (the account's throughput was edited). */
  setCap(cap: number): void {
    if (cap === this.cap) return;
    this.cap = Math.max(1, cap);
    this.tokens = Math.min(this.tokens, this.burst());
  }

  private expire(now: number): void {
    while (this.head < this.releases.length && this.releases[this.head]! <= now) this.head++;
    if (this.head > 1024 && this.head * 2 > this.releases.length) {
      this.releases.splice(0, this.head);
      this.head = 0;
    }
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) * this.cap) / 1000);
    this.last = now;
  }

  /** Slots free right now (ignoring the smoothing bucket): how many sends may be claimed. */
  room(): number {
    this.expire(this.now());
    return Math.max(0, this.cap - this.inFlight - (this.releases.length - this.head));
  }

  /**
   * Milliseconds until a send may start; 0 means now. `Infinity` when every slot is held by a
   * request still in flight (wait for a response).
   */
  waitMs(): number {
    const now = this.now();
    this.expire(now);
    if (this.inFlight + (this.releases.length - this.head) >= this.cap) {
      return this.head < this.releases.length ? Math.max(1, this.releases[this.head]! - now) : Infinity;
    }
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.cap));
  }

  /** Starts a send (call only when {@link waitMs} is 0). */
  take(): void {
    this.refill(this.now());
    this.tokens -= 1;
    this.inFlight += 1;
  }

  /** The send's response (or failure) arrived: its slot frees one window later. */
  done(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.releases.push(this.now() + this.windowMs);
  }
}

/** Per-recipient pacing settings (Meta's pair rate: 1 message / 6 s, bursts up to 45). */
export type PairRate = { intervalMs: number; burst: number };

/**
 * Per-recipient pacing: a token bucket per recipient (refilled a little slower than Meta's, so
 * our clock and Meta's never disagree at the boundary), plus the backoff Meta prescribes after a
 * 131056: wait 4^X seconds (X = 0, 1, 2… consecutive strikes) before that recipient's next
 * send. Other recipients are not affected.
 */
export class RecipientPacer {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  private readonly strikes = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly rate: PairRate | null,
    private readonly now: () => number,
    private readonly backoffBaseMs = 1000,
    private readonly maxBackoffMs = 3600_000,
  ) {}

  private interval(): number {
    // 4 % slower than the configured rate: a boundary race costs a 131056 and a backoff.
    return this.rate ? this.rate.intervalMs * 1.04 + 50 : 0;
  }

  private bucket(key: string, now: number) {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: this.rate!.burst, last: now }));
    b.tokens = Math.min(this.rate!.burst, b.tokens + (now - b.last) / this.interval());
    b.last = now;
    return b;
  }

  /** Milliseconds until `key` may receive its next message; 0 means now. */
  waitMs(key: string): number {
    const now = this.now();
    const s = this.strikes.get(key);
    if (s && s.until > now) return s.until - now;
    if (!this.rate) return 0;
    const b = this.bucket(key, now);
    return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) * this.interval());
  }

  /** Records a send to `key`. */
  take(key: string): void {
    if (this.rate) this.bucket(key, this.now()).tokens -= 1;
  }

  /** Meta answered 131056 for `key`: returns the backoff (4^X s) before its next attempt. */
  penalize(key: string): number {
    const now = this.now();
    const prev = this.strikes.get(key);
    const count = prev ? prev.count + 1 : 0;
    const delay = Math.min(this.maxBackoffMs, this.backoffBaseMs * 4 ** count);
    this.strikes.set(key, { count, until: now + delay });
    return delay;
  }

  /** A send to `key` was accepted: the strike count starts over. */
  succeeded(key: string): void {
    this.strikes.delete(key);
  }

  /** Forgets recipients whose bucket is full again and who have no strike (memory bound). */
  prune(): void {
    const now = this.now();
    for (const [k, s] of this.strikes) if (s.until < now - this.maxBackoffMs) this.strikes.delete(k);
    if (!this.rate) return;
    for (const [k] of this.buckets) if (this.bucket(k, now).tokens >= this.rate.burst) this.buckets.delete(k);
  }
}
