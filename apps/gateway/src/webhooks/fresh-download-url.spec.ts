import { FileLinks } from '@mda/file-links';
import { ManualClock } from '@mda/testing';
import { withFreshDownloadUrl } from './fresh-download-url';

describe('withFreshDownloadUrl (redelivered webhook bodies)', () => {
  const clock = new ManualClock(1_800_000_000_000);
  const links = new FileLinks('s'.repeat(64), 600, clock);

  it('re-signs data.file_info.download_url and keeps every other byte of the payload', async () => {
    const old = {
      event: 'download.completed',
      timestamp: '2026-01-01T00:00:00Z',
      request_id: 'req_abc',
      data: {
        request_id: 'req_abc',
        status: 'completed',
        file_info: { filename: 'a.mp4', filepath: 'videos/a.mp4', size_bytes: 1, download_url: 'http://h/files/videos/a.mp4?expires=1&signature=00' },
        metadata: { title: 't' },
      },
    };
    const fresh = JSON.parse(await withFreshDownloadUrl(JSON.stringify(old), links));
    expect(fresh.data.file_info.download_url).toBe(links.sign('http://h/files/videos/a.mp4', 'videos/a.mp4'));
    expect({ ...fresh, data: { ...fresh.data, file_info: { ...fresh.data.file_info, download_url: 'x' } } }).toEqual({
      ...old,
      data: { ...old.data, file_info: { ...old.data.file_info, download_url: 'x' } },
    });
  });

  it('returns bodies without a link unchanged, byte for byte', async () => {
    for (const body of ['{"event":"download.failed","data":{"error":"x"}}', 'not json', '{"data":{"file_info":{"filepath":1}}}']) {
      expect(await withFreshDownloadUrl(body, links)).toBe(body);
    }
  });
});
