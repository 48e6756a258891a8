// What every part of one emulator shares: its state, clock and seeded ids, the timers it must
// clear on close, the lookups that throw for unknown ids, and webhook delivery to a number's
// callback. The Graph areas and the simulated customers each take this one object.
import {
  createState,
  phoneDigits,
  seededRandom,
  type EmulatorCustomer,
  type EmulatorPhoneNumber,
  type EmulatorState,
} from './state';
import type { BusinessNumberRef } from './webhook-builders';
import type { DeliveryRecord, WebhookSender } from './webhook-sender';

/** One day in ms: the 24 h window and media lifetimes count in days. */
export const DAY = 24 * 3600_000;

/** The shared runtime of one emulator (see the file comment). */
export interface EmulatorContext {
  readonly state: EmulatorState;
  /** Clock in ms (status timestamps, the 24 h window, rate limits, URL expiry). */
  now(): number;
  nowSeconds(): number;
  /** The seeded PRNG: ids and simulated customers' choices are reproducible. */
  random(): number;
  /** `n` random digits without a leading zero (Meta's numeric ids). */
  digits(n: number): string;
  /** `bytes` random bytes as lower-case hex. */
  randomHex(bytes: number): string;
  /** A wamid shaped like Meta's (base64 of `HBgL…`). */
  newWamid(): string;
  /** An `fbtrace_id` for error objects. */
  traceId(): string;
  /** The URL the emulator is reached at (set by `listen()`), used in media links; null before. */
  publicUrl: string | null;
  /** Runs `fn` after `ms`, unless the emulator closes first. */
  later(ms: number, fn: () => void): void;
  /** Runs `fn` every `ms` until the returned stop function is called or the emulator closes. */
  every(ms: number, fn: () => void): () => void;
  /** A simulated customer by phone, wa_id or BSUID. */
  findCustomer(ref: string): EmulatorCustomer | undefined;
  /** Like {@link findCustomer}, but throws for an unknown customer (control API misuse). */
  mustCustomer(ref: string): EmulatorCustomer;
  /** A business number by id; throws for an unknown one (control API misuse). */
  mustPhone(id: string): EmulatorPhoneNumber;
  /** The webhook metadata of a business number. */
  numberRef(p: EmulatorPhoneNumber): BusinessNumberRef;
  /** Signs and POSTs `payload` to the number's callback after `delayMs`; null without a callback. */
  deliverTo(phone: EmulatorPhoneNumber, payload: unknown, delayMs?: number): Promise<DeliveryRecord | null>;
  /** Clears every pending timer and interval. */
  clearTimers(): void;
}

/** Creates the shared runtime over an empty state. */
export function createContext(opts: {
  now: () => number;
  seed: number;
  sender: WebhookSender;
}): EmulatorContext {
  const { now, sender } = opts;
  const random = seededRandom(opts.seed);
  const state = createState();
  const timers = new Set<NodeJS.Timeout>();
  const intervals = new Set<NodeJS.Timeout>();

  const digits = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      i === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10),
    ).join('');
  const randomHex = (bytes: number) =>
    Array.from({ length: bytes }, () =>
      Math.floor(random() * 256)
        .toString(16)
        .padStart(2, '0'),
    ).join('');

  function findCustomer(ref: string): EmulatorCustomer | undefined {
    const d = phoneDigits(ref);
    return (
      state.customers.get(d) ??
      [...state.customers.values()].find((c) => c.waId === d || (c.userId !== null && c.userId === ref))
    );
  }

  return {
    state,
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    random,
    digits,
    randomHex,
    newWamid: () =>
      `wamid.${Buffer.from(`HBgL${digits(12)}FQIAERgS${randomHex(10).toUpperCase()}AA==`).toString('base64')}`,
    traceId: () => Buffer.from(randomHex(9), 'hex').toString('base64').replace(/[+/=]/g, 'A'),
    publicUrl: null,
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      intervals.add(timer);
      return () => {
        clearInterval(timer);
        intervals.delete(timer);
      };
    },
    findCustomer,
    mustCustomer(ref) {
      const c = findCustomer(ref);
      if (!c) throw new Error(`unknown customer ${ref}`);
      return c;
    },
    mustPhone(id) {
      const p = state.phoneNumbers.get(id);
      if (!p) throw new Error(`unknown phone number ${id}`);
      return p;
    },
    numberRef: (p) => ({ wabaId: p.wabaId, phoneNumberId: p.id, displayPhoneNumber: p.displayDigits }),
    deliverTo(phone, payload, delayMs = 0) {
      if (!phone.webhook) return Promise.resolve(null);
      return sender.deliver(phone.webhook, payload, delayMs);
    },
    clearTimers() {
      for (const t of intervals) clearInterval(t);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
