import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id parameters: OWASP's minimum (m=19 MiB, t=2, p=1). */
export const ARGON2_PARAMS = {
  // The package's `Algorithm` is a const enum, which isolated modules cannot read; 2 is Argon2id.
  algorithm: 2 as Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes and verifies passwords with a bounded number of hashes in flight. */
export type PasswordHasher = {
  hash: (password: string) => Promise<string>;
  /** Verifies against a PHC string; a null hash still costs one hash so unknown e-mails take as long. */
  verify: (phc: string | null, password: string) => Promise<boolean>;
};

/** Too many hashes queued: the caller should answer 503 rather than pile up work. */
export class HasherBusyError extends Error {
  /** How the HTTP layer answers it (any error carrying an `appError` is answered with it). */
  readonly appError = {
    code: 'service_unavailable' as const,
    message: 'The server is busy signing people in; try again in a moment',
  };
  constructor() {
    super('Password hashing queue is full');
    this.name = 'HasherBusyError';
  }
}

/**
 * Each argon2 hash takes ~19 MiB and tens of milliseconds on libuv's small thread pool, which
 * PGlite file I/O and DNS share. A semaphore keeps a login flood to `concurrency` hashes at a time
 * (the rest wait in a bounded queue), so webhook ingest and normal requests keep their threads.
 */
export function createPasswordHasher(
  opts: {
    concurrency?: number;
    maxQueue?: number;
    /** The primitive to wrap (tests observe the semaphore with a fake); defaults to argon2id. */
    impl?: {
      hash: (password: string) => Promise<string>;
      verify: (phc: string, password: string) => Promise<boolean>;
    };
  } = {},
): PasswordHasher {
  const impl = opts.impl ?? {
    hash: (password: string) => hash(password, ARGON2_PARAMS),
    verify: (phc: string, password: string) => verify(phc, password),
  };
  const concurrency = opts.concurrency ?? 2;
  const maxQueue = opts.maxQueue ?? 256;
  let active = 0;
  const waiting: Array<() => void> = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) {
      if (waiting.length >= maxQueue) throw new HasherBusyError();
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter; `active` only drops when nobody waits.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => run(() => impl.hash(password)),
    verify: async (phc, password) => {
      if (phc === null) {
        dummy ??= impl.hash('parley-timing-equaliser');
        const target = await dummy;
        await run(() => impl.verify(target, password).catch(() => false));
        return false;
      }
      return run(() => impl.verify(phc, password).catch(() => false));
    },
  };
}
