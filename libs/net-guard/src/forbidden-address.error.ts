/** Raised at dial time; `code` mimics Node's errno style so it survives undici's error plumbing. */
export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS';

  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string | undefined,
  ) {
    const via = hostname === address ? '' : ` (resolved to ${address})`;
    super(`refusing to connect to ${hostname}${via}: address is in a forbidden range (${range ?? 'unknown'})`);
    this.name = 'ForbiddenAddressError';
  }
}
