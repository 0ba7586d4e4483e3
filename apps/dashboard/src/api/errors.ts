/** An API answer that was not a success, with the sentence a person should read. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The feature is not on this server (yet): the route itself answered 404. */
    readonly unsupported = false,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** The details the message does not already say (the gateway's message usually quotes them). */
function detailText(details: unknown, said: string): string {
  if (!Array.isArray(details)) return '';
  const parts = details
    .map((d) =>
      d && typeof d === 'object' && 'field' in d && 'message' in d && !said.includes(String(d.message)) ? `${String(d.field)}: ${String(d.message)}` : '',
    )
    .filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** Turns a failed answer into words: what happened and what to do about it. */
export function describeFailure(status: number, body: unknown, retryAfter: string | null, what: string): ApiFailure {
  const err = (body as ErrorBody | null)?.error ?? {};
  const code = err.code ?? `http_${status}`;
  const serverSays = err.message ? String(err.message) : '';
  switch (status) {
    case 400:
      return new ApiFailure(status, code, `That was not accepted: ${serverSays || 'the request is invalid'}${detailText(err.details, serverSays)}.`);
    case 401:
      return new ApiFailure(status, code, 'The API key was not accepted. Check it and enter it again.');
    case 404:
      if (/^Cannot (GET|POST|DELETE|PUT|PATCH) /.test(serverSays)) {
        return new ApiFailure(status, code, `This server does not offer ${what} yet.`, true);
      }
      return new ApiFailure(status, code, `Not found: ${what} does not exist, or belongs to another API key.`);
    case 409:
      return new ApiFailure(status, code, serverSays || 'That cannot be done in the current state.');
    case 413:
      return new ApiFailure(status, code, 'That request is too large for the server.');
    case 429:
      return new ApiFailure(status, code, `Too many requests. Wait ${retryAfter ?? 'a few'} seconds and try again.`);
    case 503:
      return new ApiFailure(
        status,
        code,
        `The server cannot take this right now (${serverSays || 'service unavailable'}). Nothing was changed; try again shortly.`,
      );
    default:
      if (status >= 500)
        return new ApiFailure(status, code, `The server had a problem (${status}). Try again; if it keeps happening, check the gateway's logs.`);
      return new ApiFailure(status, code, serverSays || `Unexpected answer ${status}.`);
  }
}

export function networkFailure(): ApiFailure {
  return new ApiFailure(0, 'network', 'Cannot reach the server. Check that it is running and your connection works.');
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  if (err instanceof Error && err.message) return err.message[0].toUpperCase() + err.message.slice(1) + (/[.!?]$/.test(err.message) ? '' : '.');
  return 'Something went wrong.';
}
