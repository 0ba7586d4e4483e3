import { sql } from 'kysely';
import { Client } from 'pg';
import { TestDatabase, createTestDatabase, waitFor } from '@mda/testing';
import { createDatabase } from '../src/store/database';

/** PostgreSQL closing an idle pooled connection (restart, failover, administrator) must not end the gateway. */
describe('the PostgreSQL store when the server closes an idle connection', () => {
  let pg: TestDatabase;
  beforeAll(async () => {
    pg = await createTestDatabase();
  });
  afterAll(() => pg.dispose());

  it('drops the connection without an unhandled error and the next query opens a new one', async () => {
    const db = createDatabase({ databaseUrl: pg.url, sqlitePath: ':memory:' });
    const unhandled: unknown[] = [];
    const onError = (err: unknown) => void unhandled.push(err);
    process.on('uncaughtException', onError);
    try {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0].pid;
      const admin = new Client({ connectionString: pg.url });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      // the server has closed it: wait until no session with that pid is left
      const gone = new Client({ connectionString: pg.url });
      await gone.connect();
      await waitFor(async () => (await gone.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid])).rows[0].n === 0, {
        what: 'the terminated session to end',
      });
      await gone.end();
      const again = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0].pid;
      expect(again).not.toBe(pid);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
      await db.destroy();
    }
  });
});
