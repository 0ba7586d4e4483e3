import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MediaServer, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { signatureOk, startReceiver } from '../api/support';
import { submit, waitFinal } from '../downloads/support/jobs';
import { makeVideoPage } from '../downloads/support/rich-media';
import { TestSystem } from '../support/system';
import { FeedSource, startFeedSource } from './feed-source';

/** Deleting files, retention, retry and clear through the built apps (real broker, real yt-dlp). */
describe('the library: delete, retention, retry, clear', () => {
  let sys: TestSystem;
  let source: FeedSource;
  let pages: MediaServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    // a long default retention: jobs without retention_hours get it (and keep their files during the test)
    sys = await TestSystem.start({ env: { FILE_RETENTION_HOURS: '1000', WORKER_CONCURRENCY: '3' } });
    source = await startFeedSource([]);
    pages = await serveMedia(mediaRoot());
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await source?.close();
    await pages?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const onDisk = (filepath: string) => existsSync(join(sys.storageDir, filepath));
  const keyGet = (path: string) => fetch(`${sys.baseUrl}/files/${path}`, { headers: { 'x-api-key': sys.apiKey } }).then((r) => r.status);

  it("deletes a completed job's media and sidecars: the job stays flagged, /files and the signed link answer 404", async () => {
    const page = await makeVideoPage();
    const id = await submit(sys, {
      url: pages.urlFor(join(page, 'page.html')),
      download_subtitles: true,
      subtitle_languages: ['en'],
      write_thumbnail: true,
      write_info_json: true,
    });
    const job = await waitFinal(sys, id, 90_000);
    expect(job.status).toBe('completed');
    expect(job.file_deleted).toBe(false);
    expect(Date.parse(job.expires_at) - Date.parse(job.completed_at)).toBe(1000 * 3_600_000);
    const files = [job.file_info, ...job.file_info.files.filter((f: any) => f.filepath !== job.file_info.filepath)];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      expect(onDisk(f.filepath)).toBe(true);
      expect((await fetch(f.download_url)).status).toBe(200);
    }
    const usedBefore = (await sys.api('GET', '/api/v1/usage')).body;
    expect(usedBefore.bytes).toBeGreaterThanOrEqual(job.file_info.size_bytes);

    // a finished job still cannot be cancelled
    expect((await sys.api('DELETE', `/api/v1/download/${id}`)).status).toBe(409);
    const del = await sys.api('DELETE', `/api/v1/download/${id}/file`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ request_id: id, status: 'completed', file_deleted: true, files_removed: files.length });
    expect(del.body.file_info.deleted_at).toEqual(expect.any(String));
    expect(del.body.file_info.deleted_reason).toBe('deleted');
    expect(del.body.file_info.download_url).toBeNull();
    for (const f of files) {
      expect({ path: f.filepath, onDisk: onDisk(f.filepath) }).toEqual({ path: f.filepath, onDisk: false });
      expect({ path: f.filepath, signed: (await fetch(f.download_url)).status, key: await keyGet(f.filepath) }).toEqual({
        path: f.filepath,
        signed: 404,
        key: 404,
      });
    }
    const after = await sys.api('GET', `/api/v1/download/${id}`);
    expect(after.body).toMatchObject({ file_deleted: true, file_info: { deleted_reason: 'deleted', download_url: null } });
    expect((await sys.api('GET', '/api/v1/usage')).body.bytes).toBe(usedBefore.bytes - files.reduce((n: number, f: any) => n + f.size_bytes, 0));
    // again: nothing left to remove, same answer
    expect((await sys.api('DELETE', `/api/v1/download/${id}/file`)).body).toMatchObject({ file_deleted: true, files_removed: 0 });
  }, 150_000);

  it("DELETE /download/{id}?delete_file=true removes a finished job's file; a bad flag is refused", async () => {
    const id = await submit(sys, { url: `${source.url}/del1.mp4` });
    const job = await waitFinal(sys, id, 60_000);
    expect(job.status).toBe('completed');
    expect((await sys.api('DELETE', `/api/v1/download/${id}?delete_file=maybe`)).status).toBe(400);
    expect(onDisk(job.file_info.filepath)).toBe(true);
    const r = await sys.api('DELETE', `/api/v1/download/${id}?delete_file=true`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ file_deleted: true, files_removed: 1 });
    expect(onDisk(job.file_info.filepath)).toBe(false);
    expect(await keyGet(job.file_info.filepath)).toBe(404);
  }, 90_000);

  it('a short retention removes the files on schedule, the job shows it, download.expired arrives signed', async () => {
    const hook = `${receiver.url}/expiry`;
    // 0.001 h = 3.6 s
    const id = await submit(sys, { url: `${source.url}/ret1.mp4`, retention_hours: 0.001, webhook_url: hook });
    const job = await waitFinal(sys, id, 60_000);
    expect(job.status).toBe('completed');
    expect(Date.parse(job.expires_at) - Date.parse(job.completed_at)).toBe(3600);
    const link = job.file_info.download_url;
    const expired = await waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/download/${id}`);
        return r.body.file_deleted ? r.body : undefined;
      },
      { timeoutMs: 30_000, what: 'the file to expire' },
    );
    expect(expired.file_info).toMatchObject({ deleted_reason: 'expired', download_url: null, filepath: job.file_info.filepath });
    expect(Date.parse(expired.file_info.deleted_at)).toBeGreaterThanOrEqual(Date.parse(job.expires_at));
    expect(onDisk(job.file_info.filepath)).toBe(false);
    expect((await fetch(link)).status).toBe(404);
    const w = await waitFor(() => receiver.received.find((x) => x.body.event === 'download.expired' && x.body.request_id === id), { what: 'download.expired' });
    expect(signatureOk(w, sys.apiKey)).toBe(true);
    expect(w.headers['x-webhook-event']).toBe('download.expired');
    expect(w.body.data).toMatchObject({
      request_id: id,
      file_deleted: true,
      filepath: job.file_info.filepath,
      files_removed: 1,
      bytes_freed: job.file_info.size_bytes,
      retention_hours: 0.001,
    });
  }, 90_000);

  it('retries a failed job once its source is fixed, linked to the original; retry-failed takes each failed job once', async () => {
    source.broken.add('/fix1.mp4');
    const id = await submit(sys, { url: `${source.url}/fix1.mp4`, quality: '360p' });
    const failed = await waitFinal(sys, id, 60_000);
    expect(failed.status).toBe('failed');
    source.broken.delete('/fix1.mp4');
    const r = await sys.api('POST', `/api/v1/download/${id}/retry`);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', retry_of: id, url: failed.url, options: failed.options });
    const done = await waitFinal(sys, r.body.request_id, 60_000);
    expect(done).toMatchObject({ status: 'completed', retry_of: id });
    // only failed or cancelled jobs
    expect((await sys.api('POST', `/api/v1/download/${r.body.request_id}/retry`)).status).toBe(409);
    expect((await sys.api('POST', '/api/v1/download/req_nosuchjob0000/retry')).status).toBe(404);

    source.broken.add('/fix2.mp4');
    source.broken.add('/fix3.mp4');
    const a = await submit(sys, { url: `${source.url}/fix2.mp4` });
    const b = await submit(sys, { url: `${source.url}/fix3.mp4` });
    await waitFinal(sys, a, 60_000);
    await waitFinal(sys, b, 60_000);
    source.broken.clear();
    const all = await sys.api('POST', '/api/v1/downloads/retry-failed', {});
    expect(all.status).toBe(202);
    // the first failed job has a retry already: only the two new ones
    expect(all.body.retried).toBe(2);
    expect(all.body.jobs.map((j: any) => j.retry_of).sort()).toEqual([a, b].sort());
    for (const j of all.body.jobs) expect((await waitFinal(sys, j.request_id, 60_000)).status).toBe('completed');
    expect((await sys.api('POST', '/api/v1/downloads/retry-failed', {})).body.retried).toBe(0);
  }, 200_000);

  it('clears finished jobs by status, with their files when asked', async () => {
    source.broken.add('/gone1.mp4');
    const bad = await submit(sys, { url: `${source.url}/gone1.mp4` });
    const good = await submit(sys, { url: `${source.url}/keep1.mp4` });
    expect((await waitFinal(sys, bad, 60_000)).status).toBe('failed');
    const kept = await waitFinal(sys, good, 60_000);
    expect((await sys.api('POST', '/api/v1/downloads/clear', { status: ['running'] })).status).toBe(400);

    const failedOnly = await sys.api('POST', '/api/v1/downloads/clear', { status: ['failed'] });
    expect(failedOnly.status).toBe(200);
    expect(failedOnly.body.request_ids).toContain(bad);
    expect(failedOnly.body.request_ids).not.toContain(good);
    expect((await sys.api('GET', `/api/v1/download/${bad}`)).status).toBe(404);
    expect((await sys.api('GET', '/api/v1/downloads?status=failed')).body.downloads).toEqual([]);

    const withFiles = await sys.api('POST', '/api/v1/downloads/clear', { status: ['completed'], delete_files: true });
    expect(withFiles.body.request_ids).toContain(good);
    expect(withFiles.body.files_removed).toBeGreaterThanOrEqual(1);
    expect((await sys.api('GET', `/api/v1/download/${good}`)).status).toBe(404);
    expect(onDisk(kept.file_info.filepath)).toBe(false);
    expect(await keyGet(kept.file_info.filepath)).toBe(404);
    expect((await sys.api('GET', '/api/v1/usage')).body).toEqual({ files: 0, bytes: 0 });
  }, 150_000);
});
