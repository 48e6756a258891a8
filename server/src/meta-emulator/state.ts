import type { EmulatorTemplate } from './send-validation';

/** A WhatsApp Business Account in the emulator. */
export interface EmulatorWaba {
  id: string;
  name: string;
  phoneNumberIds: string[];
  templates: EmulatorTemplate[];
  subscribedApps: number;
}

/** A business phone number. */
export interface EmulatorPhoneNumber {
  id: string;
  wabaId: string;
  /** Digits only, as in webhook metadata (`15550783881`). */
  displayDigits: string;
  /** Formatted, as the phone-number API returns it (`+1 555-078-3881`). */
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | 'NA';
  throughputLevel: string;
  /** Messages per second accepted before 130429 (sliding 1 s window). */
  mpsLimit: number;
  codeVerificationStatus: string;
  webhook: { callbackUrl: string; appSecret: string; verifyToken?: string } | null;
}

/** An access token and what it may touch. */
export interface EmulatorToken {
  token: string;
  wabaIds: Set<string>;
  expired: boolean;
}

/** A simulated WhatsApp user. */
export interface EmulatorCustomer {
  /** Digits of the phone number (what `to` normalises to). */
  phone: string;
  /** WhatsApp id returned in `contacts[].wa_id`; differs from phone for Brazil-like cases. */
  waId: string;
  /** Business-scoped user id (2026), if any. */
  userId: string | null;
  name: string;
  username: string | null;
  /** Username user who hides the phone: webhooks omit `from`/`wa_id`. */
  hidePhone: boolean;
  /** Last inbound message time per business number id (ms): the 24 h window. */
  lastInboundAt: Map<string, number>;
  /** Whether this customer answers agents' messages automatically. */
  autoReply: boolean;
}

/** A stored media object. */
export interface EmulatorMedia {
  id: string;
  bytes: Buffer;
  mimeType: string;
  sha256Hex: string;
  sha256Base64: string;
  fileName: string | null;
  ownerPhoneNumberId: string;
  createdAt: number;
  /** Uploaded media live 30 days, received media 7 days (digest §6). */
  ttlMs: number;
  deleted: boolean;
}

/** An accepted outbound send, as recorded by the emulator. */
export interface OutboundRecord {
  wamid: string;
  phoneNumberId: string;
  /** Customer phone digits, or null for unknown recipients. */
  customerPhone: string | null;
  to: string;
  type: string;
  body: Record<string, unknown>;
  bizOpaqueCallbackData: string | null;
  acceptedAt: number;
  /** What happens to it: delivered normally, or failed with this code. */
  outcome: 'ok' | { failedCode: number };
  /** Whether the HTTP response was dropped by fault injection. */
  responseDropped: boolean;
}

/** An inbound message the emulator delivered (for reaction/reply targets). */
export interface InboundRecord {
  wamid: string;
  phoneNumberId: string;
  customerPhone: string;
  type: string;
  at: number;
  read: boolean;
}

/** The emulator's whole in-memory state. */
export interface EmulatorState {
  wabas: Map<string, EmulatorWaba>;
  phoneNumbers: Map<string, EmulatorPhoneNumber>;
  tokens: Map<string, EmulatorToken>;
  customers: Map<string, EmulatorCustomer>;
  media: Map<string, EmulatorMedia>;
  downloadTokens: Map<string, { mediaId: string; issuedAt: number }>;
  outbound: Map<string, OutboundRecord>;
  inbound: Map<string, InboundRecord>;
}

/** Creates an empty state. */
export function createState(): EmulatorState {
  return {
    wabas: new Map(),
    phoneNumbers: new Map(),
    tokens: new Map(),
    customers: new Map(),
    media: new Map(),
    downloadTokens: new Map(),
    outbound: new Map(),
    inbound: new Map(),
  };
}

/** Digits of a phone number as Meta reads `to` (`+1 (650) 555-1234` → `16505551234`). */
export const phoneDigits = (s: string): string => s.replace(/[^0-9]/g, '');

/** Seeded PRNG (mulberry32) so autopilot runs and generated ids are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sliding one-second window counter (per business number throughput). */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;
  constructor(private readonly windowMs = 1000) {}
  /** Records a hit at `now` if fewer than `limit` hits are in the window; returns whether it fit. */
  tryHit(now: number, limit: number): boolean {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    if (this.times.length - this.head >= limit) return false;
    this.times.push(now);
    return true;
  }
}

/** Token bucket for the pair rate: `burst` messages, one token back every `intervalMs`. */
export class PairBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }
  /** Takes a token if one is available. */
  tryTake(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.intervalMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
