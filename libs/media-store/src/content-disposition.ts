/**
 * `attachment` with the file's name, ASCII-safe in `filename` and exact in `filename*`: a stored
 * file is downloaded, never rendered as a page of the serving origin.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
