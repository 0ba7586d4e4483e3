import { toListingResult, toMetadataResult } from './yt-dlp-json';

describe('yt-dlp JSON mapping', () => {
  it('maps one media with its formats', () => {
    const r = toMetadataResult({
      title: 'T',
      channel: 'C',
      duration: 12.5,
      extractor: 'generic',
      upload_date: '20240102',
      formats: [{ format_id: 'hls-1', ext: 'mp4', width: 320, height: 240, filesize_approx: 1000, vcodec: 'avc1' }],
    });
    expect(r).toMatchObject({ title: 'T', uploader: 'C', duration: 12.5, upload_date: '20240102' });
    expect(r.formats[0]).toEqual({
      format_id: 'hls-1',
      ext: 'mp4',
      width: 320,
      height: 240,
      fps: null,
      vcodec: 'avc1',
      acodec: null,
      filesize: 1000,
      tbr: null,
      format_note: null,
      resolution: null,
    });
    expect(r).toMatchObject({ subtitles: [], automatic_captions: [] });
  });

  it('reports an HLS audio rendition as audio only, and lists the subtitle languages', () => {
    const r = toMetadataResult({
      extractor: 'generic',
      formats: [
        { format_id: 'aud-English', ext: 'mp4', vcodec: 'none', acodec: null, resolution: 'audio only', width: 1280, height: 720 },
        { format_id: '800', ext: 'mp4', width: 640, height: 360, vcodec: 'avc1.64001e', acodec: 'none', resolution: '640x360' },
      ],
      subtitles: { en: [{ ext: 'vtt' }], 'pt-BR': [{ ext: 'vtt' }], none: [] },
      automatic_captions: { de: [{ ext: 'vtt' }], live_chat: [{ ext: 'json' }] },
    });
    expect(r.formats.map((f) => [f.format_id, f.width, f.height, f.resolution])).toEqual([
      ['aud-English', null, null, 'audio only'],
      ['800', 640, 360, '640x360'],
    ]);
    expect(r).toMatchObject({ subtitles: ['en', 'pt-BR'], automatic_captions: ['de'] });
  });

  it('strips smuggled data from feed entries, keeps their ids, dates from timestamps, and the limit', () => {
    const r = toListingResult(
      {
        title: 'Feed',
        entries: [
          { url: 'http://h/a.mp4#__youtubedl_smuggle=%7B%22force_videoid%22%3A+%22item-1%22%7D', title: 'One', timestamp: 1704067200 },
          { url: 'http://h/b.mp4', id: 'b', title: 'Two', duration: 3 },
          { url: 'http://h/c.mp4', title: 'Three' },
        ],
      },
      2,
    );
    expect(r.title).toBe('Feed');
    expect(r.entries).toEqual([
      expect.objectContaining({ index: 1, id: 'item-1', url: 'http://h/a.mp4', title: 'One', upload_date: '20240101' }),
      expect.objectContaining({ index: 2, id: 'b', url: 'http://h/b.mp4', duration: 3 }),
    ]);
  });

  it('lists a single media (no entries) as one entry', () => {
    const r = toListingResult({ id: 'x', title: 'Solo', webpage_url: 'http://h/x.mp4' }, 10);
    expect(r.entries).toEqual([expect.objectContaining({ index: 1, id: 'x', title: 'Solo', url: 'http://h/x.mp4' })]);
  });
});
