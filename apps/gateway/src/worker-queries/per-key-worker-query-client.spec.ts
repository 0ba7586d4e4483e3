import { KeyedSlots, ListingResult, MetadataResult, WorkerQueryInput } from '@mda/contracts';
import { ApiError } from '../common/api-error';
import { PerKeyWorkerQueryClient } from './per-key-worker-query-client';
import { WorkerQueryClient, WorkerQueryResult } from './worker-query-client';

const META: MetadataResult = {
  title: 'Clip',
  uploader: null,
  duration: 3,
  thumbnail: null,
  extractor: 'generic',
  webpage_url: null,
  upload_date: null,
  formats: [],
};

/** A worker client whose queries stay open until the test answers (or fails) them. */
class HeldClient extends WorkerQueryClient {
  readonly open: Array<{ q: WorkerQueryInput; finish: (ok: boolean) => void }> = [];
  query<Q extends WorkerQueryInput>(q: Q): Promise<WorkerQueryResult<Q['kind']>> {
    return new Promise((resolve, reject) =>
      this.open.push({ q, finish: (ok) => (ok ? resolve(META as WorkerQueryResult<Q['kind']>) : reject(new ApiError('gateway_timeout', 'no answer'))) }),
    );
  }
}

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const metadata = (key_fp: string) => ({ kind: 'metadata' as const, url: 'http://127.0.0.1/x', key_fp });

describe('PerKeyWorkerQueryClient', () => {
  it('refuses a key over its cap with 429 too_many_queries and Retry-After, at once', async () => {
    const inner = new HeldClient();
    const client = new PerKeyWorkerQueryClient(inner, new KeyedSlots(3));
    const held = [1, 2, 3].map(() => client.query(metadata(A)));
    const err = await client.query(metadata(A)).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.getStatus()).toBe(429);
    expect(err.getResponse()).toEqual({ error: { code: 'too_many_queries', message: expect.stringMatching(/may have 3 in flight/) } });
    expect(err.headers).toEqual({ 'Retry-After': '2' });
    // the refused one never reached a worker
    expect(inner.open).toHaveLength(3);

    // another key is not affected
    const b = client.query({ kind: 'listing', url: 'http://127.0.0.1/feed', key_fp: B });
    expect(inner.open).toHaveLength(4);
    inner.open.forEach((o) => o.finish(true));
    await Promise.all([...held, b as Promise<ListingResult | MetadataResult>]);
  });

  it('frees the slot when a query fails as well as when it succeeds', async () => {
    const inner = new HeldClient();
    const client = new PerKeyWorkerQueryClient(inner, new KeyedSlots(1));
    const failing = client.query(metadata(A));
    await expect(client.query(metadata(A))).rejects.toMatchObject({ code: 'too_many_queries' });
    inner.open.shift()!.finish(false);
    await expect(failing).rejects.toMatchObject({ code: 'gateway_timeout' });
    const next = client.query(metadata(A));
    expect(inner.open).toHaveLength(1);
    inner.open.shift()!.finish(true);
    await expect(next).resolves.toEqual(META);
  });
});
