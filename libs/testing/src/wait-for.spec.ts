import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? `done after ${n}` : undefined), { intervalMs: 1 })).resolves.toBe('done after 3');
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 50, intervalMs: 5, what: 'the broker' },
      ),
    ).rejects.toThrow(/timed out after 50 ms waiting for the broker \(last error: still down\)/);
  });

  it("names fetch's error too (it comes from another realm: not instanceof Error in a jest test) and its cause code", async () => {
    const refused = { name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } };
    await expect(waitFor(() => Promise.reject(refused), { timeoutMs: 30, intervalMs: 5, what: 'gateway ready' })).rejects.toThrow(
      /waiting for gateway ready \(last error: fetch failed: ECONNREFUSED\)/,
    );
  });
});
