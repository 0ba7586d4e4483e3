/** Why a requested file path is refused: `bad_path` answers 400, `hidden` answers 404. */
export type FilePathProblem = { kind: 'bad_path' | 'hidden'; message: string };
export type FilePathResult = { ok: true; path: string } | { ok: false; problem: FilePathProblem };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Turns the raw, still percent-encoded part of `/files/<raw>` into a relative path of plain
 * segments. It works on the raw bytes so that an encoded slash or backslash (`%2F`, `%5C`) can
 * never become a separator, and refuses `.`/`..` segments in any spelling (`%2e%2e`), absolute
 * paths, empty segments, control characters and hidden names (the `.partial` folder).
 */
export function parseFilePath(raw: string): FilePathResult {
  const bad = (message: string): FilePathResult => ({ ok: false, problem: { kind: 'bad_path', message } });
  if (raw === '') return bad('No file named');
  if (raw.length > 4096) return bad('The file path is too long');
  if (/%(2f|5c|00)/i.test(raw) || raw.includes('\\')) return bad('Encoded slashes and backslashes are not allowed in file paths');
  const segments: string[] = [];
  for (const encoded of raw.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return bad('The file path is not valid percent-encoding');
    }
    if (segment === '') return bad('Empty path segments (and absolute paths) are not allowed');
    if (segment === '.' || segment === '..') return bad('Relative segments (. and ..) are not allowed in file paths');
    if (CONTROL.test(segment)) return bad('Control characters are not allowed in file paths');
    if (segment.startsWith('.')) return { ok: false, problem: { kind: 'hidden', message: 'File not found' } };
    segments.push(segment);
  }
  return { ok: true, path: segments.join('/') };
}
