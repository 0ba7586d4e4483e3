import { parallelTransferArgs } from './parallel-transfer';

describe('parallelTransferArgs', () => {
  it('sends progressive formats to aria2c with the connections, and fetches fragments concurrently', () => {
    const args = parallelTransferArgs({ connections: 8, fragments: 6 });
    expect(args.slice(0, 2)).toEqual(['--concurrent-fragments', '6']);
    expect(args.slice(2, 4)).toEqual(['--downloader', 'http:aria2c']);
    expect(args[4]).toBe('--downloader-args');
    expect(args[5].split(' ')).toEqual(
      expect.arrayContaining(['aria2c:--max-connection-per-server=8', '--split=8', '--min-split-size=1M', '--show-console-readout=false']),
    );
  });

  it('keeps yt-dlp’s own downloader for one connection', () => {
    expect(parallelTransferArgs({ connections: 1, fragments: 1 })).toEqual(['--concurrent-fragments', '1']);
  });

  it('keeps a job’s cookies with yt-dlp’s own downloader', () => {
    expect(parallelTransferArgs({ connections: 8, fragments: 4 }, { cookiesFile: '/w/cookies.txt' })).toEqual(['--concurrent-fragments', '4']);
  });

  it('bounds what it is given to what aria2c accepts', () => {
    const args = parallelTransferArgs({ connections: 64, fragments: 0, aria2cPath: '/opt/aria2c' });
    expect(args.slice(0, 4)).toEqual(['--concurrent-fragments', '1', '--downloader', 'http:/opt/aria2c']);
    expect(args[5]).toContain('--split=16');
  });
});
