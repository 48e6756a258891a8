import { createHash, randomBytes } from 'node:crypto';

/** A new opaque secret token: a short prefix naming its kind, then 256 random bits. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** SHA-256 hex: how opaque tokens are stored (high-entropy secrets need no slow hash). */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A generated temporary password (96 random bits, URL-safe characters). */
export const temporaryPassword = (): string => randomBytes(12).toString('base64url');
