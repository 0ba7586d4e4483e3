const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '–';
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatSpeed(bytesPerSec: number | null | undefined): string {
  return bytesPerSec === null || bytesPerSec === undefined || bytesPerSec <= 0 ? '' : `${formatBytes(bytesPerSec)}/s`;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return '–';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

export function formatEta(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return '';
  if (sec < 60) return `${Math.ceil(sec)} s left`;
  return `${formatDuration(sec)} left`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Percent to show: the server's, or computed from bytes; null when the size is unknown. */
export function percentOf(p: { percent: number | null; downloaded_bytes: number | null; total_bytes: number | null } | null): number | null {
  if (!p) return null;
  if (typeof p.percent === 'number' && Number.isFinite(p.percent)) return Math.max(0, Math.min(100, p.percent));
  if (p.total_bytes && p.downloaded_bytes !== null) return Math.max(0, Math.min(100, (p.downloaded_bytes / p.total_bytes) * 100));
  return null;
}
