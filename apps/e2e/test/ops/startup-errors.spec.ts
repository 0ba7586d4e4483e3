import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestSystem } from '../support/system';

/**
 * A gateway whose SQLite path cannot be written (here its folder is a file, as a read-only root
 * is for a process that is not root) stops with a configuration error naming SQLITE_PATH,
 * exit 78, in JSON lines only: no raw driver error, no NestJS coloured stack trace.
 */
describe('start-up errors', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: [] });
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  }, 30_000);

  it('an unwritable SQLITE_PATH is a configuration error naming the variable, exit 78', async () => {
    const notADir = join(sys.dir, 'not-a-folder');
    writeFileSync(notADir, 'a file where the data folder should be');
    const app = await sys.startApp('gateway', { SQLITE_PATH: join(notADir, 'jobs.sqlite') });
    const [code] = (await once(app.child, 'exit')) as [number | null];
    expect(code).toBe(78);
    const lines = app.output.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return { unparsed: l };
      }
    });
    expect(lines.filter((l) => 'unparsed' in l)).toEqual([]);
    const fatal = lines.find((l) => l['level'] === 'fatal');
    expect(fatal).toEqual(
      expect.objectContaining({
        variable: 'SQLITE_PATH',
        msg: expect.stringMatching(/^Invalid configuration: SQLITE_PATH .*cannot be opened for writing \((EEXIST|ENOTDIR)/),
      }),
    );
    const all = app.output.join('\n');
    expect(all.includes(String.fromCharCode(27))).toBe(false); // no terminal colours
    expect(all).not.toMatch(/SqliteError|\[object Object\]/);
  }, 60_000);
});
