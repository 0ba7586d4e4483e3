import type { ApiErrorBody, Result } from '@mda/client';
import { EXIT, ExitCode } from './exit-codes';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  stderr: NodeJS.WriteStream;
}

export const processIo: Io = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
  stderr: process.stderr,
};

export function describeError(status: number, body: ApiErrorBody): string {
  const where = status === 0 ? 'cannot reach the API' : `API error ${status}`;
  return `${where}: ${body.error.code}: ${body.error.message}`;
}

/** Prints a Result as JSON (stdout) or its error (stderr), and answers the exit code. */
export function printResult<T>(io: Io, r: Result<T>): ExitCode {
  if (r.ok) {
    io.out(JSON.stringify(r.data, null, 2));
    return EXIT.ok;
  }
  io.err(describeError(r.status, r.error));
  return EXIT.apiError;
}
