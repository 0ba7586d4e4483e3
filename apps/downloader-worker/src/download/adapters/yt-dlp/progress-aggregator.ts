import type { Progress } from '@mda/contracts';
import type { YtDlpFormat, YtDlpProgress } from './yt-dlp-output';

interface StreamState {
  formatId: string | null;
  weight: number;
  /** Size announced before the download (from the format list), if any. */
  expectedBytes: number | null;
  fraction: number;
  bytes: number;
  totalBytes: number | null;
  /** Reported fragments (HLS/DASH): its byte count only grows, the final report included. */
  fragmented: boolean;
}

/** Until the file is final (merged, converted, moved) the job is not done. */
const MAX_PERCENT_BEFORE_DONE = 99.9;
/** No speed (nor eta) before this much time of data: a first reading over a few ms is far off. */
export const MIN_SPEED_WINDOW_MS = 1000;
/** Time constant of the speed's exponential moving average. */
const SPEED_TAU_MS = 3000;

/**
 * Turns yt-dlp's per-stream progress reports into one progress for the whole job.
 *
 * yt-dlp restarts at 0 % for every stream (video, then audio, before merging), and HLS/DASH give
 * only an estimate that moves as fragments arrive. Each stream therefore gets a fixed share of the
 * job (by announced size, else by bitrate, else equal) and a fraction done (exact bytes, else
 * fragments done), and the overall percent never goes backwards.
 */
export class ProgressAggregator {
  private streams: StreamState[] = [newStream(null, 1, null)];
  private started = false;
  private done = false;
  private last: Progress | null = null;
  /** Every file's bytes, subtitles included: the size limit must not depend on matching streams. */
  private readonly bytesByFile = new Map<string, number>();
  /** Weights from sizes or bitrates (not equal shares): a stream's total can be estimated from another's. */
  private weightsFromInfo = false;
  private first: { ms: number; bytes: number } | null = null;
  private prev: { ms: number; bytes: number } | null = null;
  private speed: number | null = null;
  /** The part of the job (0–1) a conversion after the download takes (a re-encode is no instant step). */
  private conversionShare = 0;

  /** `nowMs` times the bytes for the smoothed speed (yt-dlp's own reading jumps, its first one most). */
  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  /** The chosen formats, from the lines printed before the download. Ignored once progress has started. */
  plan(formats: YtDlpFormat[]): void {
    if (this.started || formats.length === 0) return;
    const sizes = formats.map((f) => positive(f.filesize) ?? positive(f.filesize_approx));
    const bitrates = formats.map((f) => positive(f.tbr));
    const weights = sizes.every(isNumber) ? sizes : bitrates.every(isNumber) ? bitrates : formats.map(() => 1);
    this.weightsFromInfo = sizes.every(isNumber) || bitrates.every(isNumber);
    this.streams = formats.map((f, i) => newStream(f.format_id ?? null, weights[i] as number, sizes[i]));
  }

  /**
   * A conversion (re-encode) will follow the download: the download then fills the first
   * `1 - share` of the percent and the conversion the rest.
   */
  expectConversion(share: number): void {
    this.conversionShare = Math.min(0.9, Math.max(0, share));
  }

  get conversionExpected(): boolean {
    return this.conversionShare > 0;
  }

  /**
   * The conversion's own progress (`fraction` of the media converted, `etaSec` from its speed): the
   * bytes stay those downloaded, the percent moves on. Null when no conversion was expected or nothing changed.
   */
  converting(fraction: number, etaSec: number | null): Progress | null {
    if (this.done || this.conversionShare <= 0) return null;
    const f = Math.min(1, Math.max(0, fraction));
    const exact = 100 * (1 - this.conversionShare + this.conversionShare * f);
    const percent = Math.max(this.last?.percent ?? 0, Math.min(MAX_PERCENT_BEFORE_DONE, Math.floor(exact * 100) / 100));
    if (this.last && this.last.percent === percent) return null;
    const downloaded = this.downloadedBytes;
    const totals = this.estimatedTotals();
    const total = totals.every(isNumber) ? Math.max(downloaded, Math.round(totals.reduce((a, b) => a + b, 0))) : downloaded;
    // no bytes move while converting: no speed; the eta is the conversion's
    this.last = { percent, downloaded_bytes: downloaded, total_bytes: total, speed: null, eta: etaSec === null ? null : Math.max(0, Math.ceil(etaSec)) };
    return this.last;
  }

  /** Feeds one report; returns the job's progress when it changed, else null. */
  update(report: YtDlpProgress, formatId: string | null): Progress | null {
    // Fragments fetched concurrently each report the finished ones plus their own bytes, so the
    // count jumps back and forth between threads: the largest so far is the truth for the stream.
    const fragmented = positive(report.fragment_count) !== null;
    const file = report.filename ?? '';
    const reported = nonNegative(report.downloaded_bytes);
    if (reported !== null) this.bytesByFile.set(file, fragmented ? Math.max(reported, this.bytesByFile.get(file) ?? 0) : reported);
    const stream = this.streamFor(formatId);
    if (!stream || this.done) return null;
    this.started = true;
    stream.fragmented ||= fragmented;
    const downloaded = nonNegative(report.downloaded_bytes) ?? stream.bytes;
    stream.bytes = stream.fragmented ? Math.max(stream.bytes, downloaded) : downloaded;
    stream.fraction = Math.max(stream.fraction, fractionOf(report, downloaded));
    stream.totalBytes = positive(report.total_bytes) ?? stream.expectedBytes ?? roundOrNull(positive(report.total_bytes_estimate)) ?? stream.totalBytes;
    return this.emit();
  }

  /** The final 100 %, once the finished file exists. */
  complete(fileBytes?: number): Progress {
    const bytes = Math.max(fileBytes ?? 0, this.downloadedBytes);
    this.done = true;
    this.last = { percent: 100, downloaded_bytes: bytes, total_bytes: bytes, speed: null, eta: 0 };
    return this.last;
  }

  /** Bytes of the media streams received so far. */
  get downloadedBytes(): number {
    return Math.round(this.streams.reduce((sum, s) => sum + s.bytes, 0));
  }

  /** Bytes of every file written so far: what the size limit is checked against. */
  get bytesWritten(): number {
    return Math.round([...this.bytesByFile.values()].reduce((a, b) => a + b, 0));
  }

  private streamFor(formatId: string | null): StreamState | undefined {
    // Reports without a format id are subtitle files: not part of the media's percent.
    if (formatId === null) return this.streams.length === 1 && this.streams[0].formatId === null ? this.streams[0] : undefined;
    const match = this.streams.find((s) => s.formatId === formatId);
    return match ?? (this.streams.length === 1 ? this.streams[0] : undefined);
  }

  private emit(): Progress | null {
    const totalWeight = this.streams.reduce((sum, s) => sum + s.weight, 0);
    const exact = ((1 - this.conversionShare) * 100 * this.streams.reduce((sum, s) => sum + s.weight * s.fraction, 0)) / totalWeight;
    const percent = Math.max(this.last?.percent ?? 0, Math.min(MAX_PERCENT_BEFORE_DONE, Math.floor(exact * 100) / 100));
    const downloaded = this.downloadedBytes;
    const totals = this.estimatedTotals();
    const total = totals.every(isNumber) ? Math.max(downloaded, Math.round(totals.reduce((a, b) => a + b, 0))) : null;
    const speed = this.smoothSpeed(downloaded);
    const eta = total !== null && speed ? Math.ceil((total - downloaded) / speed) : null;
    const next: Progress = { percent, downloaded_bytes: downloaded, total_bytes: total, speed: speed === null ? null : Math.round(speed), eta };
    if (this.last && this.last.percent === next.percent && this.last.downloaded_bytes === next.downloaded_bytes) return null;
    this.last = next;
    return next;
  }

  /**
   * Each stream's total: announced or reported; else from its fragments (bytes / fraction done);
   * else, for a stream not started yet, from another's total in the ratio of their sizes or bitrates.
   */
  private estimatedTotals(): Array<number | null> {
    const own = this.streams.map((s) => s.totalBytes ?? (s.fraction > 0 && s.bytes > 0 ? s.bytes / s.fraction : null));
    if (own.every(isNumber) || !this.weightsFromInfo) return own;
    const known = this.streams.filter((_, i) => own[i] !== null);
    const knownWeight = known.reduce((sum, s) => sum + s.weight, 0);
    const knownTotal = own.reduce<number>((sum, t) => sum + (t ?? 0), 0);
    if (knownWeight <= 0 || knownTotal <= 0) return own;
    return own.map((t, i) => t ?? (knownTotal * this.streams[i].weight) / knownWeight);
  }

  /** Bytes per second, an exponential moving average of the job's own byte count; null in the first second. */
  private smoothSpeed(bytes: number): number | null {
    const ms = this.nowMs();
    if (!this.first) {
      this.first = this.prev = { ms, bytes };
      return null;
    }
    const prev = this.prev as { ms: number; bytes: number };
    const dt = ms - prev.ms;
    if (ms - this.first.ms < MIN_SPEED_WINDOW_MS) return null;
    if (dt <= 0) return this.speed;
    // a stream that restarts at 0 (retry) gives no negative speed
    const rate = (Math.max(0, bytes - prev.bytes) * 1000) / dt;
    this.speed =
      this.speed === null
        ? (Math.max(0, bytes - this.first.bytes) * 1000) / (ms - this.first.ms)
        : this.speed + (1 - Math.exp(-dt / SPEED_TAU_MS)) * (rate - this.speed);
    this.prev = { ms, bytes };
    return this.speed;
  }
}

function fractionOf(report: YtDlpProgress, downloaded: number): number {
  if (report.status === 'finished') return 1;
  const total = positive(report.total_bytes);
  if (total) return Math.min(1, downloaded / total);
  // Fragmented streams: fragment_index counts finished fragments, so this is exact and monotonic,
  // while downloaded/total_bytes_estimate jumps back whenever the estimate is revised.
  const count = positive(report.fragment_count);
  if (count && report.fragment_index != null) return Math.min(1, Math.max(0, report.fragment_index) / count);
  const estimate = positive(report.total_bytes_estimate);
  return estimate ? Math.min(0.99, downloaded / estimate) : 0;
}

function newStream(formatId: string | null, weight: number, expectedBytes: number | null): StreamState {
  return { formatId, weight, expectedBytes, fraction: 0, bytes: 0, totalBytes: expectedBytes, fragmented: false };
}

function positive(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

function nonNegative(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : Math.round(n);
}

function isNumber(n: number | null): n is number {
  return n !== null;
}
