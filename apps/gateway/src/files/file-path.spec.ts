import { parseRange } from './byte-range';
import { parseFilePath } from './file-path';

describe('parseFilePath', () => {
  it.each([
    ['videos/video-abc.mp4', 'videos/video-abc.mp4'],
    ['by%20title/%C3%A9t%C3%A9.mp4', 'by title/été.mp4'],
    ['a/b/c.mp3', 'a/b/c.mp3'],
  ])('accepts %p', (raw, path) => {
    expect(parseFilePath(raw)).toEqual({ ok: true, path });
  });

  it.each([
    ['', 'bad_path'],
    ['../x', 'bad_path'],
    ['a/%2e%2e/x', 'bad_path'],
    ['a/%2E/x', 'bad_path'],
    ['a%2f..%2fx', 'bad_path'],
    ['a%5Cx', 'bad_path'],
    ['a\\x', 'bad_path'],
    ['/etc/passwd', 'bad_path'],
    ['a//b', 'bad_path'],
    ['a/%00b', 'bad_path'],
    ['a/%0ab', 'bad_path'],
    ['a/%E0%A4%A', 'bad_path'],
    ['.partial/req_x/media.mp4', 'hidden'],
    ['videos/.secret', 'hidden'],
  ])('refuses %p (%s)', (raw, kind) => {
    const r = parseFilePath(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.kind).toBe(kind);
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=90-', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=50-5000', 100, { kind: 'partial', start: 50, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=9-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
    ['bytes=-', 100, { kind: 'full' }],
  ])('%p of %p bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
