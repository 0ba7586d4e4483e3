import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signature of a /files URL: HMAC-SHA256 over "<filepath>\n<expires>" (hex). */
export function fileSignature(secret: string, filepath: string, expires: number): string {
  return createHmac('sha256', secret).update(`${filepath}\n${expires}`).digest('hex');
}

/** `download_url`: PUBLIC_BASE_URL + /files/ + filepath + the signed, expiring query. */
export function signedFileUrl(baseUrl: string, secret: string, filepath: string, expires: number): string {
  const path = filepath.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl}/files/${path}?expires=${expires}&signature=${fileSignature(secret, filepath, expires)}`;
}

export function verifyFileSignature(secret: string, filepath: string, expires: number, signature: string, nowSec: number): boolean {
  if (!Number.isInteger(expires) || expires < nowSec) return false;
  if (!/^[a-f0-9]{64}$/.test(signature)) return false;
  const expected = Buffer.from(fileSignature(secret, filepath, expires), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
