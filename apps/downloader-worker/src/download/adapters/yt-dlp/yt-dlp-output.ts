/**
 * yt-dlp's machine-readable stdout: each line we ask for is a prefix and JSON (see FACTS.md).
 * The templates and their parser live together so they cannot drift apart.
 */

/** One progress-hook report, with the fields we keep (`%(progress.{...})j`). */
export interface YtDlpProgress {
  status?: string;
  downloaded_bytes?: number | null;
  total_bytes?: number | null;
  total_bytes_estimate?: number | null;
  speed?: number | null;
  eta?: number | null;
  fragment_index?: number | null;
  fragment_count?: number | null;
  filename?: string;
}

/** A format yt-dlp chose; when there are several they are downloaded one after the other and merged. */
export interface YtDlpFormat {
  format_id?: string;
  filesize?: number | null;
  filesize_approx?: number | null;
  tbr?: number | null;
}

export interface YtDlpMeta extends YtDlpFormat {
  id?: string;
  title?: string;
  uploader?: string;
  channel?: string;
  channel_id?: string;
  uploader_id?: string;
  description?: string;
  duration?: number;
  thumbnail?: string;
  extractor?: string;
  webpage_url?: string;
  upload_date?: string;
  width?: number;
  height?: number;
  ext?: string;
}

const PROGRESS_FIELDS = 'status,downloaded_bytes,total_bytes,total_bytes_estimate,speed,eta,fragment_index,fragment_count,filename';
const META_FIELDS =
  'id,title,uploader,channel,channel_id,uploader_id,duration,thumbnail,extractor,webpage_url,upload_date,width,height,ext,format_id,filesize,filesize_approx,tbr';

// A tab never occurs inside JSON output, so it safely separates the progress from its format id
// (subtitle downloads report progress too, without a format id: that is how they are told apart).
export const PROGRESS_TEMPLATE = `download:PROGRESS %(progress.{${PROGRESS_FIELDS}})j\t%(info.format_id)j`;
export const META_TEMPLATE = `before_dl:META %(.{${META_FIELDS}})j`;
// Only a few fields of each format: the full dicts carry every fragment URL.
export const FORMATS_TEMPLATE = 'before_dl:FORMATS %(requested_formats.:.{format_id,filesize,filesize_approx,tbr})j';
export const DONE_TEMPLATE = 'after_move:DONE %(.{filepath})j';

export type YtDlpLine =
  | { kind: 'progress'; progress: YtDlpProgress; formatId: string | null }
  | { kind: 'meta'; meta: YtDlpMeta }
  | { kind: 'formats'; formats: YtDlpFormat[] }
  | { kind: 'done'; filepath: string }
  | { kind: 'other'; text: string };

/** Classifies one stdout line; anything unexpected is `other` (it is still logged). */
export function parseYtDlpLine(line: string): YtDlpLine {
  const space = line.indexOf(' ');
  const prefix = space > 0 ? line.slice(0, space) : '';
  const body = line.slice(space + 1);
  switch (prefix) {
    case 'PROGRESS': {
      const [progressJson, formatJson] = body.split('\t');
      const progress = parseJson(progressJson);
      if (!isObject(progress)) break;
      const formatId = parseJson(formatJson ?? '');
      return { kind: 'progress', progress: progress as YtDlpProgress, formatId: typeof formatId === 'string' && formatId !== 'NA' ? formatId : null };
    }
    case 'META': {
      const meta = parseJson(body);
      if (isObject(meta)) return { kind: 'meta', meta: meta as YtDlpMeta };
      break;
    }
    case 'FORMATS': {
      // yt-dlp prints `NA` when a single format was chosen.
      const formats = parseJson(body);
      return { kind: 'formats', formats: Array.isArray(formats) ? (formats.filter(isObject) as YtDlpFormat[]) : [] };
    }
    case 'DONE': {
      const done = parseJson(body);
      if (isObject(done) && typeof done.filepath === 'string') return { kind: 'done', filepath: done.filepath };
      break;
    }
  }
  return { kind: 'other', text: line };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
