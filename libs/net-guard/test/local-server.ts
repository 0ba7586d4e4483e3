import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that records every TCP connection and request, so tests can prove the
 * guard refused before anything reached the wire. (@mda/testing is off limits to a type:lib.)
 */
export interface RecordingServer {
  port: number;
  url: string;
  connections: number;
  /** Connections still open right now. */
  open(): number;
  requests: { method?: string; url?: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startRecordingServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RecordingServer> {
  const server: Server = createServer((req, res) => {
    recorder.requests.push({ method: req.method, url: req.url, headers: req.headers });
    handler(req, res);
  });
  let open = 0;
  server.on('connection', (socket) => {
    recorder.connections++;
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const recorder: RecordingServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: 0,
    open: () => open,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return recorder;
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
