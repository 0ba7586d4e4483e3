import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for uploaded cookies, shared by the gateway (at rest, and sealed into a job's
 * command) and the worker (opens it for that job only). The associated data binds a sealed
 * value to its use (a cookie record, or one request id), so it cannot be replayed elsewhere.
 */
export class CookieKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CookieKeyError';
  }
}

const VERSION = 'v1';

/** The 32-byte key from COOKIE_ENCRYPTION_KEY (64 hex characters). Never echoes the value. */
export function parseCookieKey(hex: string | undefined): Buffer {
  const v = hex?.trim();
  if (!v) throw new CookieKeyError('COOKIE_ENCRYPTION_KEY is not set: cookies need a 64-hex-character key (openssl rand -hex 32)');
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new CookieKeyError('COOKIE_ENCRYPTION_KEY must be 64 hex characters (32 bytes)');
  return Buffer.from(v, 'hex');
}

/** `v1.<base64(iv | tag | ciphertext)>`. */
export function sealCookies(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
}

/** Throws when the key, the associated data or the bytes do not match. */
export function openCookies(key: Buffer, sealed: string, aad: string): string {
  const [version, b64] = sealed.split('.', 2);
  if (version !== VERSION || !b64) throw new Error('sealed cookies: unknown format');
  const raw = Buffer.from(b64, 'base64');
  if (raw.length < 28) throw new Error('sealed cookies: too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
