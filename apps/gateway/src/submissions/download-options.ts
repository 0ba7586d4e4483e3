import { DOWNLOAD_OPTIONS, DownloadOptionFields, DownloadOptionSpec, DownloadOptions, downloadOptionsSchema } from '@mda/contracts';

/**
 * Every option's request default: the message schema's, but for `embed_metadata` (on unless asked
 * off). Applied to unset and `null` fields alike (`null` is unset, as for the nullable options).
 */
const REQUEST_DEFAULTS = Object.entries<DownloadOptionSpec>(DOWNLOAD_OPTIONS).flatMap(([key, spec]) =>
  'default' in spec && spec.default !== undefined && !spec.requestOnly ? [{ key, value: spec.default }] : [],
);

/**
 * The job options of a request, with the original service's names and defaults mapped onto ours:
 * `audio_only: true` is `quality: "audio"`, the request defaults apply (`embed_metadata` true; `null` is unset),
 * and `ignore_errors` (always so here: one failed item never stops the others) is dropped.
 */
export function toDownloadOptions(fields: DownloadOptionFields): DownloadOptions {
  const { audio_only, ignore_errors: _ignored, ...rest } = fields;
  const options: Record<string, unknown> = { ...rest };
  if (audio_only) options['quality'] = 'audio';
  for (const { key, value } of REQUEST_DEFAULTS) options[key] ??= value;
  return downloadOptionsSchema.parse(options);
}
