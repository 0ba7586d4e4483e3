import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Message, code and stack of an error as JSON fields (never `[object Object]`). */
export function errorFields(err: unknown): { message: string; code?: string; stack?: string; name?: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { name: err.name, message: err.message, ...(code !== undefined ? { code: String(code) } : {}), ...(err.stack ? { stack: err.stack } : {}) };
  }
  if (typeof err === 'object' && err !== null) {
    const o = err as Record<string, unknown>;
    return { message: typeof o['message'] === 'string' ? o['message'] : JSON.stringify(err), ...(o['code'] !== undefined ? { code: String(o['code']) } : {}) };
  }
  return { message: String(err) };
}

/**
 * NestJS's own logger (bootstrap, route mapping, exception handler) as pino JSON lines instead of
 * its coloured multi-line text. Nest's chatter (log, verbose) goes to debug.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'trace' | 'debug' | 'warn' | 'error' | 'fatal', message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest passes (message, [stack,] context): the last string is the context
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const stack = typeof args[0] === 'string' ? (args[0] as string) : undefined;
    const fields: Record<string, unknown> = { nest_context: context };
    if (message instanceof Error) {
      fields['err'] = errorFields(message);
      this.logger[level](fields, message.message);
      return;
    }
    if (stack) fields['err'] = { stack };
    this.logger[level](fields, typeof message === 'string' ? message : JSON.stringify(message));
  }
}
