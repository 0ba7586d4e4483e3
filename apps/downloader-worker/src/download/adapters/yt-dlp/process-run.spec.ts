import { waitFor } from '@mda/testing';
import { ProcessRun } from './process-run';
import { liveGroupMembers, NodeProcessSpawner } from './process-spawner';

const spawner = new NodeProcessSpawner();

function start(command: string, args: string[], graceMs = 1000) {
  const out: string[] = [];
  const err: string[] = [];
  const run = ProcessRun.start(spawner, command, args, { onStdout: (l) => out.push(l), onStderr: (l) => err.push(l), graceMs });
  return { run, out, err };
}

describe('ProcessRun', () => {
  it('reads stdout and stderr line by line and reports the exit code', async () => {
    const { run, out, err } = start('sh', ['-c', 'echo one; echo two; echo oops >&2; exit 3']);
    expect(await run.exited).toEqual({ code: 3, signal: null });
    expect(out).toEqual(['one', 'two']);
    expect(err).toEqual(['oops']);
  });

  it('passes arguments literally: no shell ever sees them', async () => {
    const hostile = ['$(touch /tmp/mda-pwned)', '`id`', 'a b;c', "'quoted'", '&& echo no', '*'];
    const { run, out } = start('printf', ['%s\\n', ...hostile]);
    await run.exited;
    expect(out).toEqual(hostile);
  });

  it('stops the whole process group, grandchildren included', async () => {
    // sh stands in for yt-dlp, the sleeps for the ffmpeg it starts.
    const { run } = start('sh', ['-c', 'sleep 30 & sleep 30 & wait']);
    const pid = run.pid as number;
    await waitFor(() => (liveGroupMembers(pid)?.length ?? 0) >= 3, { what: 'the children to start' });
    const t0 = Date.now();
    await run.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(liveGroupMembers(pid)).toEqual([]);
  });

  it('kills what ignores SIGTERM once the grace period is over', async () => {
    const { run } = start('sh', ['-c', 'trap "" TERM; sleep 30 & sleep 30 & wait'], 300);
    const pid = run.pid as number;
    await waitFor(() => (liveGroupMembers(pid)?.length ?? 0) >= 3, { what: 'the children to start' });
    const t0 = Date.now();
    await run.stop();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(1500);
    expect(liveGroupMembers(pid)).toEqual([]);
    expect((await run.exited).signal).toBe('SIGKILL');
  });

  it('reports a program that cannot be started', async () => {
    const { run } = start('/nonexistent/yt-dlp', []);
    await expect(run.exited).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(run.stop()).resolves.toBeUndefined();
  });
});
