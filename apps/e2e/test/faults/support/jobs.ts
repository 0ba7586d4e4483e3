import { waitFor } from '@mda/testing';
import type { TestSystem } from '../../support/system';

const FINAL = ['completed', 'failed', 'cancelled'];

/** POSTs a download; returns the request id when accepted (202), undefined when refused. */
export async function submit(sys: TestSystem, url: string, webhookUrl?: string): Promise<{ status: number; id?: string }> {
  const r = await sys.api('POST', '/api/v1/download', { url, ...(webhookUrl ? { webhook_url: webhookUrl } : {}) });
  return { status: r.status, id: r.status === 202 ? (r.body.request_id as string) : undefined };
}

export async function statuses(sys: TestSystem, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of ids) {
    const r = await sys.api('GET', `/api/v1/download/${id}`).catch(() => undefined);
    out.set(id, r?.status === 200 ? (r.body.status as string) : `http_${r?.status ?? 'error'}`);
  }
  return out;
}

/** Waits until every job has a final status in the gateway's store; returns the statuses. */
export async function waitAllFinal(sys: TestSystem, ids: string[], timeoutMs: number): Promise<Map<string, string>> {
  let last = new Map<string, string>();
  try {
    await waitFor(
      async () => {
        last = await statuses(sys, ids);
        return [...last.values()].every((s) => FINAL.includes(s));
      },
      { timeoutMs, intervalMs: 250, what: 'every job final' },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(Object.fromEntries(last))}`);
  }
  return last;
}

/** Parsed JSON log lines of one process (non-JSON lines are returned as { raw }). */
export function jsonLines(output: string[]): Array<Record<string, any>> {
  return output.map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return { raw: l };
    }
  });
}

/** Request ids whose download this process started (its "download started" log lines). */
export function startedBy(output: string[]): string[] {
  return jsonLines(output)
    .filter((l) => l.event === 'download.started' && l.request_id)
    .map((l) => l.request_id as string);
}

/** Request ids this process finished (completed, failed or cancelled). */
export function finishedBy(output: string[]): string[] {
  return jsonLines(output)
    .filter((l) => typeof l.event === 'string' && ['download.completed', 'download.failed', 'download.cancelled'].includes(l.event) && l.request_id)
    .map((l) => l.request_id as string);
}
