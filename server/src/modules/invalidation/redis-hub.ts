import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { InvalidationBus } from '../../lib/invalidation-bus';

// Cache invalidations between server processes, over Redis pub/sub, acknowledged: `publish`
// resolves once every process subscribed when the message was published has dropped what it
// named (each acknowledges after its listeners ran), or after `ackTimeoutMs` (a process that is
// stuck, or whose connection died without Redis noticing). Callers that must not return before
// every process has forgotten a value (a revoked session: issue 15) await it and keep their
// cache entries no longer than `ackTimeoutMs`, so even an unacknowledged publish cannot leave a
// stale entry behind once it resolves. One pair of connections per process serves every topic
// (API keys, sessions).

/** The bus of every topic over one subscriber connection, and its shutdown. */
export type InvalidationHub = {
  topic: (name: string) => InvalidationBus;
  close: () => Promise<void>;
};

/** Options of {@link createRedisInvalidationHub}. */
export type RedisHubOptions = {
  url: string;
  /** How long `publish` waits for acknowledgements at most. */
  ackTimeoutMs: number;
  /** Channel prefix (tests isolate themselves with their own). */
  channel?: string;
  onError?: (e: unknown) => void;
};

/** Wire format: `<nonce> <ack channel> <topic> <id>` (the id may be empty: drop everything). */
const encode = (nonce: string, ackTo: string, topic: string, id: string) =>
  `${nonce} ${ackTo} ${topic} ${id}`;

/** Creates the Redis-backed hub (two connections: a subscriber cannot publish). */
export function createRedisInvalidationHub(opts: RedisHubOptions): InvalidationHub {
  const channel = opts.channel ?? 'parley:invalidate';
  const ackChannel = `${channel}:ack:${randomUUID()}`;
  const pub = new Redis(opts.url, { maxRetriesPerRequest: 2 });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (e: unknown) => opts.onError?.(e));
  const listeners = new Map<string, Array<(id: string | null) => void>>();
  /** Publishes waiting: nonce → acknowledgements so far, receivers (once PUBLISH answered), done. */
  type Waiting = { acks: number; receivers: number | undefined; done: () => void };
  const waiting = new Map<string, Waiting>();
  const settle = (w: Waiting) => {
    if (w.receivers !== undefined && w.acks >= w.receivers) w.done();
  };
  let subscribed = false;

  const dropAll = () => {
    for (const list of listeners.values()) for (const l of list) l(null);
  };
  // Subscribed (again): anything published meanwhile was missed. Lost: stop serving until then.
  const subscribeAll = () => {
    sub.subscribe(channel, ackChannel).then(
      () => {
        dropAll();
        subscribed = true;
      },
      (e: unknown) => opts.onError?.(e),
    );
  };
  sub.on('ready', subscribeAll);
  sub.on('close', () => {
    subscribed = false;
    dropAll();
  });
  sub.on('message', (ch: string, message: string) => {
    if (ch === ackChannel) {
      const w = waiting.get(message);
      if (w) {
        w.acks += 1;
        settle(w);
      }
      return;
    }
    if (ch !== channel) return;
    const [nonce, ackTo, topic, ...rest] = message.split(' ');
    if (!nonce || !ackTo || !topic) return;
    const id = rest.join(' ');
    for (const l of listeners.get(topic) ?? []) l(id === '' ? null : id);
    pub.publish(ackTo, nonce).catch((e: unknown) => opts.onError?.(e));
  });

  const publish = async (topic: string, id: string): Promise<void> => {
    const nonce = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const acked = new Promise<void>((resolve) => {
      const done = () => {
        waiting.delete(nonce);
        clearTimeout(timer);
        resolve();
      };
      // Registered before publishing: an acknowledgement may arrive before PUBLISH answers.
      waiting.set(nonce, { acks: 0, receivers: undefined, done });
      timer = setTimeout(done, opts.ackTimeoutMs);
    });
    let receivers: number;
    try {
      receivers = await pub.publish(channel, encode(nonce, ackChannel, topic, id));
    } catch (e) {
      // Redis is unreachable: nobody can be told. Wait out the bound, as for a silent process.
      opts.onError?.(e);
      return acked;
    }
    const w = waiting.get(nonce);
    if (w) {
      w.receivers = receivers;
      settle(w);
    }
    return acked;
  };

  return {
    topic: (name) => {
      if (name.includes(' ')) throw new Error('an invalidation topic has no spaces');
      return {
        publish: (id) => publish(name, id),
        subscribe: (listener) => {
          const list = listeners.get(name) ?? [];
          list.push(listener);
          listeners.set(name, list);
        },
        connected: () => subscribed,
      };
    },
    close: async () => {
      for (const w of [...waiting.values()]) w.done();
      await Promise.all([pub.quit(), sub.quit()].map((p) => p.catch(() => undefined)));
    },
  };
}
