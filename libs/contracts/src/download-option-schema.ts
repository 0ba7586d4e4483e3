import { z } from 'zod';
import { DownloadOptionCatalogue, DownloadOptionSpec, DownloadOptionValue } from './download-options';

type HasJobDefault<S> = S extends { job: { default: unknown } } ? true : S extends { default: unknown } ? true : false;

/** An option's field in the job message: defaulted when its entry has a default, nullish otherwise. */
export type JobOptionSchema<S> =
  HasJobDefault<S> extends true ? z.ZodDefault<z.ZodType<DownloadOptionValue<S>>> : z.ZodOptional<z.ZodNullable<z.ZodType<DownloadOptionValue<S>>>>;

/** The job message's fields of a catalogue: every entry but the request-only ones. */
export type JobOptionShape<C> = { [K in keyof C as C[K] extends { requestOnly: true } ? never : K]: JobOptionSchema<C[K]> };

function valueSchema(spec: DownloadOptionSpec): z.ZodTypeAny {
  switch (spec.kind) {
    case 'enum':
      return z.enum(spec.values);
    case 'boolean':
      return z.boolean();
    case 'int':
    case 'number': {
      let n = spec.kind === 'int' ? z.number().int() : z.number();
      const exclusiveMin = spec.job?.exclusiveMin;
      n = exclusiveMin !== undefined ? n.gt(exclusiveMin) : n.min(spec.job?.min ?? spec.min);
      return n.max(spec.max);
    }
    case 'string':
      return z.string().max(spec.maxLength);
    case 'string_list':
      return z.array(z.string().max(spec.itemMaxLength)).max(spec.maxItems);
  }
}

function jobDefault(spec: DownloadOptionSpec): unknown {
  if (spec.kind === 'boolean' && spec.job?.default !== undefined) return spec.job.default;
  return 'default' in spec ? spec.default : undefined;
}

/** The zod fields of a catalogue's options in the job message (see download-options.ts). */
export function jobOptionShape<const C extends DownloadOptionCatalogue>(catalogue: C): JobOptionShape<C> {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const [key, spec] of Object.entries(catalogue)) {
    if (spec.requestOnly) continue;
    const value = valueSchema(spec);
    const fallback = jobDefault(spec);
    shape[key] = fallback === undefined ? value.nullish() : value.default(fallback);
  }
  return shape as JobOptionShape<C>;
}
