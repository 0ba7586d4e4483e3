import { createHash, timingSafeEqual } from 'node:crypto';
import { apiKeyFingerprint } from '@mda/contracts';

export interface ApiKeyIdentity {
  fingerprint: string;
}

/** Checks presented keys in constant time (hashes first, so lengths never leak). */
export class ApiKeyRegistry {
  private readonly digests: Array<{ digest: Buffer; fingerprint: string }>;

  constructor(keys: string[]) {
    this.digests = keys.map((k) => ({ digest: sha256(k), fingerprint: apiKeyFingerprint(k) }));
  }

  identify(presented: string | undefined): ApiKeyIdentity | undefined {
    if (!presented) return undefined;
    const d = sha256(presented);
    let found: ApiKeyIdentity | undefined;
    for (const k of this.digests) {
      if (timingSafeEqual(d, k.digest)) found = { fingerprint: k.fingerprint };
    }
    return found;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
