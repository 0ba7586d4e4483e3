import { createHash } from 'node:crypto';

/** Identifies an API key without revealing it: first 16 hex digits of its SHA-256. */
export function apiKeyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 16);
}
