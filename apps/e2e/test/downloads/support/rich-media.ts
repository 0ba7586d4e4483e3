import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeClip, mediaRoot } from '@mda/testing';

const run = promisify(execFile);
const ffmpeg = (args: string[]) => run('ffmpeg', ['-v', 'error', '-y', ...args], { timeout: 60_000 });

const vtt = (text: string) => `WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${text}\n`;

/**
 * An HTML page with a `<video>` (poster image) and two `<track>` subtitles (en, es) next to its
 * mp4: yt-dlp's generic extractor reads the poster as the thumbnail and the tracks as subtitles.
 * Returns the folder (under mediaRoot) holding `page.html`.
 */
export async function makeVideoPage(): Promise<string> {
  const dir = join(mediaRoot(), 'page');
  mkdirSync(dir, { recursive: true });
  const clip = await makeClip({ seconds: 2, width: 320, height: 240, title: 'Page Clip' });
  copyFileSync(clip, join(dir, 'clip.mp4'));
  await ffmpeg(['-i', clip, '-frames:v', '1', join(dir, 'poster.jpg')]);
  writeFileSync(join(dir, 'en.vtt'), vtt('Hello from the page'));
  writeFileSync(join(dir, 'es.vtt'), vtt('Hola desde la pagina'));
  writeFileSync(
    join(dir, 'page.html'),
    `<!doctype html><html><head><title>Page Clip</title></head><body>
<video controls poster="poster.jpg"><source src="clip.mp4" type="video/mp4">
<track kind="subtitles" srclang="en" src="en.vtt" label="English"><track kind="subtitles" srclang="es" src="es.vtt" label="Espanol"></video>
</body></html>`,
  );
  return dir;
}

/**
 * An HLS master with two video-only variants (640x360, 426x240), a separate audio rendition and a
 * WebVTT subtitle rendition (en). Returns the path of `master.m3u8`.
 */
export async function makeHlsMaster(): Promise<string> {
  const dir = join(mediaRoot(), 'hls-master');
  mkdirSync(dir, { recursive: true });
  const clip = await makeClip({ seconds: 3, width: 640, height: 360, title: 'Master Clip' });
  const hls = (out: string, seg: string) => [
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    join(dir, seg),
    join(dir, out),
  ];
  await ffmpeg(['-i', clip, '-map', '0:v', '-c', 'copy', ...hls('v360.m3u8', 'v360_%d.ts')]);
  await ffmpeg(['-i', clip, '-map', '0:v', '-vf', 'scale=426:240', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', ...hls('v240.m3u8', 'v240_%d.ts')]);
  await ffmpeg(['-i', clip, '-map', '0:a', '-c', 'copy', ...hls('audio.m3u8', 'a_%d.ts')]);
  writeFileSync(join(dir, 'en.vtt'), vtt('Hello from the stream'));
  writeFileSync(
    join(dir, 'subs_en.m3u8'),
    '#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:3.0,\nen.vtt\n#EXT-X-ENDLIST\n',
  );
  writeFileSync(
    join(dir, 'master.m3u8'),
    `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs_en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud",SUBTITLES="subs"
v360.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud",SUBTITLES="subs"
v240.m3u8
`,
  );
  return join(dir, 'master.m3u8');
}

/** The clip remuxed into Matroska (H.264/AAC in mkv). */
export async function makeMkv(clip: string): Promise<string> {
  const out = join(mediaRoot(), 'plain.mkv');
  await ffmpeg(['-i', clip, '-c', 'copy', out]);
  return out;
}

export interface Probed {
  format: string;
  video: string | null;
  audio: string | null;
  height: number | null;
}

/** Container and codecs of a stored file, from ffprobe. */
export async function probeFile(path: string): Promise<Probed> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_type,codec_name,height', '-of', 'json', path]);
  const j = JSON.parse(stdout) as { format: { format_name: string }; streams: Array<{ codec_type: string; codec_name: string; height?: number }> };
  const v = j.streams.find((s) => s.codec_type === 'video');
  const a = j.streams.find((s) => s.codec_type === 'audio');
  return { format: j.format.format_name, video: v?.codec_name ?? null, audio: a?.codec_name ?? null, height: v?.height ?? null };
}
