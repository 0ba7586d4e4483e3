import { DOWNLOAD_OPTIONS, DownloadOptionFields, DownloadOptionSpec, DownloadOptions, downloadOptionsSchema } from '@mda/contracts';

/** The request defaults a job message does not share (embed_metadata: on unless asked off). */
const REQUEST_DEFAULTS = Object.entries<DownloadOptionSpec>(DOWNLOAD_OPTIONS).flatMap(([key, spec]) =>
  spec.kind === 'boolean' && spec.job?.default !== undefined && spec.job.default !== spec.default ? [{ key, value: spec.default }] : [],
);

/**
 * The job options of a request, with the original service's names and defaults mapped onto ours:
 * `audio_only: true` is `quality: "audio"`, the request defaults apply (`embed_metadata` true),
 * and `ignore_errors` (always so here: one failed item never stops the others) is dropped.
 */
export function toDownloadOptions(fields: DownloadOptionFields): DownloadOptions {
  const { audio_only, ignore_errors: _ignored, ...rest } = fields;
  const options: Record<string, unknown> = { ...rest, quality: audio_only ? 'audio' : rest.quality, timeout_sec: rest.timeout_sec ?? undefined };
  for (const { key, value } of REQUEST_DEFAULTS) options[key] ??= value;
  return downloadOptionsSchema.parse(options);
}
