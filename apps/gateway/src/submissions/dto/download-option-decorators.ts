import 'reflect-metadata';
import { ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DownloadOptionCatalogue, DownloadOptionFieldsOf, DownloadOptionSpec } from '@mda/contracts';

/** What TypeScript would record as a decorated property's `design:type` (the document's type comes from it). */
const DESIGN_TYPE = { enum: String, boolean: Boolean, int: Number, number: Number, string: String, string_list: Array } as const;

const withMessage = (message: string | undefined) => (message === undefined ? undefined : { message });

/** The document's view of an entry, its keys in the order the document lists them. */
function documented(spec: DownloadOptionSpec): ApiPropertyOptions {
  const numeric = spec.kind === 'int' || spec.kind === 'number';
  const doc: Record<string, unknown> = {
    type: spec.kind === 'string_list' ? [String] : undefined,
    enum: spec.kind === 'enum' ? spec.values : undefined,
    deprecated: spec.deprecated,
    minimum: numeric ? spec.min : undefined,
    maximum: numeric ? spec.max : undefined,
    default: 'default' in spec ? spec.default : undefined,
    example: spec.example,
    description: spec.description,
  };
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}

/** The request checks of an entry, as they would be written above the property. */
function checks(spec: DownloadOptionSpec): PropertyDecorator[] {
  switch (spec.kind) {
    case 'enum':
      return [IsIn(spec.values, { message: spec.message })];
    case 'boolean':
      return [IsBoolean()];
    case 'int':
    case 'number': {
      const range = withMessage(spec.messages?.range);
      const invalid = withMessage(spec.messages?.invalid);
      const type = spec.kind === 'int' ? IsInt(invalid) : IsNumber({}, invalid);
      return [Type(() => Number), type, Min(spec.min, range), Max(spec.max, range)];
    }
    case 'string':
      return [IsString(), MaxLength(spec.maxLength), ...(spec.pattern ? [Matches(spec.pattern.regex, { message: spec.pattern.message })] : [])];
    case 'string_list':
      return [
        IsArray(),
        ArrayMaxSize(spec.maxItems),
        IsString({ each: true }),
        MaxLength(spec.itemMaxLength, { each: true }),
        ...(spec.itemPattern ? [Matches(spec.itemPattern.regex, { each: true, message: spec.itemPattern.message })] : []),
      ];
  }
}

/**
 * A class whose properties are the catalogue's options, each validated, converted and documented
 * from its entry: the decorators a hand-written DTO would carry, applied as TypeScript applies
 * them (the last first), so the rules, the error messages and their order are the same.
 */
export function downloadOptionFieldsClass<const C extends DownloadOptionCatalogue>(catalogue: C): new () => DownloadOptionFieldsOf<C> {
  const keys = Object.keys(catalogue);
  class DownloadOptionFields {
    constructor() {
      // each field exists from construction, undefined until set, as TypeScript defines declared fields
      for (const key of keys) Object.defineProperty(this, key, { value: undefined, writable: true, enumerable: true, configurable: true });
    }
  }
  for (const [key, spec] of Object.entries(catalogue)) {
    const decorators = [ApiPropertyOptional(documented(spec)), IsOptional(), ...checks(spec), Reflect.metadata('design:type', DESIGN_TYPE[spec.kind])];
    Reflect.decorate(decorators, DownloadOptionFields.prototype, key);
  }
  return DownloadOptionFields;
}
