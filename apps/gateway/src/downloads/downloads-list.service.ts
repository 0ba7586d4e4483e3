import { Injectable } from '@nestjs/common';
import { FileLinks } from '@mda/file-links';
import { ApiError } from '../common/api-error';
import { ApiKeyIdentity } from '../common/api-keys';
import { JobsRepository } from '../store/jobs.repository';
import { WebhookLogRepository } from '../store/webhook-log.repository';
import { jobView } from '../jobs/job-view';
import { decodeCursor, encodeCursor } from './list-cursor';
import { ListDownloadsQuery } from './list-downloads.query';

/** The caller's jobs, newest first, a page at a time. */
@Injectable()
export class DownloadsListService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly links: FileLinks,
    private readonly webhookLog: WebhookLogRepository,
  ) {}

  async list(q: ListDownloadsQuery, who: ApiKeyIdentity) {
    const limit = q.limit ?? 20;
    const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
    if (q.cursor !== undefined && !after)
      throw new ApiError('validation_error', 'cursor is not valid: pass next_cursor from a previous page', [{ field: 'cursor', message: 'invalid' }]);
    const rows = await this.jobs.list({ ownerFp: who.fingerprint, status: q.status, batchId: q.batch_id, limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const hooks = await this.webhookLog.summaries(page.map((j) => j.request_id));
    return {
      downloads: await Promise.all(page.map((j) => jobView(j, this.links, hooks.get(j.request_id)))),
      next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }
}
