import { DownloadOptions, downloadOptionsSchema } from '@mda/contracts';
import { DownloadOptionsDto } from './dto/download-options.dto';

type OptionFields = Omit<DownloadOptionsDto, 'webhook_url'>;

/**
 * The job options of a request, with the original service's names and defaults mapped onto ours:
 * `audio_only: true` is `quality: "audio"`, `embed_metadata` defaults to true, and `ignore_errors`
 * (always so here: one failed item never stops the others) is dropped.
 */
export function toDownloadOptions(fields: OptionFields): DownloadOptions {
  const { audio_only, ignore_errors: _ignored, ...rest } = fields;
  return downloadOptionsSchema.parse({
    ...rest,
    quality: audio_only ? 'audio' : rest.quality,
    embed_metadata: rest.embed_metadata ?? true,
    timeout_sec: rest.timeout_sec ?? undefined,
  });
}
