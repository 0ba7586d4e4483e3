import { fileSignature } from '@mda/contracts';
import { ManualClock } from '@mda/testing';
import { FileLinks } from '@mda/file-links';
import { buildBatchPayload, buildExpiredPayload, buildPayload, buildSubscriptionPayload, seedTimestamp } from './payload';

const NOW_SEC = 1_762_423_350;
const links = new FileLinks('test-signing-secret', 600, new ManualClock(NOW_SEC * 1000));

const base = { request_id: 'req_abc123abc123', url: 'https://example.com/video', webhook: null };

describe('buildPayload (the seed, field for field)', () => {
  const at = '2025-11-06T10:02:30.123Z';

  it.each([
    ['', {}],
    // the worker's early metadata is for the job record only: the seed's started payload has no such fields
    [' (the event carrying early metadata)', { metadata: { title: 'T', uploader: 'U', duration: 8, thumbnail: 'https://example.com/t.jpg' } }],
  ])('started%s', async (_, extra) => {
    expect(await buildPayload({ type: 'download.started', data: { ...base, started_at: at, ...extra } }, at, links)).toEqual({
      event: 'download.started',
      timestamp: '2025-11-06T10:02:30Z',
      request_id: 'req_abc123abc123',
      data: { request_id: 'req_abc123abc123', url: 'https://example.com/video', status: 'running' },
    });
  });

  it('cancelled (an addition to the seed) says why when the event knows, and nothing more when not', async () => {
    const reason = 'Not started: an earlier download of the batch failed (stop_on_error)';
    expect((await buildPayload({ type: 'download.cancelled', data: { ...base, completed_at: at, reason, logs: [reason] } }, at, links)).data).toEqual({
      request_id: 'req_abc123abc123',
      url: 'https://example.com/video',
      status: 'cancelled',
      reason,
    });
    expect((await buildPayload({ type: 'download.cancelled', data: { ...base, completed_at: at } }, at, links)).data).toEqual({
      request_id: 'req_abc123abc123',
      url: 'https://example.com/video',
      status: 'cancelled',
    });
  });

  it('progress', async () => {
    const progress = { percent: 45.5, downloaded_bytes: 47721881, total_bytes: 104857600, speed: 1048576, eta: 54 };
    expect((await buildPayload({ type: 'download.progress', data: { ...base, progress } }, at, links)).data).toEqual({
      request_id: 'req_abc123abc123',
      url: 'https://example.com/video',
      status: 'running',
      progress,
    });
  });

  it('completed keeps the seed file_info fields only and the metadata', async () => {
    const p = await buildPayload(
      {
        type: 'download.completed',
        data: {
          ...base,
          logs: ['x'],
          completed_at: at,
          file_info: {
            filename: 'video-abc123abc123.mp4',
            filepath: 'videos/video-abc123abc123.mp4',
            size_bytes: 10,
            download_url: 'https://api/files/videos/video-abc123abc123.mp4',
            mime_type: 'video/mp4',
          },
          metadata: { title: 'Example Video', uploader: 'Channel Name', duration: 600 },
        },
      },
      at,
      links,
    );
    const expires = NOW_SEC + 600;
    expect(p.data).toEqual({
      request_id: 'req_abc123abc123',
      url: 'https://example.com/video',
      status: 'completed',
      file_info: {
        filename: 'video-abc123abc123.mp4',
        filepath: 'videos/video-abc123abc123.mp4',
        size_bytes: 10,
        download_url: `https://api/files/videos/video-abc123abc123.mp4?expires=${expires}&signature=${fileSignature('test-signing-secret', 'videos/video-abc123abc123.mp4', expires)}`,
      },
      metadata: { title: 'Example Video', uploader: 'Channel Name', duration: 600 },
    });
  });

  it('failed', async () => {
    const p = await buildPayload(
      { type: 'download.failed', data: { ...base, error: 'Video not available', error_code: 'not_found', completed_at: at } },
      at,
      links,
    );
    expect(p.data).toEqual({ request_id: 'req_abc123abc123', url: 'https://example.com/video', status: 'failed', error: 'Video not available' });
  });

  it('timestamps are UTC with Z and whole seconds', async () => {
    expect(seedTimestamp('2025-11-06T10:00:00.999Z')).toBe('2025-11-06T10:00:00Z');
  });
});

describe('buildBatchPayload', () => {
  it('is the seed envelope with request_id null, the batch id and the counts', async () => {
    const p = buildBatchPayload(
      {
        batch_id: 'batch_abcdefabcdef',
        status: 'completed',
        total: 3,
        counts: { completed: 2, failed: 1, cancelled: 0 },
        request_ids: ['req_aaaaaaaaaaaa', 'req_bbbbbbbbbbbb', 'req_cccccccccccc'],
        webhook: null,
        completed_at: '2025-11-06T10:02:30.123Z',
      },
      '2025-11-06T10:02:30.123Z',
    );
    expect(p).toEqual({
      event: 'batch.completed',
      timestamp: '2025-11-06T10:02:30Z',
      request_id: null,
      batch_id: 'batch_abcdefabcdef',
      data: {
        batch_id: 'batch_abcdefabcdef',
        status: 'completed',
        total: 3,
        completed: 2,
        failed: 1,
        cancelled: 0,
        request_ids: ['req_aaaaaaaaaaaa', 'req_bbbbbbbbbbbb', 'req_cccccccccccc'],
      },
    });
  });
});

describe('the library events (additions to the seed)', () => {
  const at = '2025-11-06T10:02:30.123Z';

  it('download.expired: the seed envelope for the job, its files gone', async () => {
    const p = buildExpiredPayload(
      {
        request_id: 'req_abc123abc123',
        url: 'https://example.com/video',
        batch_id: null,
        filepath: 'videos/video-abc123abc123.mp4',
        files_removed: 2,
        bytes_freed: 2048,
        retention_hours: 72,
        expired_at: at,
        webhook: { url: 'https://h.example/x', key_fp: 'abcdefabcdefabcd' },
      },
      at,
    );
    expect(p).toEqual({
      event: 'download.expired',
      timestamp: '2025-11-06T10:02:30Z',
      request_id: 'req_abc123abc123',
      data: {
        request_id: 'req_abc123abc123',
        url: 'https://example.com/video',
        status: 'completed',
        file_deleted: true,
        filepath: 'videos/video-abc123abc123.mp4',
        files_removed: 2,
        bytes_freed: 2048,
        retention_hours: 72,
        expired_at: '2025-11-06T10:02:30Z',
      },
    });
    // no key material and no webhook target in the body
    expect(JSON.stringify(p)).not.toContain('abcdefabcdefabcd');
  });

  it('subscription.checked: request_id null, the check and its new jobs', async () => {
    const p = buildSubscriptionPayload(
      {
        subscription_id: 'sub_abc123abc123',
        check_id: 'chk_x',
        url: 'https://example.com/feed',
        trigger: 'schedule',
        status: 'ok',
        items_seen: 5,
        new_items: 1,
        request_ids: ['req_abc123abc123'],
        error: null,
        checked_at: at,
        webhook: { url: 'https://h.example/x', key_fp: 'abcdefabcdefabcd' },
      },
      at,
    );
    expect(p).toEqual({
      event: 'subscription.checked',
      timestamp: '2025-11-06T10:02:30Z',
      request_id: null,
      subscription_id: 'sub_abc123abc123',
      data: {
        subscription_id: 'sub_abc123abc123',
        check_id: 'chk_x',
        url: 'https://example.com/feed',
        trigger: 'schedule',
        status: 'ok',
        items_seen: 5,
        new_items: 1,
        request_ids: ['req_abc123abc123'],
        error: null,
        checked_at: '2025-11-06T10:02:30Z',
      },
    });
  });
});
