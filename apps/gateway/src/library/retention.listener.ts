import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobLifecycle } from '../jobs/job-lifecycle';
import { RetentionService } from './retention.service';

/** A completed job's expiry is scheduled (durable) before its completion event is acked. */
@Injectable()
export class RetentionListener implements OnModuleInit {
  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly retention: RetentionService,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onFinished((e) => (e.status === 'completed' ? this.retention.onCompleted(e.request_id) : undefined));
  }
}
