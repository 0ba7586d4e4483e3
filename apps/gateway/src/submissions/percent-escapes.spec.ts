import { findBrokenPercentEscape } from './percent-escapes';

describe('findBrokenPercentEscape', () => {
  it.each(['http://h/a%20b.mp4', 'http://h/%C3%A9.mp4?x=%2F&y=1', 'https://h/v?q=a#frag%ZZ', 'http://h/plain'])('accepts %p', (url) => {
    expect(findBrokenPercentEscape(url)).toBeUndefined();
  });

  it.each([
    ['http://h/a%ZZb.mp4', { part: 'path', escape: '%ZZ' }],
    ['http://h/a%2', { part: 'path', escape: '%2' }],
    ['http://h/a.mp4?t=50%', { part: 'query', escape: '%' }],
    ['http://h/a.mp4?t=%g1', { part: 'query', escape: '%g1' }],
  ])('finds the broken escape in %p', (url, found) => {
    expect(findBrokenPercentEscape(url)).toEqual(found);
  });
});
