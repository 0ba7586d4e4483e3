import { Clock, fileSignature, verifyFileSignature } from '@mda/contracts';

/** A file entry with a link: `file_info` itself, and each of its `files` (sidecars) that names its path. */
interface Linked {
  filepath: string;
  download_url: string;
  filename?: string;
}

/**
 * A store that hands out its own download links (an S3 bucket: presigned GETs), valid for
 * `expiresInSec` and naming `filename` in Content-Disposition; null: no direct link (served by `/files`).
 */
export interface DirectDownloads {
  presignedGetUrl(key: string, opts: { expiresInSec: number; filename: string }): Promise<string | null>;
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
    /** With S3_PUBLIC_DOWNLOADS: `download_url` is the store's presigned GET instead of a signed `/files` link. */
    private readonly direct?: DirectDownloads,
  ) {
    if (!secret) throw new Error('FileLinks needs a signing secret');
    this.#secret = secret;
  }

  /** The link with a fresh signature valid for FILES_URL_TTL_SEC; any query it had (an older signature) is replaced. */
  sign(downloadUrl: string, filepath: string): string {
    const expires = Math.floor(this.clock.nowMs() / 1000) + this.ttlSec;
    return `${downloadUrl.split('?')[0]}?expires=${expires}&signature=${fileSignature(this.#secret, filepath, expires)}`;
  }

  /**
   * A copy of `file_info` whose links (its own and its sidecars') are fresh: signed `/files` links,
   * or the store's presigned GETs (lifetime FILES_URL_TTL_SEC, the file's name as attachment).
   */
  async signFileInfo<T extends Linked>(info: T): Promise<T> {
    const files = (info as { files?: unknown }).files;
    const signed: T = { ...info, download_url: await this.link(info) };
    if (Array.isArray(files)) {
      (signed as { files?: unknown }).files = await Promise.all(
        files.map(async (f: Partial<Linked>) =>
          typeof f?.download_url === 'string' && typeof f.filepath === 'string' ? { ...f, download_url: await this.link(f as Linked) } : f,
        ),
      );
    }
    return signed;
  }

  private async link(f: Linked): Promise<string> {
    if (this.direct) {
      const filename = typeof f.filename === 'string' && f.filename ? f.filename : f.filepath.slice(f.filepath.lastIndexOf('/') + 1);
      const url = await this.direct.presignedGetUrl(f.filepath, { expiresInSec: this.ttlSec, filename });
      if (url) return url;
    }
    return this.sign(f.download_url, f.filepath);
  }

  /** True when `signature` is this server's for `filepath` until `expires` (seconds), and that is not past. */
  verify(filepath: string, expires: number, signature: string): boolean {
    return verifyFileSignature(this.#secret, filepath, expires, signature, Math.floor(this.clock.nowMs() / 1000));
  }
}
