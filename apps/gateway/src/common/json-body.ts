/** Deepest nesting of arrays and objects a request body may have; the API's own bodies need 3. */
export const MAX_JSON_DEPTH = 32;

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses a request body as JSON, safely: an empty body is no body (clients send
 * `Content-Type: application/json` on a DELETE without one), nesting deeper than `maxDepth` is
 * refused by one scan of the text before anything is built (deep values overflow the stack of
 * every recursive step after parsing), and `__proto__` / `constructor.prototype` keys are refused
 * as Fastify's own parser does.
 */
export function parseJsonBody(body: Buffer, maxDepth = MAX_JSON_DEPTH): JsonBodyResult {
  if (isBlank(body)) return { ok: true, value: undefined };
  if (nestsDeeperThan(body, maxDepth)) return { ok: false, message: `Request body nests arrays and objects deeper than ${maxDepth} levels` };
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'Request body is not valid JSON' };
  }
  const key = poisonedKey(value);
  if (key) return { ok: false, message: `Request body contains a forbidden "${key}" key` };
  return { ok: true, value };
}

/**
 * One pass over the bytes, before any text is decoded (a refused body is never turned into a
 * string); brackets inside strings (and escaped quotes) do not count. Bytes are enough: JSON's
 * structural characters are ASCII, and no byte of a multi-byte UTF-8 character is below 0x80.
 */
export function nestsDeeperThan(body: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

function isBlank(body: Buffer): boolean {
  // JSON's whitespace: space, tab, line feed, carriage return
  for (const c of body) if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  return true;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Recursion is safe here: the depth was bounded before parsing. */
function poisonedKey(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value)) {
    if (own(value, '__proto__')) return '__proto__';
    const ctor = own(value, 'constructor') ? (value as { constructor: unknown }).constructor : undefined;
    if (ctor !== null && typeof ctor === 'object' && own(ctor, 'prototype')) return 'constructor.prototype';
  }
  for (const child of Object.values(value)) {
    const key = poisonedKey(child);
    if (key) return key;
  }
  return undefined;
}
