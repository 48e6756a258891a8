import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from '../auth/access-tokens';

/**
 * AES-256-GCM envelopes for Meta credentials at rest. The key is derived from SECRET_KEY with
 * HKDF and a purpose label, so it is never the root secret and never shared with token signing.
 * Envelope: `v1.<iv>.<tag>.<ciphertext>` (base64url); the purpose is bound as associated data, so
 * an envelope made for one purpose (say, an app secret) does not open as another (an access token).
 */
export type SecretBox = {
  seal: (plain: string, purpose: SecretPurpose) => string;
  /** Throws when the envelope was tampered with, sealed for another purpose or under another key. */
  open: (envelope: string, purpose: SecretPurpose) => string;
};

/** What a sealed value is, bound into the envelope. */
export type SecretPurpose =
  'access_token' | 'app_secret' | 'verify_token' | 'webhook_secret' | 'intake_secret';

/** Creates a box over the key derived from `secretKey`. */
export function createSecretBox(secretKey: string): SecretBox {
  const key = deriveKey(secretKey, 'whatsapp-credentials:v1');
  return {
    seal: (plain, purpose) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(purpose));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), ct]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open: (envelope, purpose) => {
      const parts = envelope.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('Not a v1 secret envelope');
      const [iv, tag, ct] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [
        Buffer,
        Buffer,
        Buffer,
      ];
      if (iv.length !== 12 || tag.length !== 16) throw new Error('Malformed secret envelope');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    },
  };
}
