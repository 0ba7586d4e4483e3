import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { METRICS } from '@mda/contracts';
import { counterOf, gaugeOf } from '@mda/observability';
import { JobFilesRepository } from '../store/job-files.repository';

const filesExpired = counterOf(METRICS.filesExpired);
const bytesFreed = counterOf(METRICS.retentionBytesFreed);
const storageUsed = gaugeOf(METRICS.storageUsed);

// one GROUP BY over job_files: cheap enough to keep the gauge a few seconds behind the store
const REFRESH_MS = 5_000;

/** The library's metrics: retention, and storage used per key (refreshed from the store). */
@Injectable()
export class LibraryMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(private readonly files: JobFilesRepository) {}

  onApplicationBootstrap(): void {
    void this.refreshStorage();
    this.timer = setInterval(() => void this.refreshStorage(), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  expired(files: number, bytes: number): void {
    if (files > 0) filesExpired.inc(files);
    if (bytes > 0) bytesFreed.inc(bytes);
  }

  async refreshStorage(): Promise<void> {
    try {
      const usage = await this.files.usageByKey();
      storageUsed.reset();
      for (const u of usage) storageUsed.set({ key: u.api_key_fp.slice(0, 16) }, u.bytes);
    } catch {
      // the next refresh tries again; metrics never fail a request
    }
  }
}
