import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import { Doc, DocumentedSchemas } from './openapi-schemas';

/**
 * The API contract, checked on every response the e2e suite sees.
 *
 * The document is the checked-in libs/client/openapi.json, which the gateway's docs spec proves equal
 * to what /docs-json serves. Every fetch() to a gateway a TestSystem started (sys.api, raw fetch, the
 * typed client) goes through `checkedFetch` (installed by contract-setup.ts): its status must be
 * documented for the route, and a JSON body must validate against the documented schema. Webhook
 * bodies our sender delivers to the test receivers are validated against the documented `webhooks`.
 * Problems are collected and fail the running test (afterEach in contract-setup.ts).
 */

const ROOT = resolve(__dirname, '../../../..');

export const DOCUMENT: Doc = JSON.parse(readFileSync(resolve(ROOT, 'libs/client/openapi.json'), 'utf8')) as Doc;

interface ContractState {
  schemas: DocumentedSchemas;
  gateways: Set<string>;
  problems: string[];
  checked: number;
  /** Checks still reading their body (they run beside the test, adding nothing to what it times). */
  pending: Set<Promise<void>>;
  originalFetch?: typeof fetch;
}

const KEY = Symbol.for('mda.e2e.contract');
function state(): ContractState {
  const g = globalThis as unknown as Record<symbol, ContractState>;
  return (g[KEY] ??= { schemas: new DocumentedSchemas(DOCUMENT), gateways: new Set(), problems: [], checked: 0, pending: new Set() });
}

/** A gateway's base URL (http://127.0.0.1:PORT) whose responses are checked from now on. */
export function watchGateway(baseUrl: string): void {
  state().gateways.add(new URL(baseUrl).origin);
}

const templates = Object.keys(DOCUMENT.paths)
  .map((t) => ({
    template: t,
    params: (t.match(/\{/g) ?? []).length,
    // /files/{path} takes slashes; other parameters one segment
    re: new RegExp(
      '^' +
        t
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\{path\}/g, '.+')
          .replace(/\{\w+\}/g, '[^/]+') +
        '$',
    ),
  }))
  .sort((a, b) => a.params - b.params);

/** The documented path template of `pathname` that has `method` (literal paths before templated ones). */
export function operationOf(method: string, pathname: string): string | undefined {
  const m = method.toLowerCase();
  return templates.find((t) => t.re.test(pathname) && DOCUMENT.paths[t.template][m])?.template;
}

/** What is wrong with one response of the gateway ([] when it is as documented). */
export function responseProblems(method: string, url: string, status: number, contentType: string | null, body: string | undefined): string[] {
  const m = method.toUpperCase() === 'HEAD' ? 'get' : method.toLowerCase();
  if (m === 'options') return []; // CORS preflights (checked by the compat suite)
  const { pathname: raw } = new URL(url);
  const pathname = safeDecode(raw);
  const template = operationOf(m, pathname);
  const label = `${method.toUpperCase()} ${pathname} → ${status}`;
  if (!template) {
    const known = templates.some((t) => t.re.test(pathname));
    // an unknown route may only be 404 (or 405 for a known path with another method); anything else is an undocumented route
    if (status === 404 || (known && status === 405)) return [];
    return pathname.startsWith('/api/') || known ? [`${label}: the route is not in the OpenAPI document`] : [];
  }
  const op = DOCUMENT.paths[template][m];
  const resp = (op.responses as Record<string, { content?: Record<string, { schema: object }> }>)[String(status)];
  if (!resp && CONNECTION_STATUSES.includes(status)) return errorShapeProblems(label, contentType, body);
  if (!resp) return [`${label}: ${m.toUpperCase()} ${template} documents no ${status} response (it documents ${Object.keys(op.responses).join(', ')})`];
  // a stored file (/files) is served with its own type, whatever it is: bytes, not an API body
  if (resp.content?.['*/*']) return [];
  const isJson = /^application\/(.+\+)?json/i.test(contentType ?? '');
  if (!isJson || body === undefined || method.toUpperCase() === 'HEAD') {
    if (isJson && resp.content && !resp.content['application/json'])
      return [`${label}: answered JSON where the document says ${Object.keys(resp.content).join(', ')}`];
    const documentedTypes = Object.keys(resp.content ?? {});
    if (!isJson && contentType && documentedTypes.length > 0 && documentedTypes.every((t) => /json/i.test(t)))
      return [`${label}: answered ${contentType} where the document says ${documentedTypes.join(', ')}`];
    return [];
  }
  if (!resp.content?.['application/json']) {
    if (body === '') return [];
    return [
      `${label}: answered a JSON body where ${m.toUpperCase()} ${template} ${status} documents ${resp.content ? Object.keys(resp.content).join(', ') : 'none'}`,
    ];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`${label}: the body is not JSON: ${body.slice(0, 200)}`];
  }
  return state()
    .schemas.responseProblems(m, template, status, parsed)
    .map((p) => `${label}: ${p}`);
}

/**
 * Answers to a request that could not be read (408 request_timeout, 414 uri_too_long, 431
 * headers_too_large): any route may give them, as the document's description says, in the
 * ErrorResponse shape.
 */
const CONNECTION_STATUSES = [408, 414, 431];

function errorShapeProblems(label: string, contentType: string | null, body: string | undefined): string[] {
  if (!/json/i.test(contentType ?? '') || body === undefined) return [`${label}: not the documented ErrorResponse (${contentType ?? 'no content type'})`];
  try {
    return state()
      .schemas.schemaProblems('ErrorResponse', JSON.parse(body))
      .map((p) => `${label}: ${p}`);
  } catch {
    return [`${label}: the body is not JSON`];
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path; // a malformed %-escape (tests send them on purpose): matched as it is
  }
}

function record(problems: string[]): void {
  const s = state();
  s.checked++;
  s.problems.push(...problems);
}

/** Validates a webhook our sender delivered (it carries X-Webhook-Event) against the documented payload. */
export function checkWebhook(headers: IncomingHttpHeaders, raw: Buffer | string): void {
  const event = headers['x-webhook-event'];
  if (typeof event !== 'string') return;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString());
  } catch {
    return record([`webhook ${event}: the body is not JSON`]);
  }
  record(state().schemas.webhookProblems(event, body));
}

/** fetch(), plus the contract check of each response from a watched gateway. */
export function checkedFetch(original: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return res;
    }
    if (!state().gateways.has(origin)) return res;
    const contentType = res.headers.get('content-type');
    // only JSON bodies are read (a clone; never event streams or files), beside the caller: the
    // response is handed back at once, so timed requests are timed as without the check
    const body = /json/i.test(contentType ?? '')
      ? res
          .clone()
          .text()
          .catch(() => undefined)
      : Promise.resolve(undefined);
    const pending = state().pending;
    const check: Promise<void> = body.then((b) => record(responseProblems(method, url, res.status, contentType, b))).finally(() => pending.delete(check));
    pending.add(check);
    return res;
  };
}

export function installContractCheck(): void {
  const s = state();
  if (s.originalFetch) return;
  s.originalFetch = globalThis.fetch;
  globalThis.fetch = checkedFetch(s.originalFetch);
}

/** The problems seen since the last call (and forgets them), once every check under way has finished. */
export async function takeContractProblems(): Promise<string[]> {
  const s = state();
  while (s.pending.size) await Promise.all([...s.pending]);
  return s.problems.splice(0, s.problems.length);
}

/** Gateway responses and webhook bodies checked so far in this test file. */
export function checkedResponses(): number {
  return state().checked;
}

export function watchedGateways(): number {
  return state().gateways.size;
}
