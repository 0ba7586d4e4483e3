import { Injectable } from '@nestjs/common';
import { JobChanged, ROUTING_KEYS } from '@mda/contracts';
import { EventPublisher } from '@mda/messaging';
import { JobChangeAnnouncer } from '../ports/job-change-announcer';

/** `job.changed` on `downloads.events`: every replica's own queue gets a copy (SUBSCRIPTIONS.gatewayJobChanges). */
@Injectable()
export class AmqpJobChangeAnnouncer extends JobChangeAnnouncer {
  constructor(private readonly events: EventPublisher) {
    super();
  }

  async announce(change: JobChanged): Promise<void> {
    await this.events.publish(ROUTING_KEYS.jobChanged, change, change.request_id);
  }
}
