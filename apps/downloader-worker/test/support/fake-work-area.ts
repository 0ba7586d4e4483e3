import { WorkArea } from '../../src/download/ports/work-area';

/** The work area in memory: job folders are names, files are sizes; `fail` makes the next calls throw. */
export class FakeWorkArea extends WorkArea {
  /** Folders prepared and not cleaned yet. */
  readonly open = new Set<string>();
  readonly prepared: string[] = [];
  readonly cleaned: string[] = [];
  /** Files in the work area by path, with their sizes (a fake downloader adds its output here). */
  readonly files = new Map<string, number>();
  /** Errors the next `prepare` calls throw, in order. */
  readonly prepareFailures: Error[] = [];

  dirOf(requestId: string): string {
    return `/work/.partial/${requestId}`;
  }

  async prepare(requestId: string): Promise<string> {
    const failure = this.prepareFailures.shift();
    if (failure) throw failure;
    const dir = this.dirOf(requestId);
    for (const path of [...this.files.keys()]) if (path.startsWith(`${dir}/`)) this.files.delete(path);
    this.open.add(requestId);
    this.prepared.push(requestId);
    return dir;
  }

  async write(requestId: string, name: string, content: string): Promise<string> {
    if (!this.open.has(requestId)) throw Object.assign(new Error(`ENOENT: no work folder for ${requestId}`), { code: 'ENOENT' });
    const path = `${this.dirOf(requestId)}/${name}`;
    this.files.set(path, Buffer.byteLength(content));
    return path;
  }

  async clean(requestId: string): Promise<void> {
    const dir = this.dirOf(requestId);
    for (const path of [...this.files.keys()]) if (path.startsWith(`${dir}/`)) this.files.delete(path);
    this.open.delete(requestId);
    this.cleaned.push(requestId);
  }

  /** The cutoffs `sweep` was called with. */
  readonly sweeps: Date[] = [];

  async sweep(before: Date): Promise<number> {
    this.sweeps.push(before);
    return 0;
  }

  /** Size of a file in the work area (what the fake media store records when it takes it). */
  readonly sizeOf = (path: string): number => this.files.get(path) ?? 0;
}
/** An errno-style error as node:fs throws it. */
export function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}
