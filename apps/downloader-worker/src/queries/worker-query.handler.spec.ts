import { existsSync, readFileSync } from 'node:fs';
import type { ConsumeMessage } from 'amqplib';
import {
  sealCookies,
  Envelope,
  RawEnvelope,
  KeyedSlots,
  ListingResult,
  MetadataResult,
  RandomIdGenerator,
  SystemClock,
  WORKER_QUERY_BUSY,
  WorkerQuery,
  WorkerQueryReply,
} from '@mda/contracts';
import { AmqpContext, EventPublisher, Publisher } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { NodeFsJobCookieFiles } from '../cookies/adapters/node-fs-job-cookie-files';
import { InspectOptions, MediaInspector } from './ports/media-inspector';
import { WorkerQueryHandler } from './worker-query.handler';
import { ToolsMonitor } from '../tools/tools-monitor';

const META: MetadataResult = {
  title: 'Clip',
  uploader: null,
  duration: 3,
  thumbnail: null,
  extractor: 'generic',
  webpage_url: null,
  upload_date: null,
  formats: [],
};

/** An inspector whose metadata calls stay open until the test finishes them. */
class HeldInspector extends MediaInspector {
  readonly open: Array<() => void> = [];
  /** What each listing saw of its cookies file while it ran. */
  readonly cookieTexts: Array<{ path?: string; text: string | null }> = [];
  metadata(): Promise<MetadataResult> {
    return new Promise((resolve) => this.open.push(() => resolve(META)));
  }
  listing(_url: string, _max: number, _ms: number, opts?: InspectOptions): Promise<ListingResult> {
    this.cookieTexts.push({ path: opts?.cookiesFile, text: opts?.cookiesFile ? readFileSync(opts.cookiesFile, 'utf8') : null });
    return Promise.resolve({ title: null, uploader: null, entries: [] });
  }
}

function setup(perKey: number) {
  const replies: Array<{ to: string; reply: WorkerQueryReply }> = [];
  const publisher = {
    publish: async (_exchange: string, routingKey: string, env: RawEnvelope<WorkerQueryReply>) => {
      replies.push({ to: routingKey, reply: env.data });
    },
  } as unknown as Publisher;
  const inspector = new HeldInspector();
  const handler = new WorkerQueryHandler(
    inspector,
    new EventPublisher(publisher, new SystemClock(), new RandomIdGenerator()),
    new SystemClock(),
    createLogger('query-test', 'silent'),
    new KeyedSlots(perKey),
    new ToolsMonitor([], async () => ({ ok: true, version: 'x' }), createLogger('query-test', 'silent')),
    new NodeFsJobCookieFiles(KEY_HEX),
  );
  let n = 0;
  const ask = (keyFp: string | null) => {
    const env = {
      id: `m${++n}`,
      type: 'metadata.requested',
      version: 1,
      occurred_at: new Date().toISOString(),
      correlation_id: 'c',
      data: { kind: 'metadata', url: 'http://127.0.0.1/x', key_fp: keyFp },
    } as Envelope<'metadata.requested'>;
    const msg = { properties: { replyTo: `reply-${n}`, correlationId: `corr-${n}`, headers: {} }, fields: { redelivered: false } } as unknown as ConsumeMessage;
    return handler.answer(env, new AmqpContext(msg));
  };
  const askListing = (data: Partial<WorkerQuery>) => {
    const env = {
      id: `m${++n}`,
      type: 'metadata.requested',
      version: 1,
      occurred_at: new Date().toISOString(),
      correlation_id: 'c',
      data: { kind: 'listing', url: 'http://127.0.0.1/feed', max_entries: 10, ...data },
    } as Envelope<'metadata.requested'>;
    const msg = { properties: { replyTo: `reply-${n}`, correlationId: `corr-${n}`, headers: {} }, fields: { redelivered: false } } as unknown as ConsumeMessage;
    return handler.answer(env, new AmqpContext(msg));
  };
  return { replies, inspector, ask, askListing };
}

const KEY_HEX = '11'.repeat(32);

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const flush = () => new Promise((r) => setImmediate(r));

describe('WorkerQueryHandler: a key holds at most its share of the query slots', () => {
  it('answers the surplus of one key busy at once and still runs another key', async () => {
    const { replies, inspector, ask } = setup(2);
    const held = [ask(A), ask(A)];
    await flush();
    expect(inspector.open).toHaveLength(2);

    // the third of key A does not wait for a slot: it is answered now, without a yt-dlp run
    await expect(ask(A)).resolves.toBe('ack');
    expect(inspector.open).toHaveLength(2);
    expect(replies).toEqual([
      { to: 'reply-3', reply: { ok: false, error: { code: WORKER_QUERY_BUSY, message: expect.stringMatching(/already has 2 metadata or listing queries/) } } },
    ]);

    // key B is not counted against A
    const b = ask(B);
    await flush();
    expect(inspector.open).toHaveLength(3);
    inspector.open.splice(0).forEach((finish) => finish());
    await Promise.all([...held, b]);
    expect(replies.filter((r) => r.reply.ok)).toHaveLength(3);
  });

  it('gives a key its slot back when a query finishes, and counts queries without a fingerprint as one key', async () => {
    const { replies, inspector, ask } = setup(1);
    const first = ask(A);
    await flush();
    inspector.open.shift()!();
    await first;
    const second = ask(A);
    await flush();
    expect(inspector.open).toHaveLength(1);
    inspector.open.shift()!();
    await second;

    const anon = ask(null);
    await flush();
    await ask(null);
    expect(replies.at(-1)?.reply).toMatchObject({ ok: false, error: { code: WORKER_QUERY_BUSY } });
    inspector.open.shift()!();
    await anon;
  });
});

describe('WorkerQueryHandler: a query with cookies', () => {
  const text = '# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tq-secret\n';

  it('hands the inspector a private file with the cookies sealed for its query id, removed after', async () => {
    const { replies, inspector, askListing } = setup(2);
    const sealed = sealCookies(Buffer.from(KEY_HEX, 'hex'), text, 'qry_abcdefgh1234');
    await askListing({ cookies: sealed, query_id: 'qry_abcdefgh1234' });
    expect(replies.at(-1)?.reply).toMatchObject({ ok: true, kind: 'listing' });
    expect(inspector.cookieTexts).toEqual([{ path: expect.any(String), text }]);
    expect(existsSync(inspector.cookieTexts[0].path!)).toBe(false);
  });

  it('refuses cookies sealed for another query id, without running the inspector', async () => {
    const { replies, inspector, askListing } = setup(2);
    const sealed = sealCookies(Buffer.from(KEY_HEX, 'hex'), text, 'qry_other0000');
    await askListing({ cookies: sealed, query_id: 'qry_abcdefgh1234' });
    expect(replies.at(-1)?.reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(JSON.stringify(replies)).not.toContain('q-secret');
    expect(inspector.cookieTexts).toEqual([]);
  });
});
