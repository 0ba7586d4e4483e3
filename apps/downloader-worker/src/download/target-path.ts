import { DownloadRequested, defaultFilePath } from '@mda/contracts';
import type { DownloadResult } from './ports/media-downloader';

/** The public path of a finished file: the job's path_template, or SPEC §3's default. */
export function resolveFilePath(cmd: DownloadRequested, result: DownloadResult): string {
  return defaultFilePath(cmd.request_id, result.ext, result.audioOnly);
}
