import { describe, expect, it } from 'vitest';
import { ApiClient } from './client';
import { ApiFailure } from './errors';
import { DEFAULT_OPTIONS } from './types';

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers });
  }) as unknown as typeof fetch;
  return { calls, impl };
}

describe('ApiClient', () => {
  it('posts a download with the default options and the key in a header', async () => {
    const f = fakeFetch(202, { request_id: 'req_abcdefabcdef', status: 'queued' });
    const job = await new ApiClient('k1', '', f.impl).createDownload('https://x.test/v', DEFAULT_OPTIONS);
    expect(job.request_id).toBe('req_abcdefabcdef');
    expect(f.calls[0].url).toBe('/api/v1/download');
    expect(JSON.parse(String(f.calls[0].init.body))).toEqual({ url: 'https://x.test/v', quality: 'best', video_format: 'mp4', audio_format: 'mp3' });
    expect((f.calls[0].init.headers as Record<string, string>)['X-API-Key']).toBe('k1');
  });

  it('reads the list with a status filter and cursor', async () => {
    const f = fakeFetch(200, { downloads: [{ request_id: 'req_1' }], next_cursor: 'abc' });
    const page = await new ApiClient('k', '', f.impl).listDownloads({ status: 'running', cursor: 'prev' });
    expect(f.calls[0].url).toBe('/api/v1/downloads?limit=20&status=running&cursor=prev');
    expect(page).toEqual({ jobs: [{ request_id: 'req_1' }], nextCursor: 'abc' });
  });

  it('explains failures in words', async () => {
    const cases: Array<[number, unknown, Record<string, string>, RegExp, boolean]> = [
      [401, { error: { code: 'unauthorized', message: 'Invalid API key' } }, {}, /API key was not accepted/, false],
      [
        400,
        { error: { code: 'invalid_url', message: 'url: must be http or https', details: [{ field: 'url', message: 'bad scheme' }] } },
        {},
        /not accepted: url: must be http or https \(url: bad scheme\)\./,
        false,
      ],
      // the message already quotes its detail: said once, not twice
      [
        400,
        {
          error: {
            code: 'validation_error',
            message: 'url must be an http or https URL',
            details: [{ field: 'url', message: 'url must be an http or https URL' }],
          },
        },
        {},
        /^That was not accepted: url must be an http or https URL\.$/,
        false,
      ],
      [404, { error: { code: 'not_found', message: 'Cannot GET /api/v1/downloads?limit=20' } }, {}, /does not offer a list of downloads yet/, true],
      [404, { error: { code: 'not_found', message: 'No download with request_id req_x' } }, {}, /does not exist, or belongs to another API key/, false],
      [409, { error: { code: 'conflict', message: 'Download req_x already completed' } }, {}, /already completed/, false],
      [429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '3' }, /Wait 3 seconds/, false],
      [503, { error: { code: 'broker_unavailable', message: 'The job queue is unavailable' } }, {}, /Nothing was changed/, false],
    ];
    for (const [status, body, headers, words, unsupported] of cases) {
      const f = fakeFetch(status, body, headers);
      const err = await new ApiClient('k', '', f.impl).listDownloads({}).catch((e) => e);
      expect(err).toBeInstanceOf(ApiFailure);
      expect(err.message).toMatch(words);
      expect(err.unsupported).toBe(unsupported);
    }
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(new ApiClient('k', '', down).getDownload('req_1')).rejects.toThrow(/Cannot reach the server/);
  });

  it('answers the cancelled job even when DELETE returns no body', async () => {
    let n = 0;
    const impl = (async (_url: string, init: RequestInit) => {
      n += 1;
      if (init.method === 'DELETE') return new Response(null, { status: 204 });
      return new Response(JSON.stringify({ request_id: 'req_1', url: 'u', status: 'cancelled' }), { status: 200 });
    }) as unknown as typeof fetch;
    const job = await new ApiClient('k', '', impl).cancel('req_1');
    expect(job.status).toBe('cancelled');
    expect(n).toBe(2);
  });
});
