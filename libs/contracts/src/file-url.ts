import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signature of a /files URL: HMAC-SHA256 over "<filepath>\n<expires>" (hex). */
export function fileSignature(secret: string, filepath: string, expires: number): string {
  return createHmac('sha256', secret).update(`${filepath}\n${expires}`).digest('hex');
}

/**
 * `download_url` as events carry it: PUBLIC_BASE_URL + /files/ + filepath, unsigned. The gateway
 * and the webhook sender add the signed, expiring query when they hand it out.
 */
export function fileUrl(baseUrl: string, filepath: string): string {
  return `${baseUrl}/files/${filepath.split('/').map(encodeURIComponent).join('/')}`;
}

export function verifyFileSignature(secret: string, filepath: string, expires: number, signature: string, nowSec: number): boolean {
  if (!Number.isInteger(expires) || expires < nowSec) return false;
  if (!/^[a-f0-9]{64}$/.test(signature)) return false;
  const expected = Buffer.from(fileSignature(secret, filepath, expires), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
