import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import { DEFAULT_OPTIONS, DownloadOptions, Job, ListingEntry } from '../api/types';
import { formatDuration } from '../ui/format';
import { useAction } from '../ui/use-action';
import { OptionsFields } from './OptionsFields';

type Mode = 'single' | 'batch' | 'listing';

interface Props {
  api: ApiClient;
  onCreated: (job: Job) => void;
  /** New jobs known by id only (batch, playlist, channel). */
  onCreatedIds: (ids: string[]) => void;
}

const MODES: Array<[Mode, string]> = [
  ['single', 'One URL'],
  ['batch', 'Several URLs'],
  ['listing', 'Playlist or channel'],
];

/** Submit a URL, a batch (one URL per line), or a playlist/channel after previewing it. */
export function SubmitPanel({ api, onCreated, onCreatedIds }: Props) {
  const [mode, setMode] = useState<Mode>('single');
  const [options, setOptions] = useState<DownloadOptions>(DEFAULT_OPTIONS);
  const [url, setUrl] = useState('');
  const [batch, setBatch] = useState('');
  const [kind, setKind] = useState<'playlist' | 'channel'>('playlist');
  const [preview, setPreview] = useState<{ title: string | null; entries: ListingEntry[]; total: number | null } | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [maxDownloads, setMaxDownloads] = useState(1);
  const { busy, error, done, run, reset } = useAction();

  const submitSingle = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const job = await api.createDownload(url.trim(), options);
      onCreated(job);
      setUrl('');
      return `Queued ${job.request_id}.`;
    });
  };

  const urls = batch
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const submitBatch = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      if (urls.length === 0) throw new Error('enter at least one URL, one per line');
      if (urls.length > 100) throw new Error(`a batch takes at most 100 URLs (you entered ${urls.length})`);
      const r = await api.batch(urls, options);
      onCreatedIds(r.requestIds);
      setBatch('');
      return `Batch ${r.batchId} queued with ${r.requestIds.length || urls.length} downloads.`;
    });
  };

  const loadPreview = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const p = await api.preview(kind, url.trim());
      setPreview(p);
      setPicked(new Set(p.entries.map((x) => x.index)));
      setMaxDownloads(Math.max(1, p.entries.length));
      return `${p.entries.length} item${p.entries.length === 1 ? '' : 's'} found${p.total && p.total > p.entries.length ? ` (of ${p.total})` : ''}.`;
    });
  };

  const downloadListing = () => {
    void run(async () => {
      if (!preview) throw new Error('preview first');
      const all = picked.size === preview.entries.length;
      const items = all ? undefined : [...picked].sort((a, b) => a - b).join(',');
      if (kind === 'playlist' && picked.size === 0) throw new Error('pick at least one item');
      const r = await api.downloadListing(kind, url.trim(), options, kind === 'playlist' ? { items } : { maxDownloads });
      onCreatedIds(r.requestIds);
      setPreview(null);
      return `Batch ${r.batchId} queued with ${r.requestIds.length} downloads.`;
    });
  };

  const toggle = (i: number) => {
    const next = new Set(picked);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    setPicked(next);
  };

  return (
    <section class="card" aria-labelledby="submit-heading">
      <h2 id="submit-heading">New download</h2>
      <div class="modes" role="group" aria-label="What to download">
        {MODES.map(([m, label]) => (
          <button key={m} type="button" class="mode" aria-pressed={mode === m} onClick={() => (setMode(m), reset())}>
            {label}
          </button>
        ))}
      </div>

      {mode === 'single' && (
        <form onSubmit={submitSingle}>
          <div class="field field--wide">
            <label for="single-url">Media URL</label>
            <input
              id="single-url"
              type="url"
              inputMode="url"
              required
              placeholder="https://…"
              value={url}
              onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <OptionsFields idPrefix="single" value={options} onChange={setOptions} />
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? 'Submitting…' : 'Download'}
          </button>
        </form>
      )}

      {mode === 'batch' && (
        <form onSubmit={submitBatch}>
          <div class="field field--wide">
            <label for="batch-urls">URLs, one per line (up to 100)</label>
            <textarea id="batch-urls" rows={5} required value={batch} onInput={(e) => setBatch((e.currentTarget as HTMLTextAreaElement).value)} />
            <span class="muted">
              {urls.length} URL{urls.length === 1 ? '' : 's'}
            </span>
          </div>
          <OptionsFields idPrefix="batch" value={options} onChange={setOptions} />
          <button type="submit" class="button button--primary" disabled={busy}>
            {busy ? 'Submitting…' : `Download ${urls.length || ''} URL${urls.length === 1 ? '' : 's'}`}
          </button>
        </form>
      )}

      {mode === 'listing' && (
        <form onSubmit={loadPreview}>
          <fieldset class="kinds">
            <legend>Kind</legend>
            <label class="check">
              <input type="radio" name="kind" checked={kind === 'playlist'} onChange={() => (setKind('playlist'), setPreview(null))} /> Playlist
            </label>
            <label class="check">
              <input type="radio" name="kind" checked={kind === 'channel'} onChange={() => (setKind('channel'), setPreview(null))} /> Channel
            </label>
          </fieldset>
          <div class="field field--wide">
            <label for="listing-url">{kind === 'playlist' ? 'Playlist URL' : 'Channel URL'}</label>
            <input id="listing-url" type="url" required value={url} onInput={(e) => (setUrl((e.currentTarget as HTMLInputElement).value), setPreview(null))} />
          </div>
          <button type="submit" class="button" disabled={busy}>
            {busy && !preview ? 'Loading…' : 'Preview'}
          </button>
          {preview && (
            <div class="preview">
              {preview.title && <h3>{preview.title}</h3>}
              <ul class="preview__list">
                {preview.entries.map((x) => (
                  <li key={x.index}>
                    {kind === 'playlist' ? (
                      <label class="check">
                        <input type="checkbox" checked={picked.has(x.index)} onChange={() => toggle(x.index)} />
                        <span class="preview__idx">{x.index}.</span> {x.title} <span class="muted">{formatDuration(x.duration)}</span>
                      </label>
                    ) : (
                      <span>
                        <span class="preview__idx">{x.index}.</span> {x.title} <span class="muted">{formatDuration(x.duration)}</span>
                      </span>
                    )}
                  </li>
                ))}
              </ul>
              {kind === 'channel' && (
                <div class="field field--wide">
                  <label for="listing-max">How many videos to download (in the order shown)</label>
                  <input
                    id="listing-max"
                    type="number"
                    min={1}
                    max={1000}
                    value={maxDownloads}
                    onInput={(e) => setMaxDownloads(Math.max(1, Math.min(1000, Number((e.currentTarget as HTMLInputElement).value) || 1)))}
                  />
                </div>
              )}
              <OptionsFields idPrefix="listing" value={options} onChange={setOptions} />
              <button type="button" class="button button--primary" disabled={busy || (kind === 'playlist' && picked.size === 0)} onClick={downloadListing}>
                {kind === 'playlist'
                  ? `Download ${picked.size} item${picked.size === 1 ? '' : 's'}`
                  : `Download ${maxDownloads} video${maxDownloads === 1 ? '' : 's'}`}
              </button>
            </div>
          )}
        </form>
      )}

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
