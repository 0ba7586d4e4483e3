/**
 * deploy/grafana/dashboard.json: valid Grafana dashboard JSON whose every query parses as PromQL
 * and reads only metrics that exist (the apps' own, prom-client's defaults, rabbitmq_prometheus'),
 * covering what operators watch: HTTP, downloads, queue depths, webhook delivery, broker links.
 */
import { join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { MAX_RETRY_TIERS, METRIC_CATALOGUE, QUEUES, TOPOLOGY, retryTierQueue } from '@mda/contracts';
import { dataValues, get } from './support/cluster.util';
import { renderKustomization } from './support/kustomize.util';
import { Selector, baseMetricName, parsePromQL, satisfies } from './support/promql.util';
import { DEPLOY_DIR, readRepoFile } from './support/repo.util';

/** The metrics the apps register: the catalogue of libs/contracts, the one list code, dashboard, alerts and docs share. */
const APP_METRICS = METRIC_CATALOGUE.map((m) => m.name);
const APP_HISTOGRAMS = METRIC_CATALOGUE.filter((m) => m.type === 'histogram').map((m) => m.name);
/** Series Prometheus itself writes for every target. */
const PROMETHEUS_SERIES = ['up'];

/** Per-queue series of rabbitmq_prometheus: /metrics/detailed (queue_coarse_metrics, queue_consumer_count) and /metrics/per-object. */
const RABBITMQ_METRICS = [
  'rabbitmq_detailed_queue_messages',
  'rabbitmq_detailed_queue_messages_ready',
  'rabbitmq_detailed_queue_messages_unacked',
  'rabbitmq_detailed_queue_consumers',
  'rabbitmq_queue_messages',
  'rabbitmq_queue_messages_ready',
  'rabbitmq_queue_messages_unacked',
  'rabbitmq_queue_consumers',
];

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
}

const text = readRepoFile('deploy/grafana/dashboard.json');
const dashboard = JSON.parse(text) as Dashboard;
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, expr: t.expr, parsed: parsePromQL(t.expr) })));
const selectors: Selector[] = queries.flatMap((q) => q.parsed.selectors);

function promClientDefaults(): { names: Set<string>; histograms: Set<string> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = registry.getMetricsAsArray() as unknown as Array<{ name: string; constructor: { name: string } }>;
  return { names: new Set(metrics.map((m) => m.name)), histograms: new Set(metrics.filter((m) => m.constructor.name === 'Histogram').map((m) => m.name)) };
}

const defaults = promClientDefaults();
const histograms = new Set([...APP_HISTOGRAMS, ...defaults.histograms]);
const known = new Set([...APP_METRICS, ...defaults.names, ...RABBITMQ_METRICS, ...PROMETHEUS_SERIES]);
const queried = new Set(selectors.map((s) => baseMetricName(s.metric, histograms)));

/** Metrics of `catalogue` that no query reads. */
const uncharted = (catalogue: string[], read: Set<string>) => catalogue.filter((m) => !read.has(m));

/** Queries that read `metric`, as text. */
const queriesOf = (metric: string) => queries.filter((q) => q.parsed.selectors.some((s) => baseMetricName(s.metric, histograms) === metric)).map((q) => q.expr);

describe('Grafana dashboard', () => {
  it('is a dashboard of schemaVersion 36 or later with a stable uid', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
  });

  it('lays out panels on the 24-column grid without overlaps, with unique ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const overlaps: string[] = [];
    dashboard.panels.forEach((a, i) => {
      expect(a.gridPos.x + a.gridPos.w).toBeLessThanOrEqual(24);
      dashboard.panels.slice(i + 1).forEach((b) => {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`${a.title} / ${b.title}`);
      });
    });
    expect(overlaps).toEqual([]);
  });

  it('queries a Prometheus data source chosen by a variable, in every panel and target', () => {
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toEqual(expect.objectContaining({ type: 'datasource', query: 'prometheus' }));
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource).toEqual(p.datasource);
    }
  });

  it('has queries that all parse as PromQL', () => {
    expect(queries.length).toBeGreaterThan(20);
    expect(queries.filter((q) => q.parsed.errors.length > 0).map((q) => `${q.panel.title}: ${q.expr}: ${q.parsed.errors.join('; ')}`)).toEqual([]);
  });

  it('the PromQL check catches a broken query (guards the guard)', () => {
    expect(parsePromQL('sum(rate(mda_jobs_total[5m])').errors).not.toEqual([]);
    expect(parsePromQL('sum by (queue) (rabbitmq_detailed_queue_messages{queue=~"a|b"})').selectors).toEqual([
      { metric: 'rabbitmq_detailed_queue_messages', matchers: [{ label: 'queue', op: '=~', value: 'a|b' }] },
    ]);
  });

  it('reads only metrics the apps, prom-client or rabbitmq_prometheus export', () => {
    expect(defaults.names.has('process_resident_memory_bytes')).toBe(true);
    const unknown = [...queried].filter((m) => !known.has(m));
    expect(unknown).toEqual([]);
    const variableMetrics = dashboard.templating.list.flatMap((v) => {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(q);
      return m ? [m[1]] : [];
    });
    expect(variableMetrics.filter((m) => !known.has(m))).toEqual([]);
  });

  it('charts every metric of the catalogue (panel coverage)', () => {
    expect(uncharted(APP_METRICS, queried)).toEqual([]);
  });

  it('the panel-coverage check catches a metric with no panel and a panel naming an unknown metric (guards the guard)', () => {
    expect(uncharted([...APP_METRICS, 'mda_new_thing_total'], queried)).toEqual(['mda_new_thing_total']);
    const bogus = parsePromQL('sum(rate(mda_jobs_totl[5m]))').selectors.map((x) => baseMetricName(x.metric, histograms));
    expect(bogus.filter((m) => !known.has(m))).toEqual(['mda_jobs_totl']);
  });

  it('the catalogue names each metric once, with the Prometheus naming rules', () => {
    expect(new Set(APP_METRICS).size).toBe(APP_METRICS.length);
    for (const m of METRIC_CATALOGUE) {
      expect(m.name).toMatch(/^mda_[a-z_]+$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      if (m.type === 'histogram') expect(m.name).toMatch(/_seconds$/);
      expect(m.apps.length).toBeGreaterThan(0);
    }
  });

  it('shows HTTP p99, download p50/p95 and webhook delivery p50/p99 latencies', () => {
    const quantiles = (metric: string) =>
      queriesOf(metric)
        .map((e) => /histogram_quantile\(\s*([0-9.]+)/.exec(e)?.[1])
        .filter(Boolean)
        .map(Number)
        .sort((a, b) => a - b);
    expect(quantiles('mda_http_request_duration_seconds')).toEqual([0.99]);
    expect(quantiles('mda_download_duration_seconds')).toEqual([0.5, 0.95]);
    // p50 and p99 of the job events, p99 of download.progress apart
    expect(quantiles('mda_webhook_delivery_latency_seconds')).toEqual([0.5, 0.99, 0.99]);
    for (const p of panels.filter((x) => /latency|duration/i.test(x.title))) expect(`${p.title}: ${p.fieldConfig?.defaults?.unit}`).toBe(`${p.title}: s`);
  });

  it('keeps download.progress apart in the webhook success rate and latency, so it cannot dominate them', () => {
    for (const metric of ['mda_webhook_delivery_latency_seconds']) {
      const qs = queriesOf(metric);
      expect(qs.length).toBeGreaterThan(0);
      for (const q of qs) expect(q).toMatch(/event(!=|=)"download\.progress"/);
      expect(qs.filter((q) => q.includes('event!="download.progress"')).length).toBeGreaterThan(0);
    }
    const rates = panels.find((p) => p.title === 'Webhook success rate')?.targets?.map((t) => t.expr) ?? [];
    expect(rates).toHaveLength(2);
    for (const q of rates) expect(q.match(/event(!=|=)"download\.progress"/g)).toHaveLength(2);
  });

  it('shows jobs per minute by outcome, and webhook retries by tier', () => {
    expect(queriesOf('mda_jobs_total')).toContainEqual(
      expect.stringMatching(/^sum by \(outcome\) \(rate\(mda_jobs_total\{[^}]*\}\[\$__rate_interval\]\)\) \* 60$/),
    );
    expect(queriesOf('mda_webhook_retries_total')).toContainEqual(expect.stringMatching(/sum by \(tier\)/));
  });

  it('shows the depth of the work queues, every retry tier and the dead-letter queue', () => {
    const depth = selectors.filter((s) => /^rabbitmq_(detailed_)?queue_messages(_ready)?$/.test(s.metric));
    const shown = (queue: string) =>
      depth.some((s) => s.matchers.filter((m) => m.label === 'queue').every((m) => satisfies(m, queue)) && s.matchers.some((m) => m.label === 'queue'));
    const tiers = Array.from({ length: MAX_RETRY_TIERS }, (_, i) => retryTierQueue(i + 1));
    const wanted = [QUEUES.downloaderJobs, QUEUES.webhooksDeliver, QUEUES.webhooksDead, ...tiers];
    expect(wanted.filter((q) => !shown(q))).toEqual([]);
    const deadQueues = TOPOLOGY.queues.map((q) => q.name).filter((q) => q.endsWith('.dead'));
    expect(deadQueues.length).toBeGreaterThanOrEqual(7);
    expect(deadQueues.filter((q) => !shown(q))).toEqual([]);
  });

  it('shows failure reasons, targets down, worker replicas and the media store state', () => {
    expect(queriesOf('mda_job_failures_total')).toContainEqual(expect.stringMatching(/sum by \(error_code\)/));
    expect(queriesOf('up')).toContainEqual(expect.stringMatching(/1 - up\{/));
    expect(queriesOf('up')).toContainEqual(expect.stringMatching(/job="downloader-worker"/));
    expect(queriesOf('mda_store_writable').length).toBeGreaterThan(0);
  });

  it('times completed downloads only', () => {
    for (const q of queriesOf('mda_download_duration_seconds')) expect(q).toContain('outcome="completed"');
  });

  it('names only queues the topology declares', () => {
    const declared = TOPOLOGY.queues.map((q) => q.name);
    const queueMatchers = selectors.flatMap((s) => s.matchers.filter((m) => m.label === 'queue'));
    for (const m of queueMatchers) {
      if (m.op === '=') expect(declared).toContain(m.value);
      // each alternative of a regex must match a declared queue (catches a misspelt name)
      if (m.op === '=~')
        for (const alt of m.value.split('|')) expect(`${alt}: ${declared.some((q) => new RegExp(`^(?:${alt})$`).test(q))}`).toBe(`${alt}: true`);
    }
  });

  it('shows webhook success rate as delivered over all attempts, and broker connectivity per app', () => {
    const rate = queriesOf('mda_webhook_attempts_total').find((e) => e.includes('outcome="delivered"') && e.includes(' / '));
    expect(rate).toBeDefined();
    expect(queriesOf('mda_broker_connected')).toContainEqual(expect.stringMatching(/^min by \(job\)/));
  });
});

describe('dashboard ConfigMap', () => {
  it('carries dashboard.json unchanged, labelled for the Grafana sidecar', () => {
    const objects = renderKustomization(join(DEPLOY_DIR, 'base'));
    const cm = get(objects, 'ConfigMap', 'mda-grafana-dashboard');
    expect(cm.metadata.labels?.['grafana_dashboard']).toBe('1');
    expect(Object.values(dataValues(cm))).toEqual([text]);
  });
});
