import { randomBytes } from 'node:crypto';
import { readBody, startLocalServer } from './http-server';
import { startThrottledProxy } from './throttled-proxy';

describe('startThrottledProxy', () => {
  it('forwards requests and answers unchanged, holds uploads to the rate while one is set, and counts what it sent upstream', async () => {
    const server = await startLocalServer((req, res) => void readBody(req).then((b) => res.end(`${b.length}`)));
    const proxy = await startThrottledProxy(server.url);
    try {
      const body = randomBytes(256 * 1024);
      const post = async () => (await fetch(`${proxy.url}/up`, { method: 'POST', body })).text();
      expect(await post()).toBe(String(body.length));
      const free = proxy.upstreamBytes();
      expect(free).toBeGreaterThan(body.length);

      proxy.setRate(512 * 1024);
      const t0 = Date.now();
      expect(await post()).toBe(String(body.length));
      // 256 KiB at 512 KiB/s cannot take less than about half a second (the first tick's share may go at once)
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
      expect(proxy.upstreamBytes() - free).toBeGreaterThan(body.length);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('refuses a target off loopback', async () => {
    await expect(startThrottledProxy('http://10.0.0.1:9000')).rejects.toThrow(/loopback only/);
  });
});
