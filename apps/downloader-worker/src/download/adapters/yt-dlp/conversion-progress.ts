import { readdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * ffmpeg's own progress for the conversions yt-dlp runs (`-progress FILE`, see yt-dlp-args): yt-dlp
 * reads its ffmpeg's output only when it exits, so a re-encode would otherwise look frozen.
 */
export const CONVERSION_PROGRESS_FILE = 'conversion.progress';

/** The post-processors that re-encode (yt-dlp's names); merges and remuxes only copy and are quick. */
export const CONVERTING_POSTPROCESSORS = ['VideoConvertor', 'ExtractAudio'] as const;

export interface FfmpegProgress {
  /** Media time written so far, in seconds. */
  outTimeSec: number;
  /** Encoding speed as a multiple of real time (`2.5x`), when ffmpeg knows it. */
  speed: number | null;
  /** ffmpeg wrote its last block. */
  ended: boolean;
}

/** The last complete block of ffmpeg's `-progress` output (`key=value` lines, each block ends with `progress=`). */
export function parseFfmpegProgress(text: string): FfmpegProgress | null {
  const lines = text.split('\n');
  let end = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('progress=')) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const block = new Map<string, string>();
  for (let i = end; i >= 0; i--) {
    const eq = lines[i].indexOf('=');
    if (eq <= 0) continue;
    const key = lines[i].slice(0, eq);
    if (i < end && key === 'progress') break; // the block before
    if (!block.has(key)) block.set(key, lines[i].slice(eq + 1).trim());
  }
  const us = Number(block.get('out_time_us') ?? block.get('out_time_ms'));
  if (!Number.isFinite(us)) return null;
  const speed = Number.parseFloat(block.get('speed') ?? '');
  return { outTimeSec: Math.max(0, us / 1e6), speed: Number.isFinite(speed) && speed > 0 ? speed : null, ended: block.get('progress') === 'end' };
}

/** The bytes at the end of the progress file: enough for the last block, however long the file gets. */
const TAIL_BYTES = 2048;

export async function readFfmpegProgress(path: string): Promise<FfmpegProgress | null> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return null;
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await file.read(buf, 0, buf.length, start);
    return parseFfmpegProgress(buf.toString('utf8'));
  } finally {
    await file.close();
  }
}

/** Media yt-dlp has finished downloading into the work folder (`media.mkv`, not `media.en.vtt` nor `media.f137.mp4.part`). */
const MEDIA_NAME = /^media\.[A-Za-z0-9]+$/;
const NOT_MEDIA = new Set(['jpg', 'jpeg', 'png', 'webp', 'vtt', 'srt', 'ass', 'json', 'part', 'ytdl', 'description']);

/** The largest finished media file in the work folder: the input of a conversion that has started. */
export async function conversionInput(workDir: string): Promise<string | null> {
  const names = (await readdir(workDir).catch(() => [] as string[])).filter((n) => MEDIA_NAME.test(n) && !NOT_MEDIA.has(n.split('.')[1].toLowerCase()));
  let best: { path: string; size: number } | null = null;
  for (const name of names) {
    const path = join(workDir, name);
    const size = (await stat(path).catch(() => null))?.size ?? 0;
    if (!best || size > best.size) best = { path, size };
  }
  return best?.path ?? null;
}
