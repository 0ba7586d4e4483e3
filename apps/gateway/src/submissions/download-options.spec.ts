import { DOWNLOAD_OPTIONS, DownloadOptionFields, downloadOptionsSchema } from '@mda/contracts';
import { toDownloadOptions } from './download-options';

describe('toDownloadOptions', () => {
  const defaults = toDownloadOptions({});

  it('applies the request defaults (embed_metadata on) over the message defaults', () => {
    expect(defaults).toMatchObject({ quality: 'best', video_format: 'mp4', audio_format: 'mp3', embed_metadata: true, timeout_sec: 1800 });
    expect(downloadOptionsSchema.parse({}).embed_metadata).toBe(false);
  });

  it('null for an option with a default means unset: the default, not a failed parse', () => {
    const withDefault = Object.entries(DOWNLOAD_OPTIONS).filter(([, s]) => 'default' in s && s.default !== undefined && !('requestOnly' in s));
    expect(withDefault.map(([k]) => k)).toEqual(expect.arrayContaining(['quality', 'embed_metadata', 'timeout_sec', 'download_subtitles']));
    const nulls = Object.fromEntries(withDefault.map(([k]) => [k, null])) as unknown as DownloadOptionFields;
    expect(toDownloadOptions(nulls)).toEqual(defaults);
  });

  it('null on a nullable option stays null; explicit values are kept', () => {
    const o = toDownloadOptions({ custom_format: null, quality: '720p', embed_metadata: false } as unknown as DownloadOptionFields);
    expect(o).toMatchObject({ custom_format: null, quality: '720p', embed_metadata: false });
  });

  it('audio_only is quality audio; ignore_errors is dropped', () => {
    expect(toDownloadOptions({ audio_only: true }).quality).toBe('audio');
    expect(toDownloadOptions({ audio_only: false, quality: '1080p' }).quality).toBe('1080p');
    expect(toDownloadOptions({ ignore_errors: true })).not.toHaveProperty('ignore_errors');
  });
});
