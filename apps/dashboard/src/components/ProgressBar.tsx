import type { JobStatus, Progress } from '../api/types';

/** The API's Progress, read tolerantly: a server that sends no percent or bytes yet still draws a bar. */
export type ProgressView = Omit<Progress, 'percent' | 'downloaded_bytes'> & { percent: number | null; downloaded_bytes: number | null };
import { formatBytes, formatEta, formatSpeed, percentOf } from '../ui/format';

interface Props {
  progress: ProgressView | null;
  status: JobStatus;
  /** Names the bar for screen readers (e.g. the job's title). */
  label: string;
}

/** A job's progress: the bar, percent, bytes, speed and time left, as the stream reports them. */
export function ProgressBar({ progress, status, label }: Props) {
  const pct = status === 'completed' ? 100 : percentOf(progress);
  const shown = pct === null ? null : Math.floor(pct * 10) / 10;
  const running = status === 'running';
  const parts = [
    progress?.downloaded_bytes ? `${formatBytes(progress.downloaded_bytes)}${progress.total_bytes ? ` of ${formatBytes(progress.total_bytes)}` : ''}` : '',
    running ? formatSpeed(progress?.speed) : '',
    running ? formatEta(progress?.eta) : '',
  ].filter(Boolean);
  return (
    <div class={`progress progress--${status}`}>
      <div
        class="progress__track"
        role="progressbar"
        aria-label={`Progress of ${label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown ?? undefined}
        aria-valuetext={shown === null ? 'size unknown' : `${shown}%`}
        data-percent={shown ?? ''}
      >
        <div class={`progress__fill${shown === null && running ? ' progress__fill--unknown' : ''}`} style={{ width: `${shown ?? (running ? 100 : 0)}%` }} />
      </div>
      <div class="progress__text">
        <span class="progress__pct">{shown === null ? (running ? 'Downloading…' : '') : `${shown.toFixed(shown % 1 ? 1 : 0)}%`}</span>
        {parts.length > 0 && <span class="progress__detail">{parts.join(' · ')}</span>}
      </div>
    </div>
  );
}
