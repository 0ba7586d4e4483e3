import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/** Registers the default process metrics once per process. */
export function collectProcessMetrics(registry: Registry = register): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry });
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  const existing = register.getSingleMetric(name) as Counter<L> | undefined;
  return existing ?? new Counter({ name, help, labelNames: labelNames as L[] });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  const existing = register.getSingleMetric(name) as Gauge<L> | undefined;
  return existing ?? new Gauge({ name, help, labelNames: labelNames as L[] });
}

export function histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]): Histogram<L> {
  const existing = register.getSingleMetric(name) as Histogram<L> | undefined;
  return existing ?? new Histogram({ name, help, labelNames: labelNames as L[], ...(buckets ? { buckets } : {}) });
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
