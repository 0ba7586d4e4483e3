/** Position after the last row of a page; opaque to clients (base64url JSON). */
export interface ListPosition {
  created_at: string;
  request_id: string;
}

export function encodeCursor(p: ListPosition): string {
  return Buffer.from(JSON.stringify([p.created_at, p.request_id]), 'utf8').toString('base64url');
}

/** Undefined for anything we did not issue. */
export function decodeCursor(cursor: string): ListPosition | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && !Number.isNaN(Date.parse(v[0]))) {
      return { created_at: v[0], request_id: v[1] };
    }
  } catch {
    /* not ours */
  }
  return undefined;
}
