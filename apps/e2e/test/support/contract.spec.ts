import { startLocalServer } from '@mda/testing';
import { DOCUMENT, checkedFetch, operationOf, responseProblems, takeContractProblems, watchGateway } from './contract';
import { DocumentedSchemas } from './openapi-schemas';

/** The contract check itself: it must catch drift, or the suite-wide check proves nothing. */
describe('the e2e contract check', () => {
  const base = 'http://127.0.0.1:1';
  const json = 'application/json; charset=utf-8';
  const job = {
    request_id: 'req_abc',
    url: 'https://example.com/v',
    status: 'queued',
    progress: { percent: 0, downloaded_bytes: 0, total_bytes: null, speed: null, eta: null },
    file_info: null,
    metadata: null,
    error: null,
    error_code: null,
    options: {},
    webhook_url: null,
    batch_id: null,
    created_at: '2025-11-06T10:00:00.000Z',
    started_at: null,
    completed_at: null,
  };

  it('maps paths to their templates, literal routes first', () => {
    expect(operationOf('get', '/api/v1/download/req_abc')).toBe('/api/v1/download/{request_id}');
    expect(operationOf('post', '/api/v1/batch/download')).toBe('/api/v1/batch/download');
    expect(operationOf('get', '/api/v1/batch/batch_x')).toBe('/api/v1/batch/{batch_id}');
    expect(operationOf('get', '/files/videos/a/b.mp4')).toBe('/files/{path}');
    expect(operationOf('get', '/api/v1/health/stats')).toBe('/api/v1/health/stats');
  });

  it('passes a documented answer', () => {
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 200, json, JSON.stringify(job))).toEqual([]);
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 404, json, JSON.stringify({ error: { code: 'not_found', message: 'No job' } }))).toEqual(
      [],
    );
    expect(responseProblems('GET', `${base}/api/v1/nothing-here`, 404, json, '{"error":{"code":"not_found","message":"x"}}')).toEqual([]);
  });

  it('flags a body that is not the documented shape', () => {
    const { status: _s, ...noStatus } = job;
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 200, json, JSON.stringify(noStatus)).join()).toMatch(/status/);
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 200, json, JSON.stringify({ ...job, status: 'paused' })).join()).toMatch(
      /allowed values/,
    );
    expect(responseProblems('GET', `${base}/api/v1/batch/b1`, 200, json, JSON.stringify({ batch_id: 'b1' })).length).toBeGreaterThan(0);
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 400, json, JSON.stringify({ message: 'flat error' })).join()).toMatch(
      /documents no 400|error/,
    );
  });

  it('flags a status the route does not document, and an API route missing from the document', () => {
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 418, json, '{}').join()).toMatch(/documents no 418/);
    expect(responseProblems('GET', `${base}/api/v1/something-new`, 200, json, '{}').join()).toMatch(/not in the OpenAPI document/);
    expect(responseProblems('GET', `${base}/api/v1/download/req_abc`, 200, 'text/html', undefined).join()).toMatch(/answered text\/html/);
    expect(responseProblems('GET', `${base}/metrics`, 200, 'text/plain; version=0.0.4', undefined)).toEqual([]);
    // a stored .info.json is a file, not an API body
    expect(responseProblems('GET', `${base}/files/videos/a.info.json`, 200, 'application/json', '{"id":"x"}')).toEqual([]);
    expect(responseProblems('GET', `${base}/files/videos/nope.mp4`, 404, json, '{"nope":1}').length).toBeGreaterThan(0);
  });

  it('validates webhook bodies against the documented events', () => {
    const schemas = new DocumentedSchemas(DOCUMENT);
    expect(schemas.webhookProblems('download.started', { event: 'download.started' }).length).toBeGreaterThan(0);
    expect(schemas.webhookProblems('download.nonsense', {}).join()).toMatch(/not documented/);
  });
});

describe('the e2e contract check on requests that cannot be read', () => {
  it('accepts 408/414/431 on any route in the ErrorResponse shape only, and survives malformed %-escapes', () => {
    const json = 'application/json; charset=utf-8';
    const err = JSON.stringify({ error: { code: 'headers_too_large', message: 'Request headers too large' } });
    expect(responseProblems('GET', 'http://127.0.0.1:1/api/v1/downloads', 431, json, err)).toEqual([]);
    expect(responseProblems('GET', 'http://127.0.0.1:1/api/v1/downloads', 431, json, '{"message":"flat"}').length).toBeGreaterThan(0);
    expect(
      responseProblems(
        'GET',
        'http://127.0.0.1:1/api/v1/download/%E0%A4%A',
        400,
        json,
        JSON.stringify({ error: { code: 'validation_error', message: 'bad escape' } }),
      ),
    ).toEqual([]);
  });
});

describe('the fetch wrapper', () => {
  it('hands the response back untouched and reports a drifted body once its check has run', async () => {
    const server = await startLocalServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"request_id":"req_x"}'));
    try {
      watchGateway(server.url);
      const res = await checkedFetch(globalThis.fetch)(`${server.url}/api/v1/download/req_x`);
      expect(await res.json()).toEqual({ request_id: 'req_x' });
      const problems = await takeContractProblems();
      expect(problems.join('\n')).toMatch(/GET \/api\/v1\/download\/req_x → 200: .*must have required property 'status'/);
    } finally {
      await server.close();
    }
  });
});
