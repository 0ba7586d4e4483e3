import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { readBody } from '@mda/testing';
import { checkWebhook } from '../../support/contract';

export interface Receipt {
  id: string;
  event: string;
  requestId: string;
  attempt: number;
  status: number;
  verified: boolean;
  at: number;
}

export type ReceiverMode = 'ok' | 'fail503';

/**
 * A webhook receiver on 127.0.0.1 that checks signatures and records every attempt. It can
 * answer 503 for a while, or go away entirely (`down()`: the port refuses connections) and
 * come back on the same port.
 */
export class Receiver {
  readonly receipts: Receipt[] = [];
  mode: ReceiverMode = 'ok';
  /** Answer this many next attempts with 503 (then back to `mode`). */
  failNext = 0;
  /** Hold every answer this long (an in-flight delivery for shutdown tests). */
  delayMs = 0;
  /** Requests being answered right now. */
  inFlight = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly apiKey: string) {}

  static async start(apiKey: string): Promise<Receiver> {
    const r = new Receiver(apiKey);
    await r.listen(0);
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhook`;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    try {
      await this.answer(req, res);
    } finally {
      this.inFlight--;
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    checkWebhook(req.headers, body);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const sig = String(req.headers['x-webhook-signature'] ?? '');
    const want = 'sha256=' + createHmac('sha256', this.apiKey).update(body).digest('hex');
    const verified = sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
    let payload: { event?: string; request_id?: string } = {};
    try {
      payload = JSON.parse(body.toString());
    } catch {
      /* recorded as unverified below */
    }
    // a path ending in /gone is a permanent failure (410): the delivery is dead-lettered at once
    const gone = (req.url ?? '').endsWith('/gone');
    const failing = this.mode === 'fail503' || (this.failNext > 0 && this.failNext-- > 0);
    const status = !verified ? 401 : gone ? 410 : failing ? 503 : 200;
    this.receipts.push({
      id: String(req.headers['x-webhook-id'] ?? ''),
      event: String(payload.event ?? ''),
      requestId: String(payload.request_id ?? ''),
      attempt: Number(req.headers['x-webhook-attempt'] ?? 0),
      status,
      verified,
      at: Date.now(),
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"status":"ok"}' : '{"error":"unavailable"}');
  }

  /** Stops listening and cuts open connections: attempts now fail with connection refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  delivered(): Receipt[] {
    return this.receipts.filter((r) => r.status === 200);
  }

  async close(): Promise<void> {
    await this.down();
  }
}
