import { z } from 'zod';
import { REQUEST_ID_PATTERN } from './downloads';

/**
 * Event on `downloads.events` / `job.changed`: the gateway replica whose store consumer applied a
 * job event recorded the job's new view as `job_events` row `event_id`. Every gateway replica
 * receives it on a queue of its own and streams the rows after its cursor to its SSE clients; the
 * row, not this message, is what they send (so ids are the store's, global and ordered).
 */
export const jobChangedSchema = z.object({
  event_id: z.number().int().positive(),
  request_id: z.string().regex(REQUEST_ID_PATTERN),
});
export type JobChanged = z.infer<typeof jobChangedSchema>;
