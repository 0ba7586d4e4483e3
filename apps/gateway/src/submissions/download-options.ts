import { DOWNLOAD_OPTIONS, DownloadOptionFields, DownloadOptionSpec, DownloadOptions, downloadOptionsSchema } from '@mda/contracts';

/** The request defaults a job message does not share (embed_metadata: on unless asked off). */
const REQUEST_DEFAULTS = Object.entries<DownloadOptionSpec>(DOWNLOAD_OPTIONS).flatMap(([key, spec]) =>
  spec.kind === 'boolean' && spec.job?.default !== undefined && spec.job.default !== spec.default ? [{ key, value: spec.default }] : [],
);

/** Options with a default: `null` for one of them means "unset" (its default), as it does for the nullable ones. */
const DEFAULTED = Object.entries<DownloadOptionSpec>(DOWNLOAD_OPTIONS).flatMap(([key, spec]) =>
  'default' in spec && spec.default !== undefined && !spec.requestOnly ? [key] : [],
);

/**
 * The job options of a request, with the original service's names and defaults mapped onto ours:
 * `audio_only: true` is `quality: "audio"`, the request defaults apply (`embed_metadata` true; `null` is unset),
 * and `ignore_errors` (always so here: one failed item never stops the others) is dropped.
 */
export function toDownloadOptions(fields: DownloadOptionFields): DownloadOptions {
  const { audio_only, ignore_errors: _ignored, ...rest } = fields;
  const options: Record<string, unknown> = { ...rest };
  for (const key of DEFAULTED) if (options[key] === null) delete options[key];
  if (audio_only) options['quality'] = 'audio';
  for (const { key, value } of REQUEST_DEFAULTS) options[key] ??= value;
  return downloadOptionsSchema.parse(options);
}
