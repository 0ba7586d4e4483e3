import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { YtDlpProgress } from './yt-dlp-output';

/** One file aria2c is writing, as a yt-dlp progress report would name it. */
export interface DiskProgressReport {
  progress: YtDlpProgress;
  /** From yt-dlp's `media.f<id>.<ext>` names when several formats are fetched; else null. */
  formatId: string | null;
}

const POLL_MS = 250;
const PART = /^(.+)\.part$/;
const FORMAT_IN_NAME = /\.f([^.]+)\.[^.]+$/;

/**
 * Progress of the files aria2c writes for yt-dlp (yt-dlp reports nothing until aria2c exits).
 * A file is aria2c's while its `.aria2` control file exists. Bytes are the blocks it holds, capped
 * by its size: with several connections the file has holes, so this counts what arrived, never
 * more than the final size, and per file it never goes down.
 */
export class Aria2DiskProgress {
  private timer: NodeJS.Timeout | null = null;
  private readonly seen = new Map<string, number>();
  private polling = false;

  constructor(
    private readonly dir: string,
    private readonly onReport: (report: DiskProgressReport) => void,
    private readonly pollMs = POLL_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scan of the folder; reports each aria2c file whose byte count grew. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const names = new Set(await readdir(this.dir).catch(() => [] as string[]));
      for (const name of names) {
        const final = PART.exec(name)?.[1];
        if (!final || !names.has(`${name}.aria2`)) continue;
        const st = await stat(join(this.dir, name)).catch(() => null);
        if (!st || !this.timer) continue;
        const bytes = Math.max(this.seen.get(name) ?? 0, Math.min(st.blocks * 512, st.size));
        if (bytes === this.seen.get(name)) continue;
        this.seen.set(name, bytes);
        this.onReport({
          progress: { status: 'downloading', downloaded_bytes: bytes, filename: join(this.dir, final) },
          formatId: FORMAT_IN_NAME.exec(final)?.[1] ?? null,
        });
      }
    } finally {
      this.polling = false;
    }
  }
}
