import { Clock, fileSignature, verifyFileSignature } from '@mda/contracts';

/** A file entry with a link: `file_info` itself, and each of its `files` (sidecars) that names its path. */
interface Linked {
  filepath: string;
  download_url: string;
}

/**
 * Signs `download_url`s when they are handed out (never stored signed) and checks the links that
 * come back to /files. The secret stays inside (a private field: not in logs or JSON).
 */
export class FileLinks {
  readonly #secret: string;

  constructor(
    secret: string,
    private readonly ttlSec: number,
    private readonly clock: Clock,
  ) {
    if (!secret) throw new Error('FileLinks needs a signing secret');
    this.#secret = secret;
  }

  /** The link with a fresh signature valid for FILES_URL_TTL_SEC; any query it had (an older signature) is replaced. */
  sign(downloadUrl: string, filepath: string): string {
    const expires = Math.floor(this.clock.nowMs() / 1000) + this.ttlSec;
    return `${downloadUrl.split('?')[0]}?expires=${expires}&signature=${fileSignature(this.#secret, filepath, expires)}`;
  }

  /** A copy of `file_info` whose links (its own and its sidecars') carry fresh signatures. */
  signFileInfo<T extends Linked>(info: T): T {
    const files = (info as { files?: unknown }).files;
    const signed: T = { ...info, download_url: this.sign(info.download_url, info.filepath) };
    if (Array.isArray(files)) {
      (signed as { files?: unknown }).files = files.map((f: Partial<Linked>) =>
        typeof f?.download_url === 'string' && typeof f.filepath === 'string' ? { ...f, download_url: this.sign(f.download_url, f.filepath) } : f,
      );
    }
    return signed;
  }

  /** True when `signature` is this server's for `filepath` until `expires` (seconds), and that is not past. */
  verify(filepath: string, expires: number, signature: string): boolean {
    return verifyFileSignature(this.#secret, filepath, expires, signature, Math.floor(this.clock.nowMs() / 1000));
  }
}
