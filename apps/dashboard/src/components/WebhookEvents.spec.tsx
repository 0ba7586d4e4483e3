import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../api/library';
import type { WebhookAttempt } from '../api/types';
import { WebhookEvents } from './WebhookEvents';

const tryOf = (over: Partial<WebhookAttempt>): WebhookAttempt => ({
  webhook_id: 'evt_a',
  event: 'download.completed',
  url: 'http://127.0.0.1/hook',
  attempt: 1,
  redelivery: 0,
  outcome: 'retrying',
  status_code: 503,
  error: null,
  duration_ms: 12,
  response_body: null,
  attempted_at: '2026-01-01T00:00:00.000Z',
  next_retry_at: null,
  ...over,
});

describe('WebhookEvents', () => {
  const attempts = [
    tryOf({ webhook_id: 'evt_p', event: 'download.progress', outcome: 'delivered', status_code: 200 }),
    tryOf({ attempt: 1 }),
    tryOf({ attempt: 2, attempted_at: '2026-01-01T00:00:01.000Z' }),
    tryOf({ attempt: 3, outcome: 'dead', status_code: 500, attempted_at: '2026-01-01T00:00:03.000Z' }),
  ];

  it('shows one row per event with its state, attempts and last answer; attempts expand', () => {
    const events = eventsOf(
      [
        { webhook_id: 'evt_p', event: 'download.progress', state: 'delivered', attempts: 1, created_at: '', updated_at: '' },
        { webhook_id: 'evt_a', event: 'download.completed', state: 'dead', attempts: 3, created_at: '', updated_at: '' },
      ],
      attempts,
    );
    render(<WebhookEvents events={events} />);
    const rows = document.querySelectorAll('tbody.event');
    expect(rows).toHaveLength(2);
    const dead = rows[1] as HTMLElement;
    expect([...dead.querySelectorAll('tr:first-child td')].map((td) => td.textContent)).toEqual([
      'download.completed',
      'Failed',
      '3 attempts ▾',
      '500',
      expect.any(String),
    ]);
    expect(within(dead).queryByRole('list')).toBeNull();
    fireEvent.click(within(dead).getByRole('button', { name: /3 attempts/ }));
    const tries = within(dead).getAllByRole('listitem');
    expect(tries.map((t) => t.querySelector('.try__outcome')?.textContent)).toEqual(['retrying', 'retrying', 'dead']);
    expect(screen.getByRole('button', { name: /3 attempts/ }).getAttribute('aria-expanded')).toBe('true');
  });

  it('derives the events from the attempts when the server lists attempts only', () => {
    const events = eventsOf(undefined, attempts);
    expect(events.map((e) => [e.webhook_id, e.state, e.attempts, e.last?.attempt])).toEqual([
      ['evt_p', 'delivered', 1, 1],
      ['evt_a', 'dead', 3, 3],
    ]);
  });
});
