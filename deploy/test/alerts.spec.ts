/**
 * The alert rules that ship with the system: a PrometheusRule in the kustomize base and the same
 * groups as a plain rules file, checked and unit-tested with promtool (Debian's `prometheus`
 * package), reading only metrics that exist and covering what an operator must hear about.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { METRIC_CATALOGUE, TOPOLOGY } from '@mda/contracts';
import { get } from './support/cluster.util';
import { renderKustomization } from './support/kustomize.util';
import { baseMetricName, parsePromQL, satisfies } from './support/promql.util';
import { DEPLOY_DIR, readRepoFile, repoPath } from './support/repo.util';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}
interface Groups {
  groups: Array<{ name: string; rules: Rule[] }>;
}
interface RuleTests {
  rule_files: string[];
  tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

const RULES_FILE = 'deploy/prometheus/rules.yaml';
const TESTS_FILE = 'deploy/prometheus/rules.test.yaml';
const plain = parse(readRepoFile(RULES_FILE)) as Groups;
const operator = parse(readRepoFile('deploy/base/prometheusrule.yaml')) as { spec: Groups };
const rules = plain.groups.flatMap((g) => g.rules);
const tests = parse(readRepoFile(TESTS_FILE)) as RuleTests;

/** Metrics an alert may read: the apps' catalogue, rabbitmq_prometheus, kubelet volume stats, `up`. */
const KNOWN = new Set([
  ...METRIC_CATALOGUE.map((m) => m.name),
  'rabbitmq_detailed_queue_messages',
  'rabbitmq_detailed_queue_messages_ready',
  'rabbitmq_detailed_queue_consumers',
  'rabbitmq_disk_space_available_bytes',
  'rabbitmq_disk_space_available_limit_bytes',
  'kubelet_volume_stats_available_bytes',
  'kubelet_volume_stats_capacity_bytes',
  'up',
]);

function promtool(...args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('promtool', args, { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('alert rules', () => {
  it('ship as a PrometheusRule in the base, with the same groups as the plain rules file', () => {
    const objects = renderKustomization(join(DEPLOY_DIR, 'base'));
    const rule = get(objects, 'PrometheusRule', 'media-download-api');
    expect((rule.spec as unknown as Groups).groups).toEqual(plain.groups);
    expect(operator.spec.groups).toEqual(plain.groups);
  });

  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', repoPath(RULES_FILE));
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.ok).toBe(true);
  });

  it('pass their promtool unit tests on synthetic series', () => {
    const r = promtool('test', 'rules', repoPath(TESTS_FILE));
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('a wrong expectation fails promtool test rules (guards the guard)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mda-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yaml'), readRepoFile(RULES_FILE));
      const broken: RuleTests = JSON.parse(JSON.stringify(tests));
      const firing = broken.tests.flatMap((t) => t.alert_rule_test).find((a) => a.exp_alerts.length > 0)!;
      firing.exp_alerts = [];
      writeFileSync(join(dir, 'rules.test.yaml'), JSON.stringify(broken));
      const r = promtool('test', 'rules', join(dir, 'rules.test.yaml'));
      expect(r.ok).toBe(false);
      expect(r.output).toContain(firing.alertname);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each alert has a unit test where it fires', () => {
    const firing = new Set(
      tests.tests
        .flatMap((t) => t.alert_rule_test)
        .filter((a) => a.exp_alerts.length > 0)
        .map((a) => a.alertname),
    );
    expect(rules.map((r) => r.alert).filter((a) => !firing.has(a))).toEqual([]);
  });

  it('alert on job failures, dead letters, queue wait, no worker, webhook deaths, broker, disk and targets', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'MdaBrokerDisconnected',
        'MdaBrokerDiskNearlyFull',
        'MdaDeadLettersPresent',
        'MdaGatewayAbsent',
        'MdaJobFailureRateHigh',
        'MdaJobQueueBacklog',
        'MdaJobStorageErrors',
        'MdaMediaStoreUnusable',
        'MdaMediaVolumeNearlyFull',
        'MdaNoWorkerConsuming',
        'MdaTargetDown',
        'MdaWebhookDeadRateHigh',
      ].sort(),
    );
    for (const r of rules) {
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.description).toBeTruthy();
    }
  });

  it('read only metrics that exist', () => {
    const histograms = new Set(METRIC_CATALOGUE.filter((m) => m.type === 'histogram').map((m) => m.name));
    const read = rules.flatMap((r) => parsePromQL(r.expr).selectors.map((s) => baseMetricName(s.metric, histograms)));
    expect(rules.filter((r) => parsePromQL(r.expr).errors.length > 0).map((r) => r.alert)).toEqual([]);
    expect(read.filter((m) => !KNOWN.has(m))).toEqual([]);
  });

  it('cover every dead-letter queue of the topology, and no work queue', () => {
    const dead = rules.find((r) => r.alert === 'MdaDeadLettersPresent')!;
    const matcher = parsePromQL(dead.expr).selectors[0].matchers.find((m) => m.label === 'queue')!;
    const queues = TOPOLOGY.queues.map((q) => q.name);
    const deadQueues = queues.filter((q) => q.endsWith('.dead'));
    expect(deadQueues.filter((q) => !satisfies(matcher, q))).toEqual([]);
    expect(queues.filter((q) => !q.endsWith('.dead') && satisfies(matcher, q))).toEqual([]);
  });
});
