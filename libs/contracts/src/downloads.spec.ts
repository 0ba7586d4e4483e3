import { downloadOptionsSchema, fileInfoSchema, optionsConflict } from './downloads';

describe('download options', () => {
  it('refuses embedding subtitles into audio, with the field and the way out', () => {
    expect(optionsConflict(downloadOptionsSchema.parse({ quality: 'audio', embed_subtitles: true }))).toEqual({
      field: 'embed_subtitles',
      message: expect.stringMatching(/download_subtitles/),
    });
    expect(optionsConflict(downloadOptionsSchema.parse({ quality: 'audio', download_subtitles: true }))).toBeNull();
    expect(optionsConflict(downloadOptionsSchema.parse({ video_format: 'webm', embed_subtitles: true }))).toBeNull();
  });

  it.each<[Record<string, unknown>, Record<string, unknown>, string, RegExp]>([
    [{ quality: '720p' }, { audio_only: true, quality: '720p' }, 'quality', /audio_only/],
    [{ quality: 'audio', video_format: 'mkv' }, {}, 'video_format', /audio-only download/],
    [{ quality: '720p', audio_format: 'flac' }, {}, 'audio_format', /audio-only downloads/],
    [{ video_format: 'webm', audio_quality: 128 }, {}, 'audio_quality', /audio-only downloads/],
    [{ quality: 'audio', audio_format: 'wav', audio_quality: 192 }, {}, 'audio_quality', /lossless wav/],
    [{ quality: 'audio', audio_format: 'flac', audio_quality: 192 }, {}, 'audio_quality', /lossless flac/],
    [{ video_format: 'webm', embed_thumbnail: true }, {}, 'embed_thumbnail', /webm file holds no cover image/],
    [{ quality: 'audio', audio_format: 'wav', embed_thumbnail: true }, {}, 'embed_thumbnail', /write_thumbnail/],
    [{ video_format: 'webm', embed_subtitles: true, subtitle_format: 'srt' }, {}, 'subtitle_format', /WebVTT/],
    [{ quality: '480p', custom_format: 'bestvideo+bestaudio' }, {}, 'custom_format', /replaces quality/],
  ])('refuses %j (request %j) on %s', (options, request, field, message) => {
    const o = downloadOptionsSchema.parse({ ...options, quality: (request as { audio_only?: boolean }).audio_only ? 'audio' : options.quality });
    expect(optionsConflict(o, request)).toEqual({ field, message: expect.stringMatching(message) });
  });

  it.each<Record<string, unknown>>([
    // the defaults a client always sends (the dashboard sends both formats) ask for nothing
    { quality: 'audio', video_format: 'mp4', audio_format: 'flac' },
    { quality: '720p', video_format: 'mkv', audio_format: 'mp3' },
    { quality: 'audio', audio_format: 'opus', audio_quality: 128, embed_thumbnail: true },
    { video_format: 'mkv', embed_thumbnail: true, embed_subtitles: true, subtitle_format: 'srt' },
    { video_format: 'webm', embed_subtitles: true, subtitle_format: 'vtt', write_thumbnail: true },
    { quality: 'audio', custom_format: 'bestaudio' },
    { custom_format: 'bestvideo+bestaudio' },
  ])('accepts %j', (options) => {
    expect(optionsConflict(downloadOptionsSchema.parse(options), { audio_only: options.quality === 'audio', quality: 'best' })).toBeNull();
  });

  it('carries a listing source and the sidecar switches, off by default', () => {
    const o = downloadOptionsSchema.parse({ source: { kind: 'playlist', playlist: 'Feed', playlist_index: 2, upload_date: '20240301' } });
    expect(o).toMatchObject({ write_info_json: false, write_description: false, write_nfo: false, source: { playlist_index: 2 } });
    expect(() => downloadOptionsSchema.parse({ source: { kind: 'playlist', upload_date: '2024-03-01' } })).toThrow();
  });

  it('keeps the listed files of file_info (they would be stripped otherwise)', () => {
    const files = [
      { kind: 'subtitle', filename: 'a.en.vtt', filepath: 'v/a.en.vtt', size_bytes: 3, download_url: 'http://h/files/v/a.en.vtt', language: 'en' },
    ];
    expect(fileInfoSchema.parse({ filename: 'a.mp4', filepath: 'v/a.mp4', size_bytes: 1, download_url: 'u', files }).files).toEqual(files);
  });
});
