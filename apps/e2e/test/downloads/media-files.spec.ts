import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaServer, makeClip, makeHls, makeRssFeed, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { startReceiver } from '../api/support';
import { TestSystem } from '../support/system';
import { submit, waitFinal } from './support/jobs';
import { makeHlsMaster, makeMkv, makeVideoPage, probeFile } from './support/rich-media';

const TTL_SEC = 2;

/**
 * Every file asked for, in the format asked, named as asked, with links that stay usable: real
 * yt-dlp and ffmpeg on media made here and served on 127.0.0.1, through the three built apps.
 */
describe('media files: sidecars, formats, names, fresh links', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { FILES_URL_TTL_SEC: String(TTL_SEC), WORKER_CONCURRENCY: '2' } });
    clip = await makeClip({ seconds: 2, width: 320, height: 240, title: 'Plain Clip' });
    media = await serveMedia(mediaRoot());
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const onDisk = (filepath: string) => readFileSync(join(sys.storageDir, filepath));
  const fetchBytes = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };
  /** Every listed file is served through its own link, byte for byte what is stored. */
  const expectAllServed = async (fileInfo: any) => {
    for (const f of [fileInfo, ...(fileInfo.files ?? [])]) {
      const got = await fetchBytes(f.download_url);
      expect({ path: f.filepath, status: got.status }).toEqual({ path: f.filepath, status: 200 });
      expect(got.body.equals(onDisk(f.filepath))).toBe(true);
    }
  };

  describe('an HTML page with <video> and <track>, in the jellyfin layout', () => {
    let id: string;
    let job: any;

    beforeAll(async () => {
      const page = await makeVideoPage();
      id = await submit(sys, {
        url: media.urlFor(join(page, 'page.html')),
        path_template: 'jellyfin',
        download_subtitles: true,
        subtitle_languages: ['en', 'es'],
        write_thumbnail: true,
        write_info_json: true,
        write_nfo: true,
        webhook_url: `${receiver.url}/hook`,
      });
      job = await waitFinal(sys, id, 90_000);
    }, 120_000);

    it('keeps every sidecar beside the media under its base name, and lists each', () => {
      expect(job.status).toBe('completed');
      const short = id.slice(4);
      // the generic extractor numbers a page's videos: `Page Clip (1)`
      expect(job.file_info.filepath).toMatch(new RegExp(`^unknown/Page Clip( \\(1\\))? \\[${short}\\]\\.mp4$`));
      const base = job.file_info.filepath.replace(/\.mp4$/, '');
      const listed = job.file_info.files.map((f: any) => [f.kind, f.filepath, f.language ?? null]);
      expect(listed).toEqual([
        ['media', `${base}.mp4`, null],
        ['subtitle', `${base}.en.vtt`, 'en'],
        ['subtitle', `${base}.es.vtt`, 'es'],
        ['info_json', `${base}.info.json`, null],
        ['thumbnail', `${base}.jpg`, null],
        ['nfo', `${base}.nfo`, null],
      ]);
      for (const f of job.file_info.files) expect(f.size_bytes).toBe(onDisk(f.filepath).length);
      expect(onDisk(`${base}.en.vtt`).toString()).toContain('Hello from the page');
      expect(onDisk(`${base}.es.vtt`).toString()).toContain('Hola desde la pagina');
      expect(onDisk(`${base}.jpg`).subarray(0, 3).toString('hex')).toBe('ffd8ff');
      expect(JSON.parse(onDisk(`${base}.info.json`).toString()).title).toBe(job.metadata.title);
      expect(job.metadata.title).toMatch(/^Page Clip/);
      expect(onDisk(`${base}.nfo`).toString()).toContain(`<title>${job.metadata.title}</title>`);
    });

    it('serves each file through /files, and a job read after FILES_URL_TTL_SEC gives working links again', async () => {
      await expectAllServed(job.file_info);
      // the links handed out above expire after TTL_SEC
      await waitFor(async () => (await fetch(job.file_info.files[1].download_url)).status === 401, {
        timeoutMs: (TTL_SEC + 5) * 1000,
        what: 'the first link to expire',
      });
      const again = (await sys.api('GET', `/api/v1/download/${id}`)).body;
      expect(again.file_info.download_url).not.toBe(job.file_info.download_url);
      await expectAllServed(again.file_info);
    }, 30_000);

    it('redelivers the completed webhook with working links, the sidecars included', async () => {
      const completed = () => receiver.received.filter((w) => w.body.request_id === id && w.body.event === 'download.completed');
      const [first] = await waitFor(async () => (completed().length ? completed() : undefined), { timeoutMs: 20_000, what: 'download.completed webhook' });
      expect(first.body.data.file_info.files).toHaveLength(6);
      await waitFor(async () => (await fetch(first.body.data.file_info.download_url)).status === 401, {
        timeoutMs: (TTL_SEC + 5) * 1000,
        what: 'the webhook link to expire',
      });
      await waitFor(async () => (await sys.api('POST', `/api/v1/download/${id}/webhooks/redeliver?all=true`)).status < 300, {
        timeoutMs: 20_000,
        what: 'redelivery accepted',
      });
      const again = await waitFor(async () => completed()[1], { timeoutMs: 20_000, what: 'redelivered download.completed' });
      await expectAllServed(again.body.data.file_info);
    }, 60_000);
  });

  it('keeps the WebVTT rendition of an HLS master beside the default-named media, at the quality asked', async () => {
    const master = await makeHlsMaster();
    const id = await submit(sys, { url: media.urlFor(master), quality: '240p', download_subtitles: true });
    const job = await waitFinal(sys, id, 90_000);
    expect(job.status).toBe('completed');
    const short = id.slice(4);
    expect(job.file_info.filepath).toBe(`videos/video-${short}.mp4`);
    expect(job.file_info.files.map((f: any) => [f.kind, f.filepath, f.language ?? null])).toEqual([
      ['media', `videos/video-${short}.mp4`, null],
      ['subtitle', `videos/video-${short}.en.vtt`, 'en'],
    ]);
    expect(onDisk(`videos/video-${short}.en.vtt`).toString()).toContain('Hello from the stream');
    expect(await probeFile(join(sys.storageDir, job.file_info.filepath))).toEqual({
      format: 'mov,mp4,m4a,3gp,3g2,mj2',
      video: 'h264',
      audio: 'aac',
      height: 240,
    });
    await expectAllServed(job.file_info);
  }, 120_000);

  it('describes an HLS master: the audio rendition as audio only, the video ones with their sizes, the subtitle languages', async () => {
    const master = await makeHlsMaster();
    const r = await sys.api('GET', `/api/v1/metadata?url=${encodeURIComponent(media.urlFor(master))}`);
    expect(r.status).toBe(200);
    const formats = r.body.formats.map((f: any) => ({ id: f.format_id, width: f.width, height: f.height, vcodec: f.vcodec, resolution: f.resolution }));
    expect(formats.filter((f: any) => f.vcodec === 'none')).toEqual([
      { id: expect.stringMatching(/^aud/), width: null, height: null, vcodec: 'none', resolution: 'audio only' },
    ]);
    expect(
      formats
        .filter((f: any) => f.vcodec !== 'none')
        .map((f: any) => [f.width, f.height, f.resolution])
        .sort(),
    ).toEqual([
      [426, 240, '426x240'],
      [640, 360, '640x360'],
    ]);
    expect(r.body).toMatchObject({ subtitles: ['en'], automatic_captions: [] });
  }, 60_000);

  it('answers 144p on a 360p-only source with the nearest rendition', async () => {
    const hls = await makeHls(await makeClip({ seconds: 2, width: 640, height: 360, title: '360 only' }));
    const id = await submit(sys, { url: media.urlFor(hls), quality: '144p' });
    const job = await waitFinal(sys, id, 60_000);
    expect(job.status).toBe('completed');
    expect((await probeFile(join(sys.storageDir, job.file_info.filepath))).height).toBe(360);
  }, 90_000);

  it('yields the container and codecs asked for from H.264/AAC sources (plain mp4 and mkv files)', async () => {
    const mkv = await makeMkv(clip);
    const cases: Array<[Record<string, unknown>, string, string | null, string]> = [
      [{ url: media.urlFor(clip), video_format: 'webm' }, 'matroska,webm', 'vp9', 'opus'],
      [{ url: media.urlFor(clip), video_format: 'mkv' }, 'matroska,webm', 'h264', 'aac'],
      [{ url: media.urlFor(mkv), video_format: 'mp4' }, 'mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac'],
      [{ url: media.urlFor(clip), quality: 'audio', audio_format: 'mp3' }, 'mp3', null, 'mp3'],
      [{ url: media.urlFor(clip), quality: 'audio', audio_format: 'm4a' }, 'mov,mp4,m4a,3gp,3g2,mj2', null, 'aac'],
      [{ url: media.urlFor(clip), quality: 'audio', audio_format: 'opus' }, 'ogg', null, 'opus'],
      [{ url: media.urlFor(clip), quality: 'audio', audio_format: 'flac' }, 'flac', null, 'flac'],
      [{ url: media.urlFor(clip), quality: 'audio', audio_format: 'wav' }, 'wav', null, 'pcm_s16le'],
    ];
    const ids = [];
    for (const [body] of cases) ids.push(await submit(sys, body));
    const seen = [];
    for (const [i, id] of ids.entries()) {
      const job = await waitFinal(sys, id, 120_000);
      const want = cases[i];
      const ext = (want[0].quality === 'audio' ? want[0].audio_format : want[0].video_format) as string;
      const p = job.status === 'completed' ? await probeFile(join(sys.storageDir, job.file_info.filepath)) : null;
      seen.push({
        asked: ext,
        status: job.status,
        error: job.error,
        ext: job.file_info?.filepath.split('.').pop(),
        format: p?.format,
        video: p?.video,
        audio: p?.audio,
      });
    }
    expect(seen).toEqual(
      cases.map(([body, format, video, audio]) => ({
        asked: body.quality === 'audio' ? body.audio_format : body.video_format,
        status: 'completed',
        error: null,
        ext: body.quality === 'audio' ? body.audio_format : body.video_format,
        format,
        video,
        audio,
      })),
    );
  }, 240_000);

  it('refuses at submit what no file can be, with the reason, storing nothing', async () => {
    const count = async () => (await sys.api('GET', '/api/v1/downloads?limit=100')).body.downloads.length;
    const before = await count();
    const r = await sys.api('POST', '/api/v1/download', { url: media.urlFor(clip), quality: 'audio', embed_subtitles: true });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ field: 'embed_subtitles' })] });
    expect(r.body.error.message).toMatch(/audio files carry no subtitle tracks/);
    // every combination no file can honour, on single downloads and batches alike
    const impossible: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ audio_only: true, quality: '1080p' }, 'quality', /audio_only asks for audio only/],
      [{ quality: 'audio', video_format: 'webm' }, 'video_format', /cannot apply to an audio-only download/],
      [{ quality: '720p', audio_format: 'opus' }, 'audio_format', /applies to audio-only downloads/],
      [{ video_format: 'mkv', audio_quality: 192 }, 'audio_quality', /applies to audio-only downloads/],
      [{ quality: 'audio', audio_format: 'flac', audio_quality: 192 }, 'audio_quality', /lossless flac/],
      [{ video_format: 'webm', embed_thumbnail: true }, 'embed_thumbnail', /holds no cover image/],
      [{ quality: 'audio', audio_format: 'wav', embed_thumbnail: true }, 'embed_thumbnail', /holds no cover image/],
      [{ video_format: 'webm', embed_subtitles: true, subtitle_format: 'srt' }, 'subtitle_format', /WebVTT subtitles only/],
      [{ quality: '360p', custom_format: 'best' }, 'custom_format', /replaces quality/],
    ];
    for (const [body, field, message] of impossible) {
      for (const [path, payload] of [
        ['/api/v1/download', { url: media.urlFor(clip), ...body }],
        ['/api/v1/batch/download', { urls: [media.urlFor(clip)], ...body }],
      ] as const) {
        const refused = await sys.api('POST', path, payload);
        expect({ path, body, status: refused.status, field: refused.body.error?.details?.[0]?.field }).toEqual({ path, body, status: 400, field });
        expect(refused.body.error.message).toMatch(message);
      }
    }
    expect(await count()).toBe(before);
    // what a form sends by default for the format that does not apply is no conflict
    const fine = await sys.api('POST', '/api/v1/download', { url: media.urlFor(clip), quality: 'audio', video_format: 'mp4', audio_format: 'm4a' });
    expect(fine.status).toBe(202);
  });

  describe('path tokens from an RSS feed with dated items', () => {
    let feedUrl: string;

    beforeAll(async () => {
      const items = ['a', 'b', 'c'].map((k, i) => ({
        title: `Clip ${k}`,
        url: `${media.urlFor(clip)}?item=${k}`,
        published: new Date(Date.UTC(2024, 2, i + 1, 12)),
      }));
      media.setRoute('/feed.xml', makeRssFeed(items, { title: 'Test Feed' }), 'application/rss+xml');
      feedUrl = `${media.url}/feed.xml`;
    });

    const childrenOf = async (batchId: string) =>
      waitFor(
        async () => {
          const b = (await sys.api('GET', `/api/v1/batch/${batchId}`)).body;
          return ['completed', 'failed', 'cancelled'].includes(b.status) ? b : undefined;
        },
        { timeoutMs: 90_000, what: `batch ${batchId} done` },
      );

    it('names playlist children by the feed title, item date, index and title', async () => {
      const r = await sys.api('POST', '/api/v1/playlist/download', {
        url: feedUrl,
        items: '1,3',
        path_template: '{playlist}/{playlist_index} {upload_date} {title}',
      });
      expect(r.status).toBe(202);
      await childrenOf(r.body.batch_id);
      const paths = await Promise.all(r.body.request_ids.map(async (id: string) => (await waitFinal(sys, id)).file_info?.filepath));
      expect(paths.sort()).toEqual(['Test Feed/01 20240301 Clip a.mp4', 'Test Feed/03 20240303 Clip c.mp4']);
    }, 120_000);

    it('names channel children by the channel and item date', async () => {
      const r = await sys.api('POST', '/api/v1/channel/download', {
        url: feedUrl,
        max_downloads: 2,
        // the playlist case above already downloaded two of these items (skip_downloaded is on by default)
        skip_downloaded: false,
        path_template: '{channel}/{upload_date} {title}',
      });
      expect(r.status).toBe(202);
      await childrenOf(r.body.batch_id);
      const paths = await Promise.all(r.body.request_ids.map(async (id: string) => (await waitFinal(sys, id)).file_info?.filepath));
      expect(paths).toHaveLength(2);
      for (const p of paths) expect(p).toMatch(/^Test Feed\/2024030[123] Clip [abc]\.mp4$/);
    }, 120_000);
  });
});
