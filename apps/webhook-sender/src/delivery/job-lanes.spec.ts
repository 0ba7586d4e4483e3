import { JobLanes } from './job-lanes';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JobLanes', () => {
  it('runs one job’s tasks in arrival order, one at a time', async () => {
    const lanes = new JobLanes();
    const order: string[] = [];
    const gate = deferred();
    const a = lanes.run('req_1', async () => {
      order.push('started:begin');
      await gate.promise;
      order.push('started:end');
    });
    const b = lanes.run('req_1', async () => void order.push('progress'));
    const c = lanes.run('req_1', async () => void order.push('completed'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['started:begin']);
    gate.resolve();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['started:begin', 'started:end', 'progress', 'completed']);
  });

  it('does not make other jobs wait, and a failure does not stop its lane', async () => {
    const lanes = new JobLanes();
    const gate = deferred();
    const slow = lanes.run('req_1', () => gate.promise);
    await expect(lanes.run('req_2', async () => 'other job')).resolves.toBe('other job');
    await expect(lanes.run(null, async () => 'no job')).resolves.toBe('no job');
    gate.resolve();
    await slow;
    await expect(lanes.run('req_1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lanes.run('req_1', async () => 'after')).resolves.toBe('after');
  });

  it('forgets a lane once it is empty', async () => {
    const lanes = new JobLanes();
    await lanes.run('req_1', async () => undefined);
    await new Promise((r) => setImmediate(r));
    expect(lanes.size).toBe(0);
  });
});
