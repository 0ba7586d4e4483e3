import { DownloadError, DownloadErrorCode } from '../../ports/media-downloader';

interface Rule {
  code: DownloadErrorCode;
  pattern: RegExp;
  message: (line: string) => string;
}

const httpStatus = (line: string) => /HTTP Error (\d{3})/.exec(line)?.[1];
const withStatus = (text: string) => (line: string) => {
  const status = httpStatus(line);
  return status ? `${text} (HTTP ${status})` : text;
};

// Order matters: the first match wins, and the more specific causes come first
// ("Unable to download webpage: HTTP Error 404" is a missing page, not a network fault).
const RULES: Rule[] = [
  { code: 'unsupported_url', pattern: /Unsupported URL/i, message: () => 'This URL is not supported: no media found on the page' },
  {
    code: 'too_large',
    pattern: /larger than max-filesize/i,
    message: (l) => {
      const m = /\((\d+) bytes > (\d+) bytes\)/.exec(l);
      return m ? `File is too large (${m[1]} bytes, limit ${m[2]} bytes)` : 'File is larger than the size limit';
    },
  },
  {
    code: 'invalid_request',
    pattern: /Requested format is not available|Invalid format specification|format .* is not available/i,
    message: () => 'The requested quality or format is not available for this media',
  },
  {
    code: 'private_or_login_required',
    pattern: /Private video|Sign in|\blog ?in\b|members[- ]only|HTTP Error 40[13]\b|cookies/i,
    message: withStatus('This media is private or requires a login'),
  },
  // the egress proxy's answer when it could not reach the server: the reason phrase is the socket error
  {
    code: 'network_error',
    pattern: /HTTP Error 50[24]: (Connection refused|Connection reset|Connection timed out|Name or service not known)/i,
    message: (l) => `Network error: ${networkCause(l)}`,
  },
  // Server errors are worth a retry, unlike the 4xx below ("503: Service Unavailable" is not "unavailable").
  { code: 'network_error', pattern: /HTTP Error 5\d\d/, message: withStatus('Network error: the server failed') },
  {
    code: 'not_found',
    pattern: /HTTP Error 40[4]|HTTP Error 410|not available|does not exist|unavailable|has been removed|no longer available/i,
    message: withStatus('Video not available'),
  },
  {
    code: 'network_error',
    pattern:
      /urlopen error|Connection (refused|reset|aborted)|timed out|Name or service not known|name resolution|Network is unreachable|No route to host|Remote end closed|IncompleteRead|SSL|giving up after \d+ retries/i,
    message: (l) => `Network error: ${networkCause(l)}`,
  },
  {
    code: 'ffmpeg_failed',
    pattern: /Postprocessing|ffmpeg|ffprobe|Conversion failed|merging/i,
    message: (l) => `Post-processing with ffmpeg failed: ${clean(l).slice(0, 200)}`,
  },
];

/** Most reason lines kept from ffmpeg's stderr (the first ones are the cause). */
export const MAX_FFMPEG_REASONS = 5;

const FFMPEG_COMPONENT = /^\[([\w.:,-]+) @ 0x[0-9a-f]+\]\s*(.+)$/;
const FAILURE_WORDS = /not supported|^Only |invalid|could not|error|failed|unknown|unable|not found|not implemented|no such|incorrect|unsupported|denied/i;
const FFMPEG_TOP_LEVEL =
  /^(Could not .+|Invalid data found.+|Error (opening|initializing|while|writing|applying|parsing).+|Unknown (encoder|decoder).+|Conversion failed!?|.+: (No such file or directory|Invalid argument|Permission denied|Invalid data found when processing input))$/;

/**
 * One of ffmpeg's own reasons among yt-dlp's stderr (yt-dlp -v passes ffmpeg's output through, then
 * reports only ffmpeg's last line, e.g. "Stream #0:1 -> #0:1 (copy)"): a component's complaint
 * (`[webm @ 0x…] Only VP8 or VP9 …`, as "webm: Only VP8 …") or a top-level failure ("Could not …",
 * "Invalid data found …", "Error opening …"). Null for any other line.
 */
export function ffmpegReason(line: string): string | null {
  const t = line.trim();
  if (t.startsWith('ERROR:')) return null; // yt-dlp's own report of ffmpeg's last line
  const c = FFMPEG_COMPONENT.exec(t);
  if (c) return FAILURE_WORDS.test(c[2]) ? `${c[1]}: ${c[2].trim()}` : null;
  return FFMPEG_TOP_LEVEL.test(t) ? t : null;
}

/** The real reason of an ffmpeg failure from its first reason lines, or null when none was seen. */
function ffmpegCause(reasons: readonly string[]): string | null {
  const unique = [...new Set(reasons)];
  if (unique.length === 0) return null;
  // the first line names the cause; a following top-level line ("Could not …") says what it stopped
  const next = unique.slice(1).find((r) => FFMPEG_TOP_LEVEL.test(r));
  return [unique[0], next].filter(Boolean).join('; ').slice(0, 300);
}

/**
 * Turns yt-dlp's failure into a stable code and a message a person can read. `errorLines` are
 * stderr's `ERROR:` lines (the last one is the cause); `otherLines` is the rest of stderr, where
 * yt-dlp reports a skipped file (too large) when it still exits 0. `ffmpegReasons` are the
 * `ffmpegReason` lines seen: an ffmpeg failure names the first of them rather than ffmpeg's last line.
 */
export function classifyYtDlpFailure(
  errorLines: string[],
  otherLines: string[],
  exitCode: number | null,
  ffmpegReasons: readonly string[] = [],
): DownloadError {
  const last = errorLines[errorLines.length - 1];
  if (last) {
    const rule = RULES.find((r) => r.pattern.test(last));
    const cause = rule?.code === 'ffmpeg_failed' ? ffmpegCause(ffmpegReasons) : null;
    if (cause) return new DownloadError('ffmpeg_failed', `Post-processing with ffmpeg failed: ${cause}`);
    if (rule) return new DownloadError(rule.code, rule.message(last));
    return new DownloadError('internal_error', clean(last).slice(0, 300) || 'yt-dlp failed');
  }
  const skipped = otherLines.find((l) => /larger than max-filesize/i.test(l));
  if (skipped) return new DownloadError('too_large', RULES[1].message(skipped));
  if (exitCode === 0) return new DownloadError('not_found', 'No media was downloaded from this URL');
  return new DownloadError('internal_error', `yt-dlp exited with code ${exitCode ?? 'unknown'}`);
}

/** Strips yt-dlp's decorations: the `ERROR: [extractor] id:` prefix and the bug-report footer. */
function clean(line: string): string {
  return line
    .replace(/^ERROR:\s*/, '')
    .replace(/^\[[^\]]+\]\s*(\S+:\s*)?/, '')
    .replace(/;?\s*please report this issue.*$/i, '')
    .replace(/\s*\(caused by .*\)\s*$/, '')
    .trim();
}

function networkCause(line: string): string {
  const m = /Connection (refused|reset|aborted)|timed out|Name or service not known|Network is unreachable|No route to host/i.exec(line);
  if (m) return m[0].toLowerCase();
  return clean(line).slice(0, 200);
}
