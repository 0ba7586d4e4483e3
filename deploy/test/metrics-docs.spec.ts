/**
 * The README's metric table is the catalogue of libs/contracts/src/metrics.ts, row for row:
 * a metric added to the code without docs (or documented and gone) fails here.
 */
import { METRIC_CATALOGUE } from '@mda/contracts';
import { readRepoFile } from './support/repo.util';

/** One README row per catalogue entry. */
function metricTableRows(): string[] {
  return METRIC_CATALOGUE.map((m) => `  | \`${m.name}\` | ${m.type} | ${m.labels.join(', ') || '–'} | ${m.apps.join(', ')} |`);
}

describe('README metric table', () => {
  it('lists exactly the catalogue, in its order', () => {
    const readme = readRepoFile('README.md');
    const documented = readme.split('\n').filter((l) => /^ {2}\| `mda_/.test(l));
    if (process.env['PRINT_METRIC_TABLE']) process.stdout.write(metricTableRows().join('\n') + '\n');
    expect(documented).toEqual(metricTableRows());
  });
});
