import { basename } from 'node:path';
import { Clock, DownloadCompleted, DownloadRequested, fileUrl } from '@mda/contracts';
import { MediaStore } from '@mda/media-store';
import { Logger, errorFields } from '@mda/observability';
import { placeFile } from './file-placement';
import { buildNfo } from './nfo';
import { DownloadResult } from './ports/media-downloader';
import { WorkArea } from './ports/work-area';
import { GeneratedSidecar, placeSidecars } from './stored-files';
import { resolveFilePath } from './target-path';

export type FileInfo = DownloadCompleted['file_info'];

/**
 * The placement step: a finished download (and its sidecars) goes into the media store under its
 * public name. The name is the job's path_template or SPEC §3's default (target-path.ts); a
 * templated name may be shared, so a taken one gets `-<id>` (the request id without `req_`).
 */
export class MediaPlacement {
  constructor(
    private readonly store: MediaStore,
    private readonly workArea: WorkArea,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
  ) {}

  /**
   * Stores the media and its sidecars and describes them as `file_info`. Not retried as a whole: a
   * rename or link that went through before a later step failed is not repeatable. When `signal`
   * aborts (cancel, time limit) the upload under way is aborted; each key stored is added to `placed`.
   */
  async place(cmd: DownloadRequested, result: DownloadResult, opts: { signal: AbortSignal; placed: string[] }): Promise<FileInfo> {
    const placement = { keepExisting: !!cmd.options.path_template, suffix: idOf(cmd.request_id), signal: opts.signal, placed: opts.placed };
    const media = await placeFile(this.store, result.tempPath, resolveFilePath(cmd, result, this.clock.now()), placement);
    const files = await placeSidecars(
      this.store,
      (name, content) => this.workArea.write(cmd.request_id, name, content),
      { ...media, mimeType: result.mimeType },
      result.sidecars ?? [],
      generatedSidecars(cmd, result),
      { ...placement, publicBaseUrl: this.publicBaseUrl },
    );
    return {
      filename: basename(media.filepath),
      filepath: media.filepath,
      size_bytes: media.size,
      // unsigned: the gateway and the webhook sender sign it when they hand it out
      download_url: fileUrl(this.publicBaseUrl, media.filepath),
      ...(result.mimeType ? { mime_type: result.mimeType } : {}),
      // only when there is more than the media: a plain job's file_info stays as SPEC §3 shows it
      ...(files.length > 1 ? { files } : {}),
    };
  }

  /** Removes what a cancelled job had already stored (a cancelled job keeps none); a file that will not go is logged. */
  async discard(keys: readonly string[], log: Logger): Promise<void> {
    for (const key of keys)
      await this.store.delete(key).catch((err: unknown) => log.warn({ err: errorFields(err), filepath: key }, "could not remove a cancelled job's file"));
  }
}

/** The `.nfo` when asked (`write_nfo`): Kodi/Jellyfin read it beside the media. */
function generatedSidecars(cmd: DownloadRequested, result: DownloadResult): GeneratedSidecar[] {
  if (!cmd.options.write_nfo) return [];
  const src = cmd.options.source;
  return [
    {
      kind: 'nfo',
      suffix: '.nfo',
      content: buildNfo({ metadata: result.metadata, id: idOf(cmd.request_id), title: src?.title, uploadDate: src?.upload_date }),
    },
  ];
}

function idOf(requestId: string): string {
  return requestId.replace(/^req_/, '');
}
