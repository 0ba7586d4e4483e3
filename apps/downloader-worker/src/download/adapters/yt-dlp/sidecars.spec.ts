import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadOptionsSchema } from '@mda/contracts';
import { classify, collectSidecars } from './sidecars';

describe('sidecars', () => {
  it.each([
    ['.en.vtt', { kind: 'subtitle', language: 'en' }],
    ['.pt-BR.srt', { kind: 'subtitle', language: 'pt-BR' }],
    ['.jpg', { kind: 'thumbnail' }],
    ['.webp', { kind: 'thumbnail' }],
    ['.info.json', { kind: 'info_json' }],
    ['.description', { kind: 'description' }],
    ['.f137.mp4', null],
    ['.temp.mp4', null],
    ['.live_chat.json', null],
  ])('classifies %s', (suffix, expected) => {
    expect(classify(suffix)).toEqual(expected ? expect.objectContaining({ ...expected, suffix }) : null);
  });

  it('keeps only what was asked, and scrubs cookies and worker paths from the info JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sidecars-'));
    for (const name of ['media.mp4', 'media.en.vtt', 'media.jpg', 'media.description', 'cookies.txt']) writeFileSync(join(dir, name), 'x');
    writeFileSync(
      join(dir, 'media.info.json'),
      JSON.stringify({
        title: 'T',
        cookies: 'sid=secret',
        _filename: '/srv/.partial/x/media.mp4',
        http_headers: { Cookie: 'sid=secret', 'User-Agent': 'UA' },
        formats: [{ cookies: 'sid=secret', url: 'u' }],
      }),
    );
    const options = downloadOptionsSchema.parse({ download_subtitles: true, write_info_json: true });
    const found = await collectSidecars(dir, join(dir, 'media.mp4'), options);
    expect(found.map((f) => [f.kind, f.suffix, f.language])).toEqual([
      ['subtitle', '.en.vtt', 'en'],
      ['info_json', '.info.json', undefined],
    ]);
    const info = readFileSync(join(dir, 'media.info.json'), 'utf8');
    expect(info).not.toContain('secret');
    expect(info).not.toContain('.partial');
    expect(JSON.parse(info)).toEqual({ title: 'T', http_headers: { 'User-Agent': 'UA' }, formats: [{ url: 'u' }] });
  });
});
