import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Db, Tx } from '../../storage/db';
import {
  accountForWebhook,
  liveAccountsByBusinessAccountIds,
  liveAccountsByPhoneNumberIds,
  type WhatsAppAccountRow,
} from '../../storage/queries/whatsapp-accounts';
import type { SecretBox } from './secret-box';

/** What the webhook path needs to know about an account, secrets decrypted. */
export type WebhookAccount = {
  id: string;
  organizationId: string;
  phoneNumberId: string;
  businessAccountId: string;
  status: WhatsAppAccountRow['status'];
  /** Null: no secret configured → the endpoint fails closed (503). */
  appSecret: string | null;
  verifyToken: string;
};

/** Constant-time string equality (over SHA-256 digests, so lengths never leak either). */
export const safeEqual = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Account lookups of the webhook path. */
export type WebhookAccounts = ReturnType<typeof createWebhookAccounts>;

/**
 * Account lookups for webhooks, with a short in-process cache on the acknowledgement path
 * (one lookup and one decryption per account per `ttlMs`, not per POST). Changes made through
 * this process invalidate at once (`invalidate`); other processes see them within `ttlMs`.
 */
export function createWebhookAccounts(deps: { db: Db; secrets: SecretBox; clock: Clock; ttlMs?: number }) {
  const { db, secrets, clock } = deps;
  const ttl = deps.ttlMs ?? 5_000;
  const cache = new Map<string, { at: number; value: WebhookAccount | null }>();

  const decode = (row: WhatsAppAccountRow): WebhookAccount => ({
    id: row.id,
    organizationId: row.organizationId,
    phoneNumberId: row.phoneNumberId,
    businessAccountId: row.businessAccountId,
    status: row.status,
    appSecret: row.appSecretEnc ? secrets.open(row.appSecretEnc, 'app_secret') : null,
    verifyToken: secrets.open(row.verifyTokenEnc, 'verify_token'),
  });

  /**
   * The account a webhook URL names (cached), or null when there is none. Inside a transaction
   * pass it as `tx`: PGlite has one connection, so a query outside the open transaction would wait
   * for it forever.
   */
  const get = async (id: string, tx?: Tx): Promise<WebhookAccount | null> => {
    const now = clock.now().getTime();
    const hit = cache.get(id);
    if (hit && now - hit.at < ttl) return hit.value;
    const row = await accountForWebhook(tx ?? db, id);
    const value = row ? decode(row) : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { at: now, value });
    return value;
  };

  /**
   * Whether events addressed to `owner` may be taken from a POST that `url`'s app secret
   * authenticated: the same account, or an account configured with the same app secret (one
   * Meta app serving several numbers, so the signature proves the sender for both).
   */
  const trusts = (url: WebhookAccount, owner: WebhookAccount): boolean =>
    owner.id === url.id ||
    (url.appSecret !== null && owner.appSecret !== null && safeEqual(url.appSecret, owner.appSecret));

  return {
    get,
    invalidate: (id: string) => cache.delete(id),
    trusts,
    /** Live owners of these phone number ids (for routing; not cached: processing is off the ack path). */
    ownersOfNumbers: async (ids: string[], tx: Tx) =>
      (await liveAccountsByPhoneNumberIds(tx, ids)).map(decode),
    /** Live accounts of these WABAs. */
    ownersOfWabas: async (ids: string[], tx: Tx) =>
      (await liveAccountsByBusinessAccountIds(tx, ids)).map(decode),
  };
}
