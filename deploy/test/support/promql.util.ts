/** Parses PromQL with the Prometheus project's own grammar (@prometheus-io/lezer-promql). */
import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's built-in interval variables, replaced by a duration so the query parses as PromQL. */
const GRAFANA_DURATIONS = /\$__(rate_interval|interval|range)\b/g;

export interface ParsedQuery {
  /** Syntax errors (lezer marks unparsable input with error nodes). */
  errors: string[];
  /** Metric names of every vector selector. */
  metrics: string[];
}

export function parsePromQL(expr: string): ParsedQuery {
  const text = expr.replace(GRAFANA_DURATIONS, '5m');
  const tree = parser.parse(text);
  const errors: string[] = [];
  const metrics: string[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) errors.push(`syntax error at ${cursor.from}: "${text.slice(Math.max(0, cursor.from - 10), cursor.to + 10)}"`);
    if (cursor.name === 'VectorSelector') {
      const selector = cursor.node;
      const id = selector.getChild('Identifier');
      if (id) metrics.push(text.slice(id.from, id.to));
      else {
        // {__name__="..."} form
        const m = /__name__\s*=\s*"([^"]+)"/.exec(text.slice(selector.from, selector.to));
        if (m) metrics.push(m[1]);
      }
    }
  } while (cursor.next());
  return { errors, metrics };
}

/** Histogram series carry _bucket, _sum and _count suffixes on the registered name. */
export function baseMetricName(series: string, histograms: ReadonlySet<string>): string {
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  return m && histograms.has(m[1]) ? m[1] : series;
}
