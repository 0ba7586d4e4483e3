import type { FileLinks } from '@mda/file-links';

/**
 * A stored webhook body with its `data.file_info` links signed afresh, so a redelivery days later
 * still carries a working `download_url` (the first delivery's has expired, or was signed with a
 * secret since replaced). Bodies without links come back byte for byte.
 */
export async function withFreshDownloadUrl(body: string, links: FileLinks): Promise<string> {
  let payload: { data?: { file_info?: { filepath?: unknown; download_url?: unknown } } };
  try {
    payload = JSON.parse(body);
  } catch {
    return body;
  }
  const info = payload?.data?.file_info;
  if (!info || typeof info.filepath !== 'string' || typeof info.download_url !== 'string') return body;
  payload.data!.file_info = await links.signFileInfo({ ...info, filepath: info.filepath, download_url: info.download_url });
  return JSON.stringify(payload);
}
