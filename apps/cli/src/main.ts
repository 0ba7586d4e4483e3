#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { MdaClient } from '@mda/client';
import { QUALITIES, VIDEO_FORMATS } from '@mda/contracts';
import { download } from './download';
import { EXIT, ExitCode } from './exit-codes';
import { Io, printResult, processIo } from './output';
import { readSettings } from './settings';

/** Runs one `mda` command line and answers its exit code (never calls process.exit itself). */
export async function run(argv: string[], env: NodeJS.ProcessEnv, io: Io = processIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const client = () => {
    const s = readSettings(env);
    if (!s.ok) throw new UsageError(s.message);
    return { settings: s.settings, api: new MdaClient(s.settings) };
  };
  const program = new Command('mda')
    .description(
      'Media Download API from the command line. Settings: MDA_URL (default http://127.0.0.1:8080), MDA_API_KEY.\nExit codes: 0 ok, 1 job failed or cancelled, 2 usage, 3 API or network error.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('download')
    .description('Submit a download; with --wait, show its progress and save the file')
    .argument('<url>', 'http or https URL of a video page, stream or file')
    .addOption(new Option('-q, --quality <quality>', 'quality').choices([...QUALITIES]))
    .addOption(new Option('-f, --format <format>', 'video container').choices([...VIDEO_FORMATS]))
    .option('-w, --wait', 'wait for the download, show progress and save the file', false)
    .option('-o, --output <dir>', 'where --wait saves the file', '.')
    .option('--webhook-url <url>', 'receives signed webhook events')
    .action(
      async (
        url: string,
        o: { quality?: (typeof QUALITIES)[number]; format?: (typeof VIDEO_FORMATS)[number]; wait: boolean; output: string; webhookUrl?: string },
      ) => {
        const { settings } = client();
        code = await download(settings, { url, quality: o.quality, format: o.format, wait: o.wait, output: o.output, webhookUrl: o.webhookUrl }, io);
      },
    );
  program
    .command('status')
    .description('A download: status, progress, file')
    .argument('<id>', 'request_id')
    .action(async (id: string) => void (code = printResult(io, await client().api.get(id))));
  program
    .command('list')
    .description('Your downloads, newest first')
    .addOption(new Option('-s, --status <status>', 'only this status').choices(['queued', 'running', 'completed', 'failed', 'cancelled']))
    .option('-n, --limit <n>', 'how many (1-100)', (v) => Number(v))
    .option('--cursor <cursor>', 'next_cursor of the previous page')
    .action(async (o: { status?: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'; limit?: number; cursor?: string }) => {
      code = printResult(
        io,
        await client().api.list({
          ...(o.status ? { status: o.status } : {}),
          ...(o.limit ? { limit: o.limit } : {}),
          ...(o.cursor ? { cursor: o.cursor } : {}),
        }),
      );
    });
  program
    .command('cancel')
    .description('Cancel a download')
    .argument('<id>', 'request_id')
    .action(async (id: string) => void (code = printResult(io, await client().api.cancel(id))));
  program
    .command('webhooks')
    .description("A download's webhook events and delivery attempts")
    .argument('<id>', 'request_id')
    .action(async (id: string) => void (code = printResult(io, await client().api.webhooks(id))));
  program
    .command('redeliver')
    .description("Send a download's dead webhook events again")
    .argument('<id>', 'request_id')
    .option('-a, --all', 'also events that were delivered', false)
    .action(async (id: string, o: { all: boolean }) => void (code = printResult(io, await client().api.redeliver(id, o.all))));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.err(`mda: ${err.message}`);
      return EXIT.usage;
    }
    io.err(`mda: ${(err as Error).message}`);
    return EXIT.apiError;
  }
}

class UsageError extends Error {}

if (require.main === module) {
  void run(process.argv.slice(2), process.env).then((c) => {
    process.exitCode = c;
  });
}
