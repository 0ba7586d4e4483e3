import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DownloadOptions } from '@mda/contracts';
import type { Sidecar } from '../../ports/media-downloader';

const SUBTITLE_EXTS = new Set(['vtt', 'srt', 'ass', 'ssa', 'ttml', 'lrc']);
const IMAGE_EXTS = new Set(['jpg', 'jpeg', 'png', 'webp']);

/**
 * The files yt-dlp wrote beside the media (`media.en.vtt`, `media.jpg`, `media.info.json`,
 * `media.description`), the ones the request asked to keep. Each keeps its suffix, so it can be
 * placed under the media's final base name.
 */
export async function collectSidecars(workDir: string, mediaPath: string, options: DownloadOptions): Promise<Sidecar[]> {
  const stem = stemOf(basename(mediaPath));
  const names = (await readdir(workDir)).filter((n) => n !== basename(mediaPath) && n.startsWith(`${stem}.`)).sort();
  const found: Sidecar[] = [];
  for (const name of names) {
    const sidecar = classify(name.slice(stem.length));
    if (!sidecar || !wanted(sidecar.kind, options)) continue;
    const tempPath = join(workDir, name);
    if (sidecar.kind === 'info_json') await scrubInfoJson(tempPath);
    found.push({ ...sidecar, tempPath });
  }
  return found;
}

/** `.en.vtt` → a subtitle in `en`; `.jpg` → the thumbnail; `.info.json`, `.description`. */
export function classify(suffix: string): Omit<Sidecar, 'tempPath'> | null {
  if (suffix === '.info.json') return { kind: 'info_json', suffix };
  if (suffix === '.description') return { kind: 'description', suffix };
  const parts = suffix.slice(1).split('.');
  const ext = parts[parts.length - 1].toLowerCase();
  if (parts.length === 2 && SUBTITLE_EXTS.has(ext) && /^[A-Za-z0-9_-]{1,20}$/.test(parts[0])) return { kind: 'subtitle', suffix, language: parts[0] };
  if (parts.length === 1 && IMAGE_EXTS.has(ext)) return { kind: 'thumbnail', suffix };
  return null;
}

function wanted(kind: Sidecar['kind'], o: DownloadOptions): boolean {
  if (kind === 'subtitle') return o.download_subtitles;
  if (kind === 'thumbnail') return o.write_thumbnail;
  if (kind === 'info_json') return o.write_info_json;
  if (kind === 'description') return o.write_description;
  return false;
}

function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * yt-dlp's info JSON is served to the client: the job's cookies (yt-dlp copies them into `cookies`
 * and `http_headers`) and the worker's own paths stay out of it.
 */
export async function scrubInfoJson(path: string): Promise<void> {
  const info = JSON.parse(await readFile(path, 'utf8')) as unknown;
  await writeFile(path, JSON.stringify(scrub(info)));
}

const DROPPED_KEYS = new Set(['cookies', 'filename', '_filename', 'filepath', '__files_to_move', '__postprocessors']);
const SECRET_HEADERS = /^(cookie|authorization|proxy-authorization)$/i;

function scrub(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (DROPPED_KEYS.has(k)) continue;
    if (key === 'http_headers' && SECRET_HEADERS.test(k)) continue;
    out[k] = scrub(v, k);
  }
  return out;
}
