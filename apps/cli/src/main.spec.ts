import { run } from './main';
import type { Io } from './output';

function capture(): Io & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (l) => void lines.out.push(l), err: (l) => void lines.err.push(l), stderr: process.stderr };
}

describe('mda (no server needed)', () => {
  it('exits 2 with the fix when MDA_API_KEY is missing', async () => {
    const io = capture();
    expect(await run(['status', 'req_abc123def456'], {}, io)).toBe(2);
    expect(io.lines.err.join('\n')).toContain('MDA_API_KEY is not set');
  });

  it('exits 2 on an unknown command, a missing argument or a bad --quality', async () => {
    const env = { MDA_API_KEY: 'k' };
    expect(await run(['frobnicate'], env, capture())).toBe(2);
    expect(await run(['status'], env, capture())).toBe(2);
    const io = capture();
    expect(await run(['download', 'http://127.0.0.1:1/x', '--quality', '9000p'], env, io)).toBe(2);
    expect(io.lines.err.join('\n')).toMatch(/Allowed choices are best, 2160p, 4k/);
  });

  it('exits 0 on --help', async () => {
    const io = capture();
    expect(await run(['--help'], {}, io)).toBe(0);
    expect(io.lines.out.join('\n')).toContain('download [options] <url>');
  });

  it('exits 3 naming the problem when the API cannot be reached', async () => {
    const io = capture();
    expect(await run(['status', 'req_abc123def456'], { MDA_API_KEY: 'k', MDA_URL: 'http://127.0.0.1:9' }, io)).toBe(3);
    expect(io.lines.err.join('\n')).toMatch(/cannot reach the API: network_error/);
  });
});
