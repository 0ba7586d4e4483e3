import { METRIC_APPS, METRIC_CATALOGUE, MetricApp } from '@mda/contracts';
import { TestSystem } from '../support/system';
import { Sample, scrape } from './support/metrics';

/**
 * A fresh system scraped once before any traffic: every counter of the catalogue is there at 0
 * with its known label sets, so Prometheus sees the first event of each as an increase.
 */
describe('operations: counters count from zero', () => {
  let sys: TestSystem;
  const scraped = new Map<MetricApp, Sample[]>();

  beforeAll(async () => {
    sys = await TestSystem.start();
    for (const app of METRIC_APPS) {
      const url = app === 'gateway' ? `${sys.baseUrl}/metrics` : `http://127.0.0.1:${sys.apps.get(app)!.metricsPort}/metrics`;
      scraped.set(app, (await scrape(url)).samples);
    }
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('exposes every counter of every app at 0 before the first request', () => {
    const missing: string[] = [];
    const nonZero: string[] = [];
    for (const def of METRIC_CATALOGUE.filter((d) => d.type === 'counter')) {
      for (const app of def.apps) {
        const samples = scraped.get(app)!.filter((s) => s.name === def.name);
        if (samples.length === 0) missing.push(`${app} ${def.name}`);
        // the scrape itself is the only request so far; it is not counted until answered
        nonZero.push(...samples.filter((s) => s.value !== 0).map((s) => `${app} ${def.name}${JSON.stringify(s.labels)}=${s.value}`));
        for (const set of def.initial?.(app) ?? []) {
          const found = samples.some((s) => Object.entries(set).every(([k, v]) => s.labels[k] === v));
          if (!found) missing.push(`${app} ${def.name}${JSON.stringify(set)}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(nonZero.filter((s) => !s.includes('"route":"/health/ready"'))).toEqual([]);
  });

  it('starts every gateway route at 0 for 200 and 500', () => {
    const http = scraped.get('gateway')!.filter((s) => s.name === 'mda_http_requests_total');
    const routes = new Set(http.map((s) => `${s.labels['method']} ${s.labels['route']}`));
    expect(routes).toContain('POST /api/v1/download');
    expect(routes).toContain('GET /api/v1/download/:request_id');
    expect(
      http
        .filter((s) => s.labels['route'] === '/api/v1/download' && s.labels['method'] === 'POST')
        .map((s) => s.labels['status'])
        .sort(),
    ).toEqual(['200', '500']);
  });

  it('starts histograms at 0 for their known outcomes and events, and the store as usable', () => {
    const worker = scraped.get('downloader-worker')!;
    expect(worker.filter((s) => s.name === 'mda_download_duration_seconds_count').map((s) => [s.labels['outcome'], s.value])).toEqual([
      ['completed', 0],
      ['failed', 0],
      ['cancelled', 0],
    ]);
    expect(worker.find((s) => s.name === 'mda_store_writable')?.value).toBe(1);
    expect(worker.filter((s) => s.name === 'mda_job_failures_total').map((s) => s.labels['error_code'])).toContain('storage_error');
  });
});
