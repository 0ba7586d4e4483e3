import { fileSignature } from '@mda/contracts';
import { ManualClock } from '@mda/testing';
import { FileLinks } from './file-links';

const SECRET = 'a'.repeat(64);
const NOW_SEC = 1_800_000_000;

describe('FileLinks', () => {
  const clock = new ManualClock(NOW_SEC * 1000);
  const links = new FileLinks(SECRET, 3600, clock);

  it('signs a link for FILES_URL_TTL_SEC from now, replacing any older query', () => {
    const expires = NOW_SEC + 3600;
    const expected = `http://h/files/videos/a.mp4?expires=${expires}&signature=${fileSignature(SECRET, 'videos/a.mp4', expires)}`;
    expect(links.sign('http://h/files/videos/a.mp4', 'videos/a.mp4')).toBe(expected);
    expect(links.sign('http://h/files/videos/a.mp4?expires=1&signature=00', 'videos/a.mp4')).toBe(expected);
  });

  it('verifies its own signatures until they expire, and no other file or secret', () => {
    const url = new URL(links.sign('http://h/files/videos/a.mp4', 'videos/a.mp4'));
    const expires = Number(url.searchParams.get('expires'));
    const sig = url.searchParams.get('signature')!;
    expect(links.verify('videos/a.mp4', expires, sig)).toBe(true);
    expect(links.verify('videos/b.mp4', expires, sig)).toBe(false);
    expect(new FileLinks('b'.repeat(64), 3600, clock).verify('videos/a.mp4', expires, sig)).toBe(false);
    const later = new ManualClock((expires + 1) * 1000);
    expect(new FileLinks(SECRET, 3600, later).verify('videos/a.mp4', expires, sig)).toBe(false);
  });

  it('signs file_info and those of its sidecars that name their path', async () => {
    const info = {
      filename: 'a.mp4',
      filepath: 'videos/a.mp4',
      size_bytes: 1,
      download_url: 'http://h/files/videos/a.mp4',
      files: [{ kind: 'subtitle', filepath: 'videos/a.en.vtt', download_url: 'http://h/files/videos/a.en.vtt' }, { kind: 'nfo' }],
    };
    const signed = await links.signFileInfo(info);
    expect(signed.download_url).toMatch(/^http:\/\/h\/files\/videos\/a\.mp4\?expires=\d+&signature=[0-9a-f]{64}$/);
    expect(signed.files[0].download_url).toMatch(/^http:\/\/h\/files\/videos\/a\.en\.vtt\?expires=\d+&signature=[0-9a-f]{64}$/);
    expect(signed.files[1]).toEqual({ kind: 'nfo' });
    expect(info.download_url).toBe('http://h/files/videos/a.mp4'); // the stored value is left alone
  });

  it("hands out the store's direct links when it has them, naming each file, valid for FILES_URL_TTL_SEC", async () => {
    const asked: Array<{ key: string; expiresInSec: number; filename: string }> = [];
    const direct = {
      presignedGetUrl: async (key: string, opts: { expiresInSec: number; filename: string }) => {
        asked.push({ key, ...opts });
        return key.endsWith('.vtt') ? null : `https://bucket.example/${key}?X-Amz-Signature=x`;
      },
    };
    const info = {
      filename: 'Clip é.mp4',
      filepath: 'videos/Clip é.mp4',
      size_bytes: 1,
      download_url: 'http://h/files/videos/Clip%20%C3%A9.mp4',
      files: [{ kind: 'subtitle', filepath: 'videos/a.en.vtt', download_url: 'http://h/files/videos/a.en.vtt' }],
    };
    const linked = await new FileLinks(SECRET, 600, clock, direct).signFileInfo(info);
    expect(linked.download_url).toBe('https://bucket.example/videos/Clip é.mp4?X-Amz-Signature=x');
    // no direct link for this one: the signed /files link stands in
    expect(linked.files[0].download_url).toMatch(/^http:\/\/h\/files\/videos\/a\.en\.vtt\?expires=\d+&signature=[0-9a-f]{64}$/);
    expect(asked).toEqual([
      { key: 'videos/Clip é.mp4', expiresInSec: 600, filename: 'Clip é.mp4' },
      { key: 'videos/a.en.vtt', expiresInSec: 600, filename: 'a.en.vtt' },
    ]);
  });

  it('keeps the secret out of JSON and inspection', () => {
    expect(JSON.stringify(links)).not.toContain(SECRET);
    expect(require('node:util').inspect(links)).not.toContain(SECRET);
  });

  it('refuses to sign without a secret', () => {
    expect(() => new FileLinks('', 60, clock)).toThrow(/signing secret/);
  });
});
