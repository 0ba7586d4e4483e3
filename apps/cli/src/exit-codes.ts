/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The job failed or was cancelled. */
  jobFailed: 1,
  /** Bad arguments or settings (no MDA_API_KEY, unknown option, …). */
  usage: 2,
  /** The API answered an error, or could not be reached. */
  apiError: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
