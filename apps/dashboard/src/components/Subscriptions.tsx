import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import { ApiFailure, messageOf } from '../api/errors';
import type { LibraryApi } from '../api/library';
import type { Subscription, SubscriptionCheck } from '../api/library-types';
import { formatTime } from '../ui/format';
import { Link } from '../ui/router';
import { INTERVALS, SubscriptionForm } from './SubscriptionForm';

const TRIGGERS: Record<string, string> = { create: 'On creation', schedule: 'Scheduled', manual: 'Check now' };

function intervalText(sec: number): string {
  const preset = INTERVALS.find(([s]) => s === sec);
  if (preset) return preset[1];
  return sec % 3600 === 0 ? `Every ${sec / 3600} h` : sec % 60 === 0 ? `Every ${sec / 60} min` : `Every ${sec} s`;
}

function CheckRows({ checks }: { checks: SubscriptionCheck[] }) {
  if (checks.length === 0) return <p class="muted">No checks yet.</p>;
  return (
    <table class="checks stack">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">How</th>
          <th scope="col">Result</th>
          <th scope="col">Seen</th>
          <th scope="col">New</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.check_id} class={`check check--${c.status}`} data-check-id={c.check_id}>
            <td data-label="When">{formatTime(c.started_at)}</td>
            <td data-label="How">{TRIGGERS[c.trigger] ?? c.trigger}</td>
            <td data-label="Result" class="check__status">
              {c.status === 'ok' ? 'OK' : `Failed: ${c.error ?? 'unknown error'}`}
            </td>
            <td data-label="Seen">{c.items_seen}</td>
            <td data-label="New">
              {c.new_items}
              {c.request_ids.length > 0 && (
                <span class="check__jobs">
                  {c.request_ids.slice(0, 10).map((id) => (
                    <Link key={id} href={`/downloads/${id}`}>
                      {id}
                    </Link>
                  ))}
                  {c.request_ids.length > 10 && <span class="muted">and {c.request_ids.length - 10} more</span>}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ItemProps {
  sub: Subscription;
  library: LibraryApi;
  onChanged: (s: Subscription) => void;
  onDeleted: (id: string) => void;
}

function SubscriptionItem({ sub, library, onChanged, onDeleted }: ItemProps) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [history, setHistory] = useState<SubscriptionCheck[] | null>(null);
  const name = sub.title ?? sub.url;

  const act = async (what: () => Promise<string | null>) => {
    setBusy(true);
    setMessage(null);
    try {
      const text = await what();
      if (text) setMessage({ ok: true, text });
    } catch (e) {
      setMessage({ ok: false, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  // the full history (20 checks) comes with GET one; the list carries the last check only
  const refresh = async () => {
    const full = await library.subscription(sub.subscription_id);
    onChanged(full);
    if (history) setHistory(full.checks);
    return full;
  };

  const last = sub.checks[0];
  return (
    <li class="sub" data-subscription-id={sub.subscription_id} data-paused={String(sub.paused)}>
      <div class="job__head">
        <span class="job__title">{name}</span>
        <span class="job__badges">
          {sub.consecutive_failures > 0 && <span class="badge badge--failed">{sub.consecutive_failures} failed in a row</span>}
          <span class={`badge ${sub.paused ? 'badge--cancelled' : 'badge--completed'}`}>{sub.paused ? 'Paused' : 'Active'}</span>
        </span>
      </div>
      {sub.title && <p class="muted wrap sub__url">{sub.url}</p>}
      <dl class="facts">
        <dt>Checks</dt>
        <dd>{intervalText(sub.check_interval)}</dd>
        <dt>Next check</dt>
        <dd>{sub.paused ? 'None while paused' : formatTime(sub.next_check_at)}</dd>
        <dt>Last check</dt>
        <dd class="sub__last">
          {last
            ? `${formatTime(last.started_at)}: ${last.status === 'ok' ? `saw ${last.items_seen}, ${last.new_items} new` : `failed: ${last.error ?? 'unknown error'}`}`
            : 'None yet'}
        </dd>
      </dl>
      <div class="job__actions sub__actions">
        <button
          type="button"
          class="button button--small"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              const c = await library.checkNow(sub.subscription_id);
              await refresh();
              return c.status === 'ok' ? `Checked: ${c.items_seen} seen, ${c.new_items} new.` : `The check failed: ${c.error ?? 'unknown error'}`;
            })
          }
        >
          Check now
        </button>
        <button
          type="button"
          class="button button--small"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              onChanged(await library.setPaused(sub.subscription_id, !sub.paused));
              return null;
            })
          }
        >
          {sub.paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          class="button button--small"
          aria-expanded={history !== null}
          disabled={busy}
          onClick={() =>
            history
              ? setHistory(null)
              : void act(async () => {
                  setHistory((await refresh()).checks);
                  return null;
                })
          }
        >
          {history ? 'Hide checks' : 'Show checks'}
        </button>
        <button
          type="button"
          class="button button--small button--danger"
          disabled={busy}
          aria-label={`Delete subscription ${name}`}
          onClick={() => {
            if (!confirm(`Delete the subscription to ${name}? Its checks stop; downloads it started stay.`)) return;
            void act(async () => {
              await library.deleteSubscription(sub.subscription_id);
              onDeleted(sub.subscription_id);
              return null;
            });
          }}
        >
          Delete
        </button>
      </div>
      {message && (
        <p class={message.ok ? 'ok' : 'error'} role="status">
          {message.text}
        </p>
      )}
      {history && (
        <div class="sub__history">
          <h3>Last checks</h3>
          <CheckRows checks={history} />
        </div>
      )}
    </li>
  );
}

interface PageProps {
  api: ApiClient;
  library: LibraryApi;
  onJobIds: (ids: string[]) => void;
}

/** Subscriptions: add one (after a preview), and see, pause, check or delete each. */
export function SubscriptionsPage({ api, library, onJobIds }: PageProps) {
  const [subs, setSubs] = useState<Subscription[] | null>(null);
  const [error, setError] = useState<{ text: string; unsupported: boolean } | null>(null);

  const load = useCallback(() => {
    library.subscriptions().then(
      (s) => (setSubs(s), setError(null)),
      (e) => setError({ text: messageOf(e), unsupported: e instanceof ApiFailure && e.unsupported }),
    );
  }, [library]);
  useEffect(load, [load]);

  const upsert = (s: Subscription) =>
    setSubs((list) => [s, ...(list ?? []).filter((x) => x.subscription_id !== s.subscription_id)].sort((a, b) => (a.created_at < b.created_at ? 1 : -1)));

  return (
    <>
      <p>
        <Link href="/">← Downloads</Link>
      </p>
      <SubscriptionForm
        api={api}
        library={library}
        onCreated={(s) => {
          upsert(s);
          onJobIds(s.checks.flatMap((c) => c.request_ids));
        }}
      />
      <section class="card" aria-labelledby="subs-heading">
        <div class="card__head">
          <h2 id="subs-heading">Subscriptions</h2>
          <button type="button" class="button button--small" onClick={load}>
            Refresh
          </button>
        </div>
        {error && <p class={error.unsupported ? 'muted' : 'error'}>{error.text}</p>}
        {!subs ? (
          !error && <p class="muted">Loading…</p>
        ) : subs.length === 0 ? (
          <p class="muted">No subscriptions yet. Add a feed, channel or playlist above.</p>
        ) : (
          <ul class="jobs">
            {subs.map((s) => (
              <SubscriptionItem
                key={s.subscription_id}
                sub={s}
                library={library}
                onChanged={(n) => setSubs((list) => (list ?? []).map((x) => (x.subscription_id === n.subscription_id ? n : x)))}
                onDeleted={(id) => setSubs((list) => (list ?? []).filter((x) => x.subscription_id !== id))}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
