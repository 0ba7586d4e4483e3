import { LocalServer, startLocalServer } from '@mda/testing';

/** Bytes held back until the gate opens: no download of the file can finish before that. */
const HELD_TAIL = 64 * 1024;
/** While closed, the rest before the tail trickles at this many bytes every 200 ms (the connection stays alive). */
const TRICKLE = 4 * 1024;

export interface GatedSource extends LocalServer {
  /** Sends every held tail now, and whole files from then on. */
  open(): void;
  /** Requests whose held tail has been sent. */
  readonly finished: () => number;
}

/**
 * Serves one file (no ranges, so a downloader takes it on one connection) that cannot be
 * downloaded completely while the gate is closed: the head goes at once, the middle trickles,
 * the last HELD_TAIL bytes wait for open(). Jobs on it stay running for as long as a test needs.
 */
export async function serveGated(body: Buffer, contentType: string): Promise<GatedSource> {
  if (body.length <= 2 * HELD_TAIL) throw new Error(`serveGated needs a file over ${2 * HELD_TAIL} bytes`);
  let opened = false;
  let finished = 0;
  const waiting = new Set<() => void>();
  const local = await startLocalServer((req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length, 'accept-ranges': 'none' });
    if (req.method === 'HEAD') return void res.end();
    const tailAt = body.length - HELD_TAIL;
    let off = Math.min(HELD_TAIL, tailAt);
    res.write(body.subarray(0, off));
    const finish = () => {
      clearInterval(timer);
      waiting.delete(finish);
      if (res.destroyed) return;
      res.end(body.subarray(off));
      finished++;
    };
    const timer = setInterval(() => {
      if (off >= tailAt) return;
      const next = Math.min(off + TRICKLE, tailAt);
      res.write(body.subarray(off, next));
      off = next;
    }, 200);
    res.on('close', () => {
      clearInterval(timer);
      waiting.delete(finish);
    });
    if (opened) finish();
    else waiting.add(finish);
  });
  return {
    ...local,
    open: () => {
      opened = true;
      for (const finish of [...waiting]) finish();
    },
    finished: () => finished,
  };
}
