import type { Progress } from '@mda/contracts';
import { ProgressAggregator } from './progress-aggregator';
import type { YtDlpProgress } from './yt-dlp-output';

type Report = [formatId: string | null, report: YtDlpProgress];
const swap = ([id, r]: Report): [YtDlpProgress, string | null] => [r, id];

function feed(agg: ProgressAggregator, reports: Report[]): Progress[] {
  return reports.map(([id, r]) => agg.update(r, id)).filter((p): p is Progress => p !== null);
}

function expectMonotonic(list: Progress[]): void {
  for (let i = 1; i < list.length; i++) expect(list[i].percent).toBeGreaterThanOrEqual(list[i - 1].percent);
}

const dl = (downloaded: number, extra: Partial<YtDlpProgress> = {}): YtDlpProgress => ({ status: 'downloading', downloaded_bytes: downloaded, ...extra });

// Shapes recorded from yt-dlp 2023.03.04 downloading a local DASH manifest (video "0", then audio "1").
const frag = (file: string, downloaded: number, index: number, estimate: number) =>
  dl(downloaded, { fragment_index: index, fragment_count: 4, total_bytes_estimate: estimate, filename: file });
const twoStreamDash: Report[] = [
  ['0', frag('m.f0.mp4', 833, 0, 3332)],
  ['0', frag('m.f0.mp4', 26817, 1, 53634)],
  ['0', frag('m.f0.mp4', 27841, 2, 67968)], // the estimate grows: bytes/estimate drops from 50 % to 41 %
  ['0', frag('m.f0.mp4', 50976, 3, 76912)],
  ['0', frag('m.f0.mp4', 76912, 4, 76912)],
  ['0', { status: 'finished', downloaded_bytes: 76912, total_bytes: 76912, filename: 'm.f0.mp4' }],
  ['1', frag('m.f1.m4a', 765, 0, 3060)], // yt-dlp restarts at 0 for the audio stream
  ['1', frag('m.f1.m4a', 10110, 2, 20220)],
  ['1', frag('m.f1.m4a', 19283, 3, 28309)],
  ['1', { status: 'finished', downloaded_bytes: 28309, total_bytes: 28309, filename: 'm.f1.m4a' }],
];

describe('ProgressAggregator', () => {
  it('combines two streams into one monotonic percent weighted by bitrate', () => {
    const agg = new ProgressAggregator();
    agg.plan([
      { format_id: '0', tbr: 200 },
      { format_id: '1', tbr: 50 },
    ]);
    const out = feed(agg, twoStreamDash);
    expectMonotonic(out);
    // Video is 4/5 of the job: when it finishes the job is at 80 %, then audio fills the rest.
    expect(out.find((p) => p.downloaded_bytes === 76912)?.percent).toBe(80);
    expect(out.find((p) => p.downloaded_bytes === 76912 + 10110)?.percent).toBe(90);
    expect(out[out.length - 1]).toMatchObject({ percent: 99.9, downloaded_bytes: 76912 + 28309, total_bytes: 76912 + 28309 });
    expect(agg.complete()).toMatchObject({ percent: 100, downloaded_bytes: 105221 });
  });

  it('weights by announced sizes and reports an exact total when every size is known', () => {
    const agg = new ProgressAggregator();
    agg.plan([
      { format_id: 'v', filesize: 3000 },
      { format_id: 'a', filesize_approx: 1000 },
    ]);
    const out = feed(agg, [
      ['v', dl(1500, { total_bytes: 3000 })],
      ['v', { status: 'finished', downloaded_bytes: 3000, total_bytes: 3000 }],
      ['a', dl(0, { total_bytes: 1000 })],
      ['a', dl(500, { total_bytes: 1000 })],
    ]);
    expect(out.map((p) => p.percent)).toEqual([37.5, 75, 87.5]);
    expect(out.every((p) => p.total_bytes === 4000)).toBe(true);
    expect(out[2].downloaded_bytes).toBe(3500);
  });

  it('falls back to equal shares when neither sizes nor bitrates are known', () => {
    const agg = new ProgressAggregator();
    agg.plan([{ format_id: 'v' }, { format_id: 'a', tbr: 128 }]);
    const out = feed(agg, [
      ['v', { status: 'finished', downloaded_bytes: 10 }],
      ['a', dl(5, { total_bytes: 10 })],
    ]);
    expect(out.map((p) => p.percent)).toEqual([50, 75]);
    expect(out[0].total_bytes).toBeNull();
  });

  it('uses fragment counts for HLS, where only an estimate of the total exists', () => {
    const agg = new ProgressAggregator();
    agg.plan([{ format_id: 'hls-1' }]);
    const hls = (downloaded: number, index: number, estimate: number): Report => [
      'hls-1',
      dl(downloaded, { fragment_index: index, fragment_count: 3, total_bytes_estimate: estimate }),
    ];
    const out = feed(agg, [
      hls(1024, 0, 120696),
      hls(40232, 0, 120696),
      hls(40232, 1, 120696),
      hls(41256, 1, 116184),
      hls(77456, 2, 116184),
      hls(78480, 2, 117312),
      hls(117312, 3, 117312),
      ['hls-1', { status: 'finished', downloaded_bytes: 117312, total_bytes: 117312 }],
    ]);
    expectMonotonic(out);
    expect([...new Set(out.map((p) => p.percent))]).toEqual([0, 33.33, 66.66, 99.9]);
    expect(out[3]).toMatchObject({ downloaded_bytes: 41256, total_bytes: 116184 });
  });

  it('uses exact bytes for a single direct file and never passes 99.9 before completion', () => {
    let now = 0;
    const agg = new ProgressAggregator(() => now);
    agg.plan([{ format_id: 'mp4' }]);
    const at = (ms: number, r: YtDlpProgress): Report => {
      now = ms;
      return ['mp4', r];
    };
    const out = [
      agg.update(...swap(at(0, dl(1024, { total_bytes: 104890, speed: 65_000_000, eta: 0 })))),
      agg.update(...swap(at(51_000, dl(52445, { total_bytes: 104890, speed: 1000 })))),
      agg.update(...swap(at(104_000, dl(104890, { total_bytes: 104890 })))),
      agg.update(...swap(at(104_001, { status: 'finished', downloaded_bytes: 104890, total_bytes: 104890 }))),
    ].filter((p): p is Progress => p !== null);
    expect(out.map((p) => p.percent)).toEqual([0.97, 50, 99.9]);
    // yt-dlp's first reading (65 MB/s) is not passed on: no speed before a second of data
    expect(out[0]).toMatchObject({ speed: null, eta: null, total_bytes: 104890 });
    expect(out[1]).toMatchObject({ speed: 1008, eta: 53, total_bytes: 104890 });
  });

  it('emits only on change and ignores subtitle downloads for the percent but not for the byte count', () => {
    const agg = new ProgressAggregator();
    agg.plan([{ format_id: '22' }]);
    expect(agg.update(dl(500, { total_bytes: 500, filename: 'media.en.vtt' }), null)).toBeNull();
    expect(agg.update(dl(100, { total_bytes: 1000, filename: 'media.mp4' }), '22')?.percent).toBe(10);
    expect(agg.update(dl(100, { total_bytes: 1000, filename: 'media.mp4' }), '22')).toBeNull();
    expect(agg.downloadedBytes).toBe(100);
    expect(agg.bytesWritten).toBe(600);
  });

  it('never lets the bytes of concurrently fetched fragments go back', () => {
    const agg = new ProgressAggregator();
    agg.plan([{ format_id: 'hls' }]);
    const frags = (bytes: number, index: number) => dl(bytes, { fragment_index: index, fragment_count: 4, filename: 'media.mp4' });
    const out = feed(agg, [
      ['hls', frags(1024, 0)],
      ['hls', frags(3072, 0)],
      ['hls', frags(1024, 0)],
      ['hls', frags(7168, 1)],
      ['hls', frags(5000, 1)],
      ['hls', { status: 'finished', downloaded_bytes: 7000, filename: 'media.mp4' }],
    ]);
    expect(out.map((p) => p.downloaded_bytes)).toEqual([1024, 3072, 7168, 7168]);
    expect(out.at(-1)?.percent).toBe(99.9);
    // the size limit counts what yt-dlp says the file holds at the end
    expect(agg.bytesWritten).toBe(7000);
  });

  it('keeps the percent when yt-dlp restarts a stream (retry) and ignores a late plan', () => {
    const agg = new ProgressAggregator();
    agg.plan([{ format_id: 'x', filesize: 100 }]);
    feed(agg, [['x', dl(60, { total_bytes: 100 })]]);
    agg.plan([{ format_id: 'y' }, { format_id: 'z' }]);
    const out = feed(agg, [['x', dl(10, { total_bytes: 100 })]]);
    expect(out[0]).toMatchObject({ percent: 60, downloaded_bytes: 10 });
  });

  it('smooths the speed: a burst moves it part of the way, and the eta follows it', () => {
    let now = 0;
    const agg = new ProgressAggregator(() => now);
    agg.plan([{ format_id: 'x', filesize: 100_000 }]);
    const step = (ms: number, bytes: number) => {
      now = ms;
      return agg.update(dl(bytes, { total_bytes: 100_000 }), 'x');
    };
    expect(step(0, 0)?.speed).toBeNull();
    expect(step(500, 500)?.speed).toBeNull();
    expect(step(1000, 1000)).toMatchObject({ speed: 1000, eta: 99 });
    expect(step(2000, 2000)?.speed).toBe(1000);
    // 20x more bytes in one second: the average moves about a quarter of the way, not to 20000
    const burst = step(3000, 22_000)!;
    expect(burst.speed).toBeGreaterThan(1000);
    expect(burst.speed).toBeLessThan(7000);
    expect(burst.eta).toBe(Math.ceil((100_000 - 22_000) / burst.speed!));
  });

  it('estimates a total for HLS from its fragments, and for a stream not started from the bitrates', () => {
    const agg = new ProgressAggregator();
    agg.plan([
      { format_id: 'v', tbr: 900 },
      { format_id: 'a', tbr: 100 },
    ]);
    // no total, no estimate: 2 of 8 fragments are 25 % of the video; the audio is a ninth of it
    const p = agg.update(dl(20_000, { fragment_index: 2, fragment_count: 8 }), 'v');
    expect(p?.total_bytes).toBe(80_000 + Math.round(80_000 / 9));
  });
});
