import { classifyYtDlpFailure, ffmpegReason } from './yt-dlp-errors';

describe('classifyYtDlpFailure', () => {
  it.each([
    ['ERROR: Unsupported URL: http://127.0.0.1:1234/page.html', 'unsupported_url', 'This URL is not supported: no media found on the page'],
    [
      "ERROR: [generic] None: Unable to download webpage: HTTP Error 404: File not found (caused by <HTTPError 404: 'File not found'>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template.",
      'not_found',
      'Video not available (HTTP 404)',
    ],
    ['ERROR: [generic] x: Unable to download webpage: HTTP Error 410: Gone', 'not_found', 'Video not available (HTTP 410)'],
    ['ERROR: [youtube] abc: Video unavailable. This video is not available', 'not_found', 'Video not available'],
    ['ERROR: [vimeo] 1: This video does not exist.', 'not_found', 'Video not available'],
    [
      "ERROR: [youtube] abc: Private video. Sign in if you've been granted access to this video",
      'private_or_login_required',
      'This media is private or requires a login',
    ],
    ['ERROR: [instagram] x: You need to log in to access this content', 'private_or_login_required', 'This media is private or requires a login'],
    ['ERROR: unable to download video data: HTTP Error 403: Forbidden', 'private_or_login_required', 'This media is private or requires a login (HTTP 403)'],
    [
      'ERROR: [generic] None: Unable to download webpage: HTTP Error 401: Unauthorized',
      'private_or_login_required',
      'This media is private or requires a login (HTTP 401)',
    ],
    [
      "ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] Connection refused> (caused by URLError(ConnectionRefusedError(111, 'Connection refused')))",
      'network_error',
      'Network error: connection refused',
    ],
    ['ERROR: Unable to download webpage: <urlopen error [Errno -2] Name or service not known>', 'network_error', 'Network error: name or service not known'],
    ['ERROR: unable to download video data: The read operation timed out', 'network_error', 'Network error: timed out'],
    ['ERROR: [generic] x: Unable to download webpage: HTTP Error 503: Service Unavailable', 'network_error', 'Network error: the server failed (HTTP 503)'],
    // the egress proxy's answers when it could not reach the server
    [
      'ERROR: [generic] None: Unable to download webpage: HTTP Error 502: Connection refused (caused by <HTTPError 502>)',
      'network_error',
      'Network error: connection refused',
    ],
    ['ERROR: unable to download video data: HTTP Error 504: Connection timed out', 'network_error', 'Network error: timed out'],
    ['ERROR: [generic] x: Unable to download webpage: HTTP Error 502: Name or service not known', 'network_error', 'Network error: name or service not known'],
    ['ERROR: [generic] x: Unable to download webpage: HTTP Error 502: Bad Gateway', 'network_error', 'Network error: the server failed (HTTP 502)'],
    ['ERROR: Postprocessing: Conversion failed!', 'ffmpeg_failed', 'Post-processing with ffmpeg failed: Postprocessing: Conversion failed!'],
    [
      'ERROR: ffmpeg not found. Please install or provide the path using --ffmpeg-location',
      'ffmpeg_failed',
      expect.stringMatching(/^Post-processing with ffmpeg failed: ffmpeg not found/),
    ],
    [
      'ERROR: [youtube] abc: Requested format is not available. Use --list-formats for a list of available formats',
      'invalid_request',
      'The requested quality or format is not available for this media',
    ],
    ['ERROR: something odd happened; please report this issue on https://github.com/yt-dlp/yt-dlp/issues', 'internal_error', 'something odd happened'],
  ])('%s', (line, code, message) => {
    const err = classifyYtDlpFailure(['ERROR: an earlier failure', line], [], 1);
    expect(err.code).toBe(code);
    expect(err.message).toEqual(message);
  });

  it('reads a skipped file from the log when yt-dlp exits 0 over --max-filesize', () => {
    const err = classifyYtDlpFailure([], ['[download] File is larger than max-filesize (89426 bytes > 10000 bytes). Aborting.'], 0);
    expect(err).toMatchObject({ code: 'too_large', message: 'File is too large (89426 bytes, limit 10000 bytes)' });
  });

  it('reports an exit without file or error', () => {
    expect(classifyYtDlpFailure([], ['[info] nothing'], 0)).toMatchObject({ code: 'not_found' });
    expect(classifyYtDlpFailure([], [], 137)).toMatchObject({ code: 'internal_error', message: 'yt-dlp exited with code 137' });
  });

  it("names ffmpeg's first reason rather than its last line (H.264 remuxed into webm, as yt-dlp -v prints it)", () => {
    const stderr = [
      '[VideoRemuxer] Remuxing video from mp4 to webm; Destination: out/media.webm',
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:out/media.mp4':",
      '  Duration: 00:00:01.00, start: 0.000000, bitrate: 232 kb/s',
      '[webm @ 0x56328e305dc0] Only VP8 or VP9 or AV1 video and Vorbis or Opus audio and WebVTT subtitles are supported for WebM.',
      'Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument',
      'Error initializing output stream 0:1 -- ',
      '  Stream #0:1 -> #0:1 (copy)',
    ];
    const reasons = stderr.map(ffmpegReason).filter((r): r is string => r !== null);
    const err = classifyYtDlpFailure(['ERROR: Postprocessing:   Stream #0:1 -> #0:1 (copy)'], stderr, 1, reasons);
    expect(err.code).toBe('ffmpeg_failed');
    expect(err.message).toBe(
      'Post-processing with ffmpeg failed: webm: Only VP8 or VP9 or AV1 video and Vorbis or Opus audio and WebVTT subtitles are supported for WebM.; Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument',
    );
  });

  it.each([
    ['[h264 @ 0x1] Invalid NAL unit size (1 > 0).', 'h264: Invalid NAL unit size (1 > 0).'],
    ['in.mp4: Invalid data found when processing input', 'in.mp4: Invalid data found when processing input'],
    ['[mov,mp4,m4a,3gp,3g2,mj2 @ 0x564a412b4b00] moov atom not found', 'mov,mp4,m4a,3gp,3g2,mj2: moov atom not found'],
    ['[mp4 @ 0x2] Timestamps are unset in a packet for stream 0.', null],
    ['ERROR: Postprocessing: file:x.mp4: Invalid data found when processing input', null],
    ['[debug] ffmpeg command line: ffmpeg -y -i x', null],
    ['[download] 100% of 1.00MiB', null],
  ])('ffmpegReason(%s)', (line, reason) => {
    expect(ffmpegReason(line)).toBe(reason);
  });

  it('keeps the ERROR line when ffmpeg said nothing more, and never uses reasons for other failures', () => {
    expect(classifyYtDlpFailure(['ERROR: Postprocessing: Conversion failed!'], [], 1, []).message).toBe(
      'Post-processing with ffmpeg failed: Postprocessing: Conversion failed!',
    );
    expect(classifyYtDlpFailure(['ERROR: Unsupported URL: http://x'], [], 1, ['webm: Only VP8']).code).toBe('unsupported_url');
  });
});
