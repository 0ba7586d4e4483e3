import { downloadOptionsSchema, DownloadOptions } from '@mda/contracts';
import { DownloadError, DownloadJob } from '../../ports/media-downloader';
import { buildYtDlpArgs, formatSelector } from './yt-dlp-args';

const job = (options: Partial<DownloadOptions> = {}, extra: Partial<DownloadJob> = {}): DownloadJob => ({
  requestId: 'req_abcdefabcdef',
  url: 'https://example.com/watch?v=1&list=2',
  // The custom format goes in unparsed: the adapter must hold even where the schema would not have run.
  options: { ...downloadOptionsSchema.parse({ ...options, custom_format: undefined }), custom_format: options.custom_format },
  workDir: '/work/job-1',
  maxBytes: 5_000_000,
  ...extra,
});
const build = (options: Partial<DownloadOptions> = {}, extra: Partial<DownloadJob> = {}) =>
  buildYtDlpArgs(job(options, extra), { ffmpegPath: '/usr/bin/ffmpeg' });
/** The value that follows `flag`. */
const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('formatSelector', () => {
  it.each([
    ['best', 'bestvideo+bestaudio/best'],
    ['audio', 'bestaudio/best'],
    ['4k', 'bestvideo[height<=?2160]+bestaudio/best[height<=?2160]/worstvideo+bestaudio/worst'],
    ['2160p', 'bestvideo[height<=?2160]+bestaudio/best[height<=?2160]/worstvideo+bestaudio/worst'],
    ['1080p', 'bestvideo[height<=?1080]+bestaudio/best[height<=?1080]/worstvideo+bestaudio/worst'],
    ['720p', 'bestvideo[height<=?720]+bestaudio/best[height<=?720]/worstvideo+bestaudio/worst'],
    ['144p', 'bestvideo[height<=?144]+bestaudio/best[height<=?144]/worstvideo+bestaudio/worst'],
  ] as const)('%s → %s', (quality, selector) => {
    expect(formatSelector(quality)).toBe(selector);
    expect(valueOf(build({ quality }), '-f')).toBe(selector);
  });
});

describe('buildYtDlpArgs', () => {
  it('asks for machine-readable output, a temp name in the work folder and the size limit', () => {
    const args = build();
    for (const flag of ['-q', '--no-warnings', '--newline', '--no-simulate', '--no-playlist', '--no-mtime', '--ignore-config']) {
      expect(args).toContain(flag);
    }
    expect(valueOf(args, '--progress-template')).toMatch(/^download:PROGRESS %\(progress\.\{.*\}\)j\t%\(info\.format_id\)j$/);
    expect(args.filter((a, i) => args[i - 1] === '--print')).toEqual([
      expect.stringMatching(/^before_dl:META /),
      expect.stringMatching(/^before_dl:FORMATS /),
      expect.stringMatching(/^after_move:DONE /),
    ]);
    expect(valueOf(args, '-P')).toBe('/work/job-1');
    expect(valueOf(args, '-o')).toBe('media.%(ext)s');
    expect(valueOf(args, '--max-filesize')).toBe('5000000');
    expect(valueOf(args, '--ffmpeg-location')).toBe('/usr/bin/ffmpeg');
    expect(args).not.toContain('--cookies');
  });

  it('ends with -- and the URL untouched, as one argument', () => {
    const url = 'https://example.com/a b;$(touch /tmp/x)`id`|cat&x=1';
    const args = build({}, { url });
    expect(args.slice(-2)).toEqual(['--', url]);
  });

  it('passes the cookies file when the job has one', () => {
    expect(valueOf(build({}, { cookiesFile: '/work/job-1/cookies.txt' }), '--cookies')).toBe('/work/job-1/cookies.txt');
  });

  it('merges and remuxes video into the requested container', () => {
    const args = build({ quality: '720p', video_format: 'mkv' });
    expect(valueOf(args, '--merge-output-format')).toBe('mkv');
    expect(valueOf(args, '--remux-video')).toBe('mkv');
    expect(args).not.toContain('-x');
  });

  it('re-encodes into webm what webm cannot hold, merging into mkv first', () => {
    const args = build({ video_format: 'webm' });
    expect(valueOf(args, '--merge-output-format')).toBe('webm/mkv');
    expect(valueOf(args, '--recode-video')).toBe('webm');
    expect(valueOf(build({ video_format: 'webm', custom_format: 'b' }), '--recode-video')).toBe('webm');
    expect(args).not.toContain('--remux-video');
  });

  it('asks yt-dlp for the info JSON and description only when requested', () => {
    expect(build({})).not.toContain('--write-info-json');
    const args = build({ write_info_json: true, write_description: true });
    expect(args).toContain('--write-info-json');
    expect(args).toContain('--write-description');
  });

  it('extracts audio in the requested format', () => {
    const args = build({ quality: 'audio', audio_format: 'opus' });
    expect(valueOf(args, '-f')).toBe('bestaudio/best');
    expect(valueOf(args, '--audio-format')).toBe('opus');
    expect(args).toContain('-x');
    expect(args).not.toContain('--merge-output-format');
  });

  it('passes a custom format as exactly one -f argument, however it looks', () => {
    const custom = 'bv*[height<=720][ext=mp4]+ba/b ; rm -rf ~ && echo $(id)';
    const args = build({ custom_format: custom, quality: '1080p' });
    expect(args.filter((a) => a === '-f')).toHaveLength(1);
    expect(valueOf(args, '-f')).toBe(custom);
    expect(args).not.toContain('--remux-video');
  });

  it.each([
    ['-o /etc/passwd', /must not start with '-'/],
    ['  --exec rm', /must not start with '-'/],
    ['best\nbv', /printable/],
    ['best\u0000', /printable/],
    ['   ', /1 to 500/],
    ['b'.repeat(501), /1 to 500/],
  ])('rejects the custom format %p as invalid_request', (custom, why) => {
    expect(() => build({ custom_format: custom })).toThrow(DownloadError);
    expect(() => build({ custom_format: custom })).toThrow(why);
  });

  it('writes and embeds subtitles in the requested languages', () => {
    const args = build({ download_subtitles: true, subtitle_languages: ['en', 'de.*'], embed_subtitles: true });
    expect(valueOf(args, '--sub-langs')).toBe('en,de.*');
    expect(args).toEqual(expect.arrayContaining(['--write-subs', '--embed-subs']));
    expect(() => build({ download_subtitles: true, subtitle_languages: ['en,all'] })).toThrow(/subtitle language/);
    expect(build({ embed_subtitles: true, quality: 'audio' })).not.toContain('--embed-subs');
  });

  it('embeds thumbnails only in containers that take them, and metadata when asked', () => {
    expect(build({ write_thumbnail: true, video_format: 'mp4' })).toEqual(expect.arrayContaining(['--write-thumbnail', '--embed-thumbnail']));
    const webm = build({ write_thumbnail: true, video_format: 'webm' });
    expect(webm).toContain('--write-thumbnail');
    expect(webm).not.toContain('--embed-thumbnail');
    expect(build({ write_thumbnail: true, quality: 'audio', audio_format: 'wav' })).not.toContain('--embed-thumbnail');
    expect(build({ embed_metadata: true })).toContain('--embed-metadata');
    expect(build()).not.toContain('--embed-metadata');
  });

  it('passes the original service options through: audio_quality, auto_subtitles, subtitle_format, embed_thumbnail, write_info_json', () => {
    expect(valueOf(build({ quality: 'audio', audio_quality: 192 }), '--audio-quality')).toBe('192K');
    expect(build({ audio_quality: 192 })).not.toContain('--audio-quality');
    const subs = build({ auto_subtitles: true, subtitle_format: 'srt' });
    expect(subs).toEqual(expect.arrayContaining(['--write-subs', '--write-auto-subs']));
    expect(valueOf(subs, '--convert-subs')).toBe('srt');
    expect(build({ subtitle_format: 'srt' })).not.toContain('--convert-subs');
    const thumb = build({ embed_thumbnail: true });
    expect(thumb).toContain('--embed-thumbnail');
    expect(thumb).not.toContain('--write-thumbnail');
    expect(build({ write_info_json: true })).toContain('--write-info-json');
    expect(build()).not.toContain('--write-info-json');
  });

  it('leaves a bare ffmpeg name to yt-dlp', () => {
    expect(buildYtDlpArgs(job(), { ffmpegPath: 'ffmpeg' })).not.toContain('--ffmpeg-location');
  });
});
