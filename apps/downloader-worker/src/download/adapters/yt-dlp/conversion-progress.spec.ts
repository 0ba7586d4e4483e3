import { parseFfmpegProgress } from './conversion-progress';
import { conversionProgressArgs } from './yt-dlp-args';
import { ProgressAggregator } from './progress-aggregator';

const block = (us: number, speed: string, progress = 'continue') => `frame=10\nout_time_us=${us}\nout_time_ms=${us}\nspeed=${speed}\nprogress=${progress}\n`;

describe('ffmpeg -progress output', () => {
  it('reads the last complete block', () => {
    expect(parseFfmpegProgress(block(1_000_000, '0.5x') + block(2_500_000, '1.25x') + 'frame=99\nout_time_us=9')).toEqual({
      outTimeSec: 2.5,
      speed: 1.25,
      ended: false,
    });
    expect(parseFfmpegProgress(block(4_000_000, 'N/A', 'end'))).toEqual({ outTimeSec: 4, speed: null, ended: true });
  });

  it('gives nothing before the first block', () => {
    expect(parseFfmpegProgress('')).toBeNull();
    expect(parseFfmpegProgress('frame=1\nout_time_us=100')).toBeNull();
  });

  it('is asked of the re-encoding post-processors only, with the path quoted for yt-dlp', () => {
    expect(conversionProgressArgs("/data/it's here/.partial/req_x")).toEqual([
      '--postprocessor-args',
      `VideoConvertor+ffmpeg:-progress '/data/it'"'"'s here/.partial/req_x/conversion.progress' -stats_period 0.5`,
      '--postprocessor-args',
      `ExtractAudio+ffmpeg:-progress '/data/it'"'"'s here/.partial/req_x/conversion.progress' -stats_period 0.5`,
    ]);
  });
});

describe('ProgressAggregator with a conversion after the download', () => {
  it('fills the first part with the download and the rest with the conversion, never going back', () => {
    let now = 0;
    const agg = new ProgressAggregator(() => now);
    agg.expectConversion(0.5);
    expect(agg.update({ status: 'downloading', downloaded_bytes: 500, total_bytes: 1000 }, null)?.percent).toBe(25);
    now = 2000;
    expect(agg.update({ status: 'finished', downloaded_bytes: 1000, total_bytes: 1000 }, null)?.percent).toBe(50);
    expect(agg.converting(0.2, 8)).toEqual({ percent: 60, downloaded_bytes: 1000, total_bytes: 1000, speed: null, eta: 8 });
    expect(agg.converting(0.1, 9)).toBeNull();
    expect(agg.converting(1, 0)?.percent).toBe(99.9);
    expect(agg.complete(900).percent).toBe(100);
    expect(agg.converting(1, 0)).toBeNull();
  });

  it('reports no conversion progress when none was expected', () => {
    const agg = new ProgressAggregator(() => 0);
    expect(agg.converting(0.5, 1)).toBeNull();
  });
});
