import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@mda/testing';
import { TestSystem } from '../../support/system';

const run = promisify(execFile);
const FINAL = ['completed', 'failed', 'cancelled'];

/** Submits a download and returns its request id (fails the test on anything but 202). */
export async function submit(sys: TestSystem, body: Record<string, unknown>): Promise<string> {
  const r = await sys.api('POST', '/api/v1/download', body);
  if (r.status !== 202) throw new Error(`submit answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.request_id;
}

/** Polls the job until it reaches a final status and returns it. */
export async function waitFinal(sys: TestSystem, id: string, timeoutMs = 60_000): Promise<any> {
  return waitFor(
    async () => {
      const job = (await sys.api('GET', `/api/v1/download/${id}`)).body;
      return FINAL.includes(job.status) ? job : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `job ${id} final` },
  );
}

export async function waitStatus(sys: TestSystem, id: string, status: string, timeoutMs = 30_000): Promise<any> {
  return waitFor(
    async () => {
      const job = (await sys.api('GET', `/api/v1/download/${id}`)).body;
      return job.status === status ? job : undefined;
    },
    { timeoutMs, intervalMs: 25, what: `job ${id} ${status}` },
  );
}

/** Streams and duration of a stored file, from ffprobe. */
export async function probe(path: string): Promise<{ duration: number; streams: Array<{ codec_type: string; codec_name: string }> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name', '-of', 'json', path]);
  const j = JSON.parse(stdout);
  return { duration: Number(j.format.duration), streams: j.streams };
}

/** Entries of the partial-files folder for a job (none once it is over). */
export function partialEntries(sys: TestSystem, id: string): string[] {
  try {
    return readdirSync(join(sys.storageDir, '.partial', id));
  } catch {
    return [];
  }
}

/** Live processes (not zombies) whose command line mentions `needle` (a job's work folder). */
export function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (cmd.includes(needle) && state !== 'Z') found.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return found;
}
