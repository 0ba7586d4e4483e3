import { useState } from 'preact/hooks';
import type { WebhookEventRow } from '../api/library';
import { formatTime } from '../ui/format';

const STATE_LABELS: Record<string, string> = {
  queued: 'Queued',
  delivering: 'Delivering',
  retrying: 'Retrying',
  delivered: 'Delivered',
  dead: 'Failed',
  dropped: 'Dropped',
};

function resultOf(a: WebhookEventRow['last']): string {
  if (!a) return '–';
  return a.status_code !== null && a.status_code !== undefined ? `${a.status_code}${a.error ? ` · ${a.error}` : ''}` : (a.error ?? '–');
}

/**
 * One row per webhook event (its state, how many attempts, the last answer), each expandable to
 * its attempts. On a narrow screen each row becomes a small card, so no column is cut off.
 */
export function WebhookEvents({ events }: { events: WebhookEventRow[] }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <table class="events stack">
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last result</th>
          <th scope="col">Last try</th>
        </tr>
      </thead>
      {events.map((e) => {
        const expanded = open.has(e.webhook_id);
        const panel = `tries-${e.webhook_id}`;
        return (
          <tbody key={e.webhook_id} class={`event event--${e.state}`} data-webhook-id={e.webhook_id}>
            <tr>
              <td data-label="Event">{e.event}</td>
              <td data-label="State" class="event__state">
                {STATE_LABELS[e.state] ?? e.state}
              </td>
              <td data-label="Attempts">
                {e.tries.length > 0 ? (
                  <button type="button" class="linklike" aria-expanded={expanded} aria-controls={panel} onClick={() => toggle(e.webhook_id)}>
                    {e.attempts} {e.attempts === 1 ? 'attempt' : 'attempts'} {expanded ? '▴' : '▾'}
                  </button>
                ) : (
                  e.attempts
                )}
              </td>
              <td data-label="Last result">{resultOf(e.last)}</td>
              <td data-label="Last try">{formatTime(e.last?.attempted_at ?? e.updated_at)}</td>
            </tr>
            {expanded && (
              <tr class="event__tries" id={panel}>
                <td colSpan={5}>
                  <ol class="tries" aria-label={`Attempts of ${e.event}`}>
                    {e.tries.map((a) => (
                      <li key={`${a.redelivery ?? 0}-${a.attempt}`} class={`try try--${a.outcome}`}>
                        <span>
                          Try {a.attempt}
                          {a.redelivery ? ` (redelivery ${a.redelivery})` : ''}
                        </span>
                        <span class="try__outcome">{a.outcome}</span>
                        <span>{a.status_code ?? a.error ?? '–'}</span>
                        <span>{a.duration_ms === null || a.duration_ms === undefined ? '–' : `${Math.round(a.duration_ms)} ms`}</span>
                        <span>{formatTime(a.attempted_at)}</span>
                        {a.next_retry_at && <span class="muted">next try {formatTime(a.next_retry_at)}</span>}
                      </li>
                    ))}
                  </ol>
                </td>
              </tr>
            )}
          </tbody>
        );
      })}
    </table>
  );
}
