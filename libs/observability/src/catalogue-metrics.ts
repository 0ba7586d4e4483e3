import { Counter, Gauge, Histogram } from 'prom-client';
import { LabelSet, METRIC_CATALOGUE, MetricApp, MetricDefinition } from '@mda/contracts';
import { counter, gauge, histogram } from './metrics';

type Labels<D extends MetricDefinition> = D['labels'][number];

/** The counter of a catalogue entry (one instance per process). */
export function counterOf<D extends MetricDefinition & { type: 'counter' }>(def: D): Counter<Labels<D>> {
  return counter(def.name, def.help, def.labels as readonly Labels<D>[]);
}

export function gaugeOf<D extends MetricDefinition & { type: 'gauge' }>(def: D): Gauge<Labels<D>> {
  return gauge(def.name, def.help, def.labels as readonly Labels<D>[]);
}

export function histogramOf<D extends MetricDefinition & { type: 'histogram' }>(def: D): Histogram<Labels<D>> {
  return histogram(def.name, def.help, def.labels as readonly Labels<D>[], def.buckets ? [...def.buckets] : undefined);
}

/** Adds `sets` to a labelled metric at 0 (a counter's first increment is then seen by Prometheus). */
export function zeroLabels(def: MetricDefinition, sets: LabelSet[]): void {
  if (def.labels.length === 0) return;
  for (const set of sets) {
    if (def.type === 'counter') counter(def.name, def.help, def.labels).inc(set, 0);
    else if (def.type === 'gauge') gauge(def.name, def.help, def.labels).inc(set, 0);
    else histogram(def.name, def.help, def.labels, def.buckets ? [...def.buckets] : undefined).zero(set);
  }
}

/** Registers every catalogue metric of `app` and sets its known label sets to 0. */
export function initialiseMetrics(app: MetricApp): void {
  for (const def of METRIC_CATALOGUE.filter((d) => d.apps.includes(app))) {
    if (def.type === 'counter') counterOf(def as MetricDefinition & { type: 'counter' });
    else if (def.type === 'gauge') gaugeOf(def as MetricDefinition & { type: 'gauge' });
    else histogramOf(def as MetricDefinition & { type: 'histogram' });
    zeroLabels(def, def.initial?.(app) ?? []);
  }
}
