/** Parses PromQL with the Prometheus project's own grammar (@prometheus-io/lezer-promql). */
import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** Grafana's built-in interval variables, replaced by a duration so the query parses as PromQL. */
const GRAFANA_DURATIONS = /\$__(rate_interval|interval|range)\b/g;

export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: LabelMatcher[];
}

export interface ParsedQuery {
  /** Syntax errors (lezer marks input it cannot parse with error nodes). */
  errors: string[];
  /** Every vector selector with its metric name and label matchers. */
  selectors: Selector[];
}

/** A PromQL string literal's value ("..." with JSON-like escapes, or '...'). */
function stringValue(literal: string): string {
  if (literal.startsWith('"')) return JSON.parse(literal) as string;
  return literal.slice(1, -1);
}

function matchersOf(selector: SyntaxNode, text: string): LabelMatcher[] {
  const list = selector.getChild('LabelMatchers');
  if (!list) return [];
  const out: LabelMatcher[] = [];
  for (let m = list.firstChild; m; m = m.nextSibling) {
    const name = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (name && op && value) {
      out.push({
        label: text.slice(name.from, name.to),
        op: text.slice(op.from, op.to) as LabelMatcher['op'],
        value: stringValue(text.slice(value.from, value.to)),
      });
    }
  }
  return out;
}

export function parsePromQL(expr: string): ParsedQuery {
  const text = expr.replace(GRAFANA_DURATIONS, '5m');
  const tree = parser.parse(text);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) errors.push(`syntax error at ${cursor.from} near "${text.slice(Math.max(0, cursor.from - 15), cursor.to + 15)}"`);
    if (cursor.name === 'VectorSelector') {
      const node = cursor.node;
      const id = node.getChild('Identifier');
      const matchers = matchersOf(node, text);
      const metric = id ? text.slice(id.from, id.to) : (matchers.find((m) => m.label === '__name__' && m.op === '=')?.value ?? '');
      selectors.push({ metric, matchers: matchers.filter((m) => m.label !== '__name__') });
    }
  } while (cursor.next());
  return { errors, selectors };
}

/** Whether a label value satisfies a matcher (regexes are anchored, as in Prometheus). */
export function satisfies(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(value);
  }
}

/** Histogram series carry _bucket, _sum and _count suffixes on the registered name. */
export function baseMetricName(series: string, histograms: ReadonlySet<string>): string {
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  return m && histograms.has(m[1]) ? m[1] : series;
}
