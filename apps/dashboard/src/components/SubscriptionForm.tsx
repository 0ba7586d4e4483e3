import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import type { LibraryApi } from '../api/library';
import type { Backfill, Subscription, SubscriptionFilters } from '../api/library-types';
import { DEFAULT_OPTIONS, DownloadOptions, ListingEntry } from '../api/types';
import { formatDuration } from '../ui/format';
import { useAction } from '../ui/use-action';
import { OptionsFields } from './OptionsFields';

export const INTERVALS: Array<[number, string]> = [
  [300, 'Every 5 minutes'],
  [900, 'Every 15 minutes'],
  [3600, 'Every hour'],
  [6 * 3600, 'Every 6 hours'],
  [86_400, 'Every day'],
];

type BackfillMode = 'none' | 'count' | 'all';

/** The entries a first check would download: the listing through the title filters, then the backfill. */
export function firstCheckPicks(entries: ListingEntry[], f: SubscriptionFilters, backfill: Backfill): Set<number> {
  const match = f.title_match?.trim().toLowerCase();
  const exclude = f.title_exclude?.trim().toLowerCase();
  const passing = entries.filter((e) => {
    const t = (e.title ?? '').toLowerCase();
    if (match && !t.includes(match)) return false;
    if (exclude && t.includes(exclude)) return false;
    if (f.min_duration !== undefined && e.duration !== null && e.duration < f.min_duration) return false;
    if (f.max_duration !== undefined && e.duration !== null && e.duration > f.max_duration) return false;
    return true;
  });
  const n = backfill === 'all' ? passing.length : backfill === 'none' ? 0 : Math.min(backfill, passing.length);
  return new Set(passing.slice(0, n).map((e) => e.index));
}

const num = (v: string): number | undefined => (v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

interface Props {
  api: ApiClient;
  library: LibraryApi;
  onCreated: (s: Subscription) => void;
}

/** Subscribe to a feed, channel or playlist, after a preview of what the first check would fetch. */
export function SubscriptionForm({ api, library, onCreated }: Props) {
  const [url, setUrl] = useState('');
  const [interval, setIntervalSec] = useState(3600);
  const [mode, setMode] = useState<BackfillMode>('none');
  const [count, setCount] = useState(5);
  const [titleMatch, setTitleMatch] = useState('');
  const [titleExclude, setTitleExclude] = useState('');
  const [minDuration, setMinDuration] = useState('');
  const [maxDuration, setMaxDuration] = useState('');
  const [options, setOptions] = useState<DownloadOptions>(DEFAULT_OPTIONS);
  const [preview, setPreview] = useState<{ title: string | null; entries: ListingEntry[]; total: number | null } | null>(null);
  const { busy, error, done, run } = useAction();

  const backfill: Backfill = mode === 'count' ? count : mode;
  const filters: SubscriptionFilters = {
    title_match: titleMatch.trim() || undefined,
    title_exclude: titleExclude.trim() || undefined,
    min_duration: num(minDuration),
    max_duration: num(maxDuration),
  };
  const picks = preview ? firstCheckPicks(preview.entries, filters, backfill) : new Set<number>();

  const loadPreview = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const p = await api.preview('playlist', url.trim(), 50);
      setPreview(p);
      return `${p.entries.length} item${p.entries.length === 1 ? '' : 's'} listed${p.total && p.total > p.entries.length ? ` (of ${p.total})` : ''}.`;
    });
  };

  const subscribe = () => {
    void run(async () => {
      const { webhook_url, ...rest } = options;
      const s = await library.createSubscription(
        { url: url.trim(), check_interval: interval, backfill, filters, options: rest as DownloadOptions },
        webhook_url,
      );
      onCreated(s);
      setPreview(null);
      setUrl('');
      const first = s.checks[0];
      return `Subscribed to ${s.title ?? s.url}: ${first ? `the first check saw ${first.items_seen} and queued ${first.new_items}` : 'checked'}.`;
    });
  };

  const setBackfillMode = (m: BackfillMode) => setMode(m);
  const summary =
    backfill === 'none'
      ? 'The first check downloads nothing: it records what is listed now, and later checks download what is new.'
      : `The first check downloads ${picks.size} item${picks.size === 1 ? '' : 's'} (marked below); later checks download what is new.`;

  return (
    <section class="card" aria-labelledby="subscribe-heading">
      <h2 id="subscribe-heading">New subscription</h2>
      <form onSubmit={loadPreview}>
        <div class="field field--wide">
          <label for="sub-url">Feed, channel or playlist URL</label>
          <input
            id="sub-url"
            type="url"
            inputMode="url"
            required
            placeholder="https://…"
            value={url}
            onInput={(e) => (setUrl((e.currentTarget as HTMLInputElement).value), setPreview(null))}
          />
        </div>
        <div class="options">
          <div class="field">
            <label for="sub-interval">Check</label>
            <select id="sub-interval" value={interval} onChange={(e) => setIntervalSec(Number((e.currentTarget as HTMLSelectElement).value))}>
              {INTERVALS.map(([sec, label]) => (
                <option key={sec} value={sec}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <fieldset class="kinds more">
            <legend>Download what is there now</legend>
            <label class="check">
              <input type="radio" name="backfill" checked={mode === 'none'} onChange={() => setBackfillMode('none')} /> Nothing (only new uploads)
            </label>
            <label class="check">
              <input type="radio" name="backfill" checked={mode === 'count'} onChange={() => setBackfillMode('count')} /> The first
              <input
                class="count"
                type="number"
                min={1}
                max={1000}
                aria-label="How many listed items to download now"
                value={count}
                onInput={(e) => (setCount(Math.max(1, Math.min(1000, Number((e.currentTarget as HTMLInputElement).value) || 1))), setMode('count'))}
              />
              listed
            </label>
            <label class="check">
              <input type="radio" name="backfill" checked={mode === 'all'} onChange={() => setBackfillMode('all')} /> Everything listed
            </label>
          </fieldset>
        </div>
        <details class="more field--wide">
          <summary>Filters</summary>
          <div class="options">
            <div class="field">
              <label for="sub-match">Title contains</label>
              <input id="sub-match" value={titleMatch} onInput={(e) => setTitleMatch((e.currentTarget as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="sub-exclude">Title does not contain</label>
              <input id="sub-exclude" value={titleExclude} onInput={(e) => setTitleExclude((e.currentTarget as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="sub-min">Shortest (seconds)</label>
              <input id="sub-min" type="number" min={0} value={minDuration} onInput={(e) => setMinDuration((e.currentTarget as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="sub-max">Longest (seconds)</label>
              <input id="sub-max" type="number" min={0} value={maxDuration} onInput={(e) => setMaxDuration((e.currentTarget as HTMLInputElement).value)} />
            </div>
          </div>
        </details>
        <OptionsFields idPrefix="sub" value={options} onChange={setOptions} />
        <button type="submit" class="button" disabled={busy}>
          {busy && !preview ? 'Loading…' : 'Preview'}
        </button>
        {preview && (
          <div class="preview" aria-label="Preview of the first check">
            {preview.title && <h3>{preview.title}</h3>}
            <p class="muted">{summary}</p>
            <ul class="preview__list">
              {preview.entries.map((x) => (
                <li key={x.index} class={picks.has(x.index) ? 'pick pick--yes' : 'pick'} data-picked={picks.has(x.index) ? 'yes' : 'no'}>
                  <span class="preview__idx">{x.index}.</span> {x.title} <span class="muted">{formatDuration(x.duration)}</span>
                  {picks.has(x.index) && <span class="badge badge--running">Downloads now</span>}
                </li>
              ))}
            </ul>
            <button type="button" class="button button--primary" disabled={busy} onClick={subscribe}>
              {busy ? 'Subscribing…' : 'Subscribe'}
            </button>
          </div>
        )}
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
