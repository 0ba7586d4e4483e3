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

/**
 * Turns yt-dlp's failure into a stable code and a message a person can read. `errorLines` are
 * stderr's `ERROR:` lines (the last one is the cause); `otherLines` is the rest of stderr, where
 * yt-dlp reports a skipped file (too large) when it still exits 0.
 */
export function classifyYtDlpFailure(errorLines: string[], otherLines: string[], exitCode: number | null): DownloadError {
  const last = errorLines[errorLines.length - 1];
  if (last) {
    const rule = RULES.find((r) => r.pattern.test(last));
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
