import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ApiError } from './api-error';
import { FastCheck, compileFastCheck } from './fast-validation';

function flatten(errors: ValidationError[], parent = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => {
      // a list rule that names its bad item ("urls[3] must be…") reports that item as the field
      const item = message.startsWith(`${e.property}[`) ? /^[^\s[]+\[(\d+)\]/.exec(message) : null;
      return { field: item ? `${field}[${item[1]}]` : field, message };
    });
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * ValidationPipe with a fast path: a plain JSON object that passes the compiled rules of its
 * DTO (see compileFastCheck) is converted and returned at once; anything else, and every
 * invalid value, takes the full ValidationPipe, which writes the errors.
 */
export class FastValidationPipe extends ValidationPipe {
  private readonly checks = new Map<unknown, FastCheck | null>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as (new () => object) | undefined;
    if (metatype && this.toValidate(metadata) && isPlainObject(value)) {
      let check = this.checks.get(metatype);
      if (check === undefined) this.checks.set(metatype, (check = compileFastCheck(metatype)));
      if (check) {
        const entity = plainToInstance(metatype, value, this.transformOptions) as Record<string, unknown>;
        if (entity.constructor === metatype && check(entity)) return entity;
      }
    }
    return super.transform(value, metadata);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Unknown fields are errors, types are converted, and the error names every bad field. */
export function validationPipeOptions(): ValidationPipeOptions {
  return {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new ApiError('validation_error', details.map((d) => d.message).join('; ') || 'Invalid request', details);
    },
  };
}

export function createValidationPipe(): ValidationPipe {
  return new FastValidationPipe(validationPipeOptions());
}
