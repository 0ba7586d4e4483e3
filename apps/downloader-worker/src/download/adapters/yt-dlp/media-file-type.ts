const MIME_BY_EXT: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  mov: 'video/quicktime',
  flv: 'video/x-flv',
  avi: 'video/x-msvideo',
  ts: 'video/mp2t',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  opus: 'audio/ogg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  flac: 'audio/flac',
  wav: 'audio/wav',
  mka: 'audio/x-matroska',
};

/** The Content-Type the file will be served with, from its extension. */
export function mimeTypeForExt(ext: string): string | undefined {
  return MIME_BY_EXT[ext.toLowerCase()];
}

/** Whether a file of this extension holds audio only (decides the default folder). */
export function isAudioExt(ext: string): boolean {
  return mimeTypeForExt(ext)?.startsWith('audio/') ?? false;
}
