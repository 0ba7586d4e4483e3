import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import { DownloadRequest, Job, MdaClient, subscribeEvents } from '@mda/client';
import { EXIT, ExitCode } from './exit-codes';
import { Io, describeError } from './output';
import { Settings } from './settings';

export interface DownloadArgs {
  url: string;
  quality?: DownloadRequest['quality'];
  format?: DownloadRequest['video_format'];
  wait: boolean;
  output?: string;
  webhookUrl?: string;
  pollMs?: number;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * `mda download URL`: submits; with --wait follows the events stream (a progress bar on stderr,
 * with polling as a safety net), then saves the file under --output and prints its path.
 */
export async function download(settings: Settings, args: DownloadArgs, io: Io): Promise<ExitCode> {
  const client = new MdaClient(settings);
  const body: DownloadRequest = {
    url: args.url,
    ...(args.quality ? { quality: args.quality } : {}),
    ...(args.format ? { video_format: args.format } : {}),
    ...(args.webhookUrl ? { webhook_url: args.webhookUrl } : {}),
  };
  if (!args.wait) {
    const r = await client.submit(body);
    if (!r.ok) return fail(io, r.status, r.error);
    io.out(JSON.stringify(r.data, null, 2));
    return EXIT.ok;
  }

  // subscribe before submitting so no event of the job is missed
  const abort = new AbortController();
  let requestId: string | null = null;
  let latest: Job | null = null;
  let settle: (job: Job) => void = () => undefined;
  const finished = new Promise<Job>((r) => (settle = r));
  const bar = new SingleBar({ format: '{bar} {percentage}% | {status} | {speed}', hideCursor: true, stream: io.stderr }, Presets.shades_classic);
  let barStarted = false;
  const seen = (job: Job) => {
    if (job.request_id !== requestId) return;
    latest = job;
    if (!barStarted) {
      bar.start(100, 0, { status: job.status, speed: '' });
      barStarted = true;
    }
    const speed = job.progress.speed ? `${(job.progress.speed / 1048576).toFixed(1)} MiB/s` : '';
    bar.update(Math.min(100, Math.round(job.progress.percent)), { status: job.status, speed });
    if (FINAL.has(job.status)) settle(job);
  };
  const stream = subscribeEvents({ ...settings, signal: abort.signal, onEvent: (e) => e.event === 'job' && seen(e.data as Job) });

  const submitted = await client.submit(body);
  if (!submitted.ok) {
    abort.abort();
    await stream;
    return fail(io, submitted.status, submitted.error);
  }
  requestId = submitted.data.request_id;
  io.err(`submitted ${requestId}`);
  seen(submitted.data);

  let apiError: { status: number; body: Parameters<typeof describeError>[1] } | null = null;
  const poll = setInterval(() => {
    void client.get(requestId as string).then((r) => {
      if (r.ok) seen(r.data);
      else if (r.status !== 0 && r.status !== 429) {
        apiError = { status: r.status, body: r.error };
        settle(latest ?? submitted.data);
      }
    });
  }, args.pollMs ?? 2000);
  const job = await finished;
  clearInterval(poll);
  abort.abort();
  await stream;
  if (barStarted) bar.stop();
  if (apiError) return fail(io, (apiError as { status: number }).status, (apiError as { body: Parameters<typeof describeError>[1] }).body);

  if (job.status !== 'completed') {
    io.err(`download ${job.status}: ${job.error_code ?? job.status}${job.error ? `: ${job.error}` : ''}`);
    return EXIT.jobFailed;
  }
  // the event may predate the signed link; the job itself always has a fresh one
  const fresh = await client.get(job.request_id);
  if (!fresh.ok) return fail(io, fresh.status, fresh.error);
  const info = fresh.data.file_info;
  if (!info) {
    io.err('the job completed without a file');
    return EXIT.apiError;
  }
  if (!info.download_url) {
    io.err("the job's files were deleted or expired");
    return EXIT.apiError;
  }
  const dir = resolve(args.output ?? '.');
  await mkdir(dir, { recursive: true });
  const target = join(dir, basename(info.filename));
  const res = await client.download(info.download_url);
  if (!res.ok) return fail(io, res.status, res.error);
  const part = `${target}.part`;
  try {
    await pipeline(Readable.fromWeb(res.data.body as import('node:stream/web').ReadableStream), createWriteStream(part));
    await rename(part, target);
  } catch (err) {
    await rm(part, { force: true });
    io.err(`could not save ${target}: ${(err as Error).message}`);
    return EXIT.apiError;
  }
  io.out(target);
  return EXIT.ok;
}

function fail(io: Io, status: number, body: Parameters<typeof describeError>[1]): ExitCode {
  io.err(describeError(status, body));
  return EXIT.apiError;
}
