import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MediaServer, freePort, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { submit, waitAllFinal } from '../faults/support/jobs';
import { Receiver } from '../faults/support/receiver';

const DASHBOARD = resolve(__dirname, '../../../../deploy/grafana/dashboard.json');
const NAMESPACE = 'e2e';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

/**
 * Debian's Prometheus scrapes the three apps and RabbitMQ's per-queue metrics of a test run on
 * loopback; every dashboard query is evaluated and returns data, and the job and webhook counts
 * the dashboard shows equal what happened (the counters count from zero).
 */
describe('operations: the dashboard on a live Prometheus', () => {
  let sys: TestSystem;
  let receiver: Receiver;
  let media: MediaServer;
  let prometheus: ChildProcess;
  let promUrl: string;
  const promOutput: string[] = [];

  const query = async (expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  };
  const scalar = async (expr: string) => Number((await query(expr))[0]?.value[1] ?? NaN);

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { WEBHOOK_MAX_RETRIES: '1' } });
    receiver = await Receiver.start(sys.apiKey);
    const clip = await makeClip({ seconds: 2, title: 'Live Dashboard Clip' });
    media = await serveMedia(mediaRoot(), { bytesPerSecond: Math.ceil(statSync(clip).size / 2) });

    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const target = (job: string, address: string) => ({
      job_name: job,
      static_configs: [{ targets: [address], labels: { namespace: NAMESPACE, pod: `${job}-0` } }],
    });
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        target('gateway', `127.0.0.1:${sys.port}`),
        target('downloader-worker', `127.0.0.1:${sys.apps.get('downloader-worker')!.metricsPort}`),
        target('webhook-sender', `127.0.0.1:${sys.apps.get('webhook-sender')!.metricsPort}`),
        {
          job_name: 'rabbitmq',
          metrics_path: '/metrics/detailed',
          params: { vhost: [sys.vhost.name], family: ['queue_coarse_metrics', 'queue_consumer_count'] },
          static_configs: [{ targets: ['127.0.0.1:15692'] }],
        },
      ],
    };
    const dir = join(sys.dir, 'prometheus');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    prometheus.stderr!.on('data', (b: Buffer) => promOutput.push(b.toString()));
    // every target scraped at least twice before any traffic: the zeros are seen first
    await waitFor(async () => (await scalar('sum(up) + 0 * sum(count_over_time(up[1m]) > 2)').catch(() => NaN)) === 4, {
      timeoutMs: 30_000,
      what: `4 targets up (${promOutput.join('').slice(-300)})`,
    });

    receiver.failNext = 1; // one retry through the 1 s tier
    const ok = await submit(sys, media.urlFor(clip), receiver.url);
    const notFound = await submit(sys, media.urlFor('missing.mp4'), receiver.url.replace('/webhook', '/gone'));
    await waitAllFinal(sys, [ok.id!, notFound.id!], 60_000);
    await waitFor(() => receiver.delivered().some((r) => r.requestId === ok.id && r.event === 'download.completed'), {
      timeoutMs: 30_000,
      what: 'completed webhook',
    });
    // the failed job's webhooks go to a path that answers 404: dead after their retry
    await waitFor(async () => (await scalar(`sum(mda_webhook_dead_letters_total{namespace="${NAMESPACE}"})`)) >= 1, {
      timeoutMs: 30_000,
      what: 'a dead webhook scraped',
    });
    // a few more scrapes of the final counts
    const settled = Date.now() + 3000;
    await waitFor(() => Date.now() > settled, { timeoutMs: 5000, what: 'more scrapes' });
  }, 180_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await receiver?.close();
    await media?.close();
    await sys?.stop();
  }, 60_000);

  it('every dashboard query returns data', async () => {
    const panels = (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels.filter((p) => p.type !== 'row');
    const empty: string[] = [];
    const shown: string[] = [];
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const expr = t.expr
          .replace(/\$namespace/g, NAMESPACE)
          .replace(/\$vhost/g, sys.vhost.name)
          .replace(/\$__rate_interval/g, '30s')
          .replace(/\$__range/g, '5m');
        const result = await query(expr);
        if (result.length === 0) empty.push(`${p.title}: ${expr}`);
        else shown.push(`${p.title}: ${result.map((r) => `${JSON.stringify(r.metric)}=${r.value[1]}`).join(' ')}`);
      }
    }
    process.stdout.write(`dashboard values after the scripted run:\n${shown.join('\n')}\n`);
    expect(empty).toEqual([]);
  });

  it('shows the counts that happened: jobs, failure reasons, webhook attempts and retries', async () => {
    const inc = (sel: string) => scalar(`round(sum(increase(${sel}[5m])))`);
    expect(await inc(`mda_jobs_total{namespace="${NAMESPACE}", outcome="completed"}`)).toBe(1);
    expect(await inc(`mda_jobs_total{namespace="${NAMESPACE}", outcome="failed"}`)).toBe(1);
    expect(await inc(`mda_job_failures_total{namespace="${NAMESPACE}", error_code="not_found"}`)).toBe(1);
    expect(await inc(`mda_webhook_retries_total{namespace="${NAMESPACE}"}`)).toBeGreaterThanOrEqual(1);
    const sender = await (await fetch(`http://127.0.0.1:${sys.apps.get('webhook-sender')!.metricsPort}/metrics`)).text();
    const truth = (name: string) =>
      sender
        .split('\n')
        .filter((l) => l.startsWith(name))
        .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
    // what Prometheus saw grow since its first scrape (every series started at 0) is the whole truth;
    // increase() extrapolates a few percent on top of it
    const grown = (sel: string) => scalar(`sum(${sel}) - sum(min_over_time(${sel}[5m]))`);
    for (const name of ['mda_webhook_dead_letters_total', 'mda_webhook_attempts_total']) {
      const sel = `${name}{namespace="${NAMESPACE}"}`;
      expect(`${name} ${await grown(sel)}`).toBe(`${name} ${truth(name)}`);
      expect(Math.abs((await scalar(`sum(increase(${sel}[5m]))`)) - truth(name))).toBeLessThanOrEqual(Math.max(1, truth(name) * 0.1));
    }
  });
});
