import { basename } from 'node:path';
import { StoredFile, fileUrl } from '@mda/contracts';
import type { MediaStore } from '@mda/media-store';
import { placeFile } from './file-placement';
import type { Sidecar } from './ports/media-downloader';

const SIDECAR_MIME: Record<string, string> = {
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  ass: 'text/x-ssa',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  json: 'application/json',
  nfo: 'text/xml',
  description: 'text/plain',
};

export interface PlacedMedia {
  filepath: string;
  size: number;
}

/** A sidecar made by the worker itself (the `.nfo`), written into the work folder first. */
export interface GeneratedSidecar {
  kind: 'nfo';
  suffix: string;
  content: string;
}

/**
 * Moves the sidecars next to the placed media under its base name (`Title [id].mp4` →
 * `Title [id].en.vtt`, `Title [id].jpg`) and lists every file of the job, the media first,
 * each with an unsigned link (signed when handed out) and its path (recorded as the job's).
 */
export async function placeSidecars(
  store: MediaStore,
  /** Writes a generated sidecar into the job's work folder; returns its path there. */
  writeScratch: (name: string, content: string) => Promise<string>,
  media: PlacedMedia & { mimeType?: string },
  sidecars: readonly Sidecar[],
  generated: readonly GeneratedSidecar[],
  opts: { publicBaseUrl: string; keepExisting: boolean; suffix: string; signal?: AbortSignal; placed?: string[] },
): Promise<StoredFile[]> {
  const base = media.filepath.replace(/\.[^./]*$/, '');
  const entry = (kind: StoredFile['kind'], filepath: string, size: number, extra: Partial<StoredFile> = {}): StoredFile => ({
    kind,
    filename: basename(filepath),
    filepath,
    size_bytes: size,
    download_url: fileUrl(opts.publicBaseUrl, filepath),
    ...extra,
  });
  const files: StoredFile[] = [entry('media', media.filepath, media.size, media.mimeType ? { mime_type: media.mimeType } : {})];
  const all: Array<{ kind: StoredFile['kind']; tempPath: string; suffix: string; language?: string }> = [...sidecars];
  for (const [i, g] of generated.entries()) {
    const tempPath = await writeScratch(`generated-${i}${g.suffix}`, g.content);
    all.push({ kind: g.kind, tempPath, suffix: g.suffix });
  }
  for (const s of all) {
    const placed = await placeFile(store, s.tempPath, `${base}${s.suffix}`, {
      keepExisting: opts.keepExisting,
      suffix: opts.suffix,
      signal: opts.signal,
      placed: opts.placed,
    });
    const ext = s.suffix.split('.').pop()?.toLowerCase() ?? '';
    const mime = SIDECAR_MIME[ext];
    files.push(entry(s.kind, placed.filepath, placed.size, { ...(s.language ? { language: s.language } : {}), ...(mime ? { mime_type: mime } : {}) }));
  }
  return files;
}
