import { Injectable } from '@nestjs/common';
import { Clock, ToolsResult } from '@mda/contracts';
import { WorkerQueryClient } from '../worker-queries/worker-query-client';

const FRESH_MS = 60_000;
const ASK_TIMEOUT_MS = 3_000;

export interface WorkerTools {
  /** Tools as one worker reported them (yt-dlp, ffmpeg: path, version or error) */
  tools: ToolsResult['tools'];
  /** When that worker answered */
  reported_at: string;
}

/**
 * A worker's yt-dlp and ffmpeg versions, asked once over the query queue and kept for a minute:
 * health and version reads never cost a broker round trip each.
 */
@Injectable()
export class WorkerToolsCache {
  private last?: { at: number; value: WorkerTools };
  private asking?: Promise<WorkerTools | null>;

  constructor(
    private readonly queries: WorkerQueryClient,
    private readonly clock: Clock,
  ) {}

  /** The last answer when fresh; otherwise asks (one question at a time). Null when no worker answered. */
  async get(): Promise<WorkerTools | null> {
    if (this.last && this.clock.nowMs() - this.last.at < FRESH_MS) return this.last.value;
    this.asking ??= this.ask().finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async ask(): Promise<WorkerTools | null> {
    try {
      const r = await this.queries.query({ kind: 'tools' }, ASK_TIMEOUT_MS);
      const value = { tools: r.tools, reported_at: this.clock.now().toISOString() };
      this.last = { at: this.clock.nowMs(), value };
      return value;
    } catch {
      return this.last?.value ?? null;
    }
  }
}
