import { hlsReferences } from './hls-references';

describe('hlsReferences', () => {
  it('lists segments, variants and tag URIs, resolved against the playlist', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.test/k1",IV=0x1',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="audio/index.m3u8"',
      '#EXTINF:4.0,',
      'seg0.ts',
      '',
      '#EXTINF:4.0,',
      'http://127.0.0.1:9/seg1.ts',
    ].join('\r\n');
    expect(hlsReferences(text, 'http://media.test/hls/index.m3u8')).toEqual([
      'https://keys.test/k1',
      'http://media.test/hls/init.mp4',
      'http://media.test/hls/audio/index.m3u8',
      'http://media.test/hls/seg0.ts',
      'http://127.0.0.1:9/seg1.ts',
    ]);
  });
});
