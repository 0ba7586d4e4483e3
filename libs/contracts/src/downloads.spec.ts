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

  it('carries a listing source and the sidecar switches, off by default', () => {
    const o = downloadOptionsSchema.parse({ source: { kind: 'playlist', playlist: 'Feed', playlist_index: 2, upload_date: '20240301' } });
    expect(o).toMatchObject({ write_info_json: false, write_description: false, write_nfo: false, source: { playlist_index: 2 } });
    expect(() => downloadOptionsSchema.parse({ source: { kind: 'playlist', upload_date: '2024-03-01' } })).toThrow();
  });

  it('keeps the listed files of file_info (they would be stripped otherwise)', () => {
    const files = [{ kind: 'subtitle', filename: 'a.en.vtt', filepath: 'v/a.en.vtt', size_bytes: 3, download_url: 'http://h/files/v/a.en.vtt', language: 'en' }];
    expect(fileInfoSchema.parse({ filename: 'a.mp4', filepath: 'v/a.mp4', size_bytes: 1, download_url: 'u', files }).files).toEqual(files);
  });
});
