import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer, startLocalServer } from '@mda/testing';

/** A short mp4 with a title, made by ffmpeg. */
export function makeTestClip(seconds = 3, title = 'Test Clip'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'mda-clip-'));
  const out = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=320x240:rate=25`,
    '-f',
    'lavfi',
    '-i',
    'sine',
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    '-metadata',
    `title=${title}`,
    '-movflags',
    '+faststart',
    out,
  ]);
  return readFileSync(out);
}

/**
 * Serves files on 127.0.0.1; `bytesPerSec` slows a response down so a download lasts long
 * enough to report progress. Unknown paths answer 404.
 */
export async function serveFiles(files: Record<string, { body: Buffer; type: string }>, bytesPerSec?: number): Promise<LocalServer> {
  return startLocalServer((req, res) => {
    const f = files[(req.url ?? '').split('?')[0]];
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.length });
    if (!bytesPerSec) {
      res.end(f.body);
      return;
    }
    const chunk = Math.max(1, Math.floor(bytesPerSec / 10));
    let off = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(f.body.subarray(off, off + chunk));
      off += chunk;
      if (off >= f.body.length) {
        clearInterval(timer);
        res.end();
      }
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
}
