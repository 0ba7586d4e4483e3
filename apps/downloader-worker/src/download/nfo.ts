import type { MediaMetadata } from '@mda/contracts';

interface NfoInput {
  metadata: MediaMetadata;
  /** The id the file is named by (`Title [id].mp4`). */
  id: string;
  /** A feed item's title and date, when the media itself has none. */
  title?: string | null;
  uploadDate?: string | null;
}

/**
 * A Kodi/Jellyfin `movie` NFO (the format both read for a loose video file): title, date, channel
 * as studio, runtime and the source URL. Every value is XML-escaped.
 */
export function buildNfo({ metadata, id, title, uploadDate }: NfoInput): string {
  const m = metadata as MediaMetadata & {
    upload_date?: string | null;
    webpage_url?: string | null;
    channel?: string | null;
    extractor?: string | null;
    id?: string | null;
  };
  const date = isoDate(m.upload_date || uploadDate);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<movie>',
    tag('title', title || m.title || id),
    tag('studio', m.channel || m.uploader),
    tag('director', m.uploader),
    date ? tag('premiered', date) : null,
    date ? tag('year', date.slice(0, 4)) : null,
    typeof m.duration === 'number' ? tag('runtime', String(Math.max(1, Math.round(m.duration / 60)))) : null,
    `  <uniqueid type="${esc(m.extractor || 'mda')}" default="true">${esc(m.id || id)}</uniqueid>`,
    m.webpage_url ? tag('plot', `Source: ${m.webpage_url}`) : null,
    '</movie>',
    '',
  ];
  return lines.filter((l): l is string => l !== null && l !== '').join('\n') + '\n';
}

function tag(name: string, value: string | null | undefined): string | null {
  return value ? `  <${name}>${esc(value)}</${name}>` : null;
}

function isoDate(yyyymmdd: string | null | undefined): string | null {
  return yyyymmdd && /^\d{8}$/.test(yyyymmdd) ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}` : null;
}

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function esc(value: string): string {
  return value.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
