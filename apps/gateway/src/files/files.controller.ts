import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../docs/decorators';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clock } from '@mda/contracts';
import { FileLinks } from '@mda/file-links';
import { InvalidKeyError, MediaStore, StoredObject } from '@mda/media-store';
import { ApiError } from '../common/api-error';
import { Public } from '../common/identity';
import type { ApiKeyIdentity } from '../common/api-keys';
import { FilesRateLimitGuard } from '../rate-limit/files-rate-limit.guard';
import { JobFilesRepository } from '../store/job-files.repository';
import { parseRange } from './byte-range';
import { parseFilePath } from './file-path';
import { mediaTypeOf } from './media-types';

const PREFIX = '/files/';

/**
 * GET /files/{filepath}: a stored file, streamed, with Range, ETag and the right Content-Type.
 * Needs the signed, expiring query of `download_url` (anyone holding the link), or the X-API-Key
 * of the job that wrote the file: another key gets the same 404 as a missing file.
 */
@Public() // the key is optional here: a signed link stands in for it (checked below)
@UseGuards(FilesRateLimitGuard)
@ApiTags('files')
@Controller()
export class FilesController {
  constructor(
    private readonly clock: Clock,
    private readonly links: FileLinks,
    private readonly owners: JobFilesRepository,
    private readonly store: MediaStore,
  ) {}

  @Get('files/*')
  @ApiOperation({
    summary: 'Download a stored file',
    description:
      'Streams a stored file with Range, ETag and its Content-Type. Authorised by the signed, expiring query of `download_url` (`expires` and `signature`: anyone holding the link) or by the X-API-Key of the job that wrote it.',
  })
  @ApiSecurity('signed_link')
  @ApiSecurity('api_key')
  @ApiParam({ name: 'path', description: 'The file path under the media folder (file_info.filepath), slashes included', example: 'videos/video-abc123.mp4' })
  @ApiQuery({ name: 'expires', required: false, schema: { type: 'integer' }, description: 'Unix seconds; part of the signed link' })
  @ApiQuery({ name: 'signature', required: false, schema: { type: 'string' }, description: 'Part of the signed link' })
  @ApiProduces('*/*')
  @ApiResponse({
    status: 200,
    description: "The file's bytes, with its own Content-Type (video/mp4, audio/mpeg, text/vtt, application/json for a .info.json sidecar, …)",
    schema: { type: 'string', format: 'binary' },
  })
  @ApiResponse({ status: 206, description: 'A byte range of the file (Range), with its own Content-Type', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match)' })
  @ApiErrors(400, 401, 404, 416, 429, 500)
  async serve(@Req() req: FastifyRequest & { identity?: ApiKeyIdentity }, @Res() reply: FastifyReply): Promise<void> {
    const rawUrl = req.raw.url ?? req.url;
    const rawPath = rawUrl.split('?')[0];
    if (!rawPath.startsWith(PREFIX)) throw new ApiError('not_found', 'File not found');
    const parsed = parseFilePath(rawPath.slice(PREFIX.length));
    if (!parsed.ok) {
      throw parsed.problem.kind === 'hidden' ? new ApiError('not_found', 'File not found') : new ApiError('validation_error', parsed.problem.message);
    }
    await this.authorize(req, parsed.path);
    const file = await this.statFile(parsed.path);
    if (!file) throw new ApiError('not_found', `File not found: ${parsed.path}`);
    const etag = file.etag;
    void reply
      .header('Accept-Ranges', 'bytes')
      .header('ETag', etag)
      .header('Last-Modified', file.lastModified.toUTCString())
      .header('Cache-Control', 'private, max-age=0')
      .header('Content-Disposition', contentDisposition(parsed.path));
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      await reply.code(304).send();
      return;
    }
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== etag ? ({ kind: 'full' } as const) : parseRange(req.headers.range, file.size);
    if (range.kind === 'unsatisfiable') {
      await reply
        .code(416)
        .header('Content-Range', `bytes */${file.size}`)
        .header('Content-Type', 'application/json')
        .send({
          error: { code: 'range_not_satisfiable', message: `The range is outside the file (${file.size} bytes)` },
        });
      return;
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, file.size - 1];
    if (range.kind === 'partial') void reply.code(206).header('Content-Range', `bytes ${start}-${end}/${file.size}`);
    void reply.header('Content-Type', mediaTypeOf(parsed.path)).header('Content-Length', String(Math.max(0, end - start + 1)));
    if (req.method === 'HEAD' || file.size === 0) {
      await reply.send();
      return;
    }
    // streamed from the store (never buffered): the folder's open file or the bucket's GET body
    const opened = await this.store.read(parsed.path, range.kind === 'partial' ? { start, end } : undefined);
    if (!opened) throw new ApiError('not_found', `File not found: ${parsed.path}`);
    if (opened.etag !== etag) {
      // replaced between the stat and the read: these bytes do not match the headers already set
      opened.body.destroy();
      for (const h of ['ETag', 'Last-Modified', 'Content-Range', 'Content-Length', 'Content-Type', 'Content-Disposition', 'Accept-Ranges'])
        reply.removeHeader(h);
      void reply.code(200);
      throw new ApiError('not_found', `File not found: ${parsed.path}`);
    }
    await reply.send(opened.body);
  }

  /** The stored file, or null (no such file, or a path no store key can name). */
  private async statFile(path: string): Promise<StoredObject | null> {
    try {
      return await this.store.stat(path);
    } catch (err) {
      if (err instanceof InvalidKeyError) return null;
      throw err;
    }
  }

  /**
   * A valid signature is the capability: it serves whoever holds the link, with or without a key.
   * Otherwise an API key serves only the files of its own jobs; a file no job owns (or another
   * key's) is 404, the answer for a missing file, so a key learns nothing about other keys' files.
   */
  private async authorize(req: FastifyRequest & { identity?: ApiKeyIdentity }, filepath: string): Promise<void> {
    const q = req.query as Record<string, string | string[] | undefined>;
    const expires = typeof q['expires'] === 'string' ? q['expires'] : undefined;
    const signature = typeof q['signature'] === 'string' ? q['signature'] : undefined;
    const signed = expires !== undefined || signature !== undefined;
    if (signed && expires && signature && /^\d{1,12}$/.test(expires) && this.links.verify(filepath, Number(expires), signature)) return;
    if (req.identity) {
      if ((await this.owners.ownerOf(filepath)) !== req.identity.fingerprint) throw new ApiError('not_found', `File not found: ${filepath}`);
      return;
    }
    if (signed) {
      if (!expires || !signature || !/^\d{1,12}$/.test(expires))
        throw new ApiError('unauthorized', 'Invalid signed link: expires and signature are both required');
      if (Number(expires) < Math.floor(this.clock.nowMs() / 1000))
        throw new ApiError('unauthorized', 'This signed link has expired; fetch the job again for a fresh download_url');
      throw new ApiError('unauthorized', 'Invalid signed link: the signature does not match');
    }
    const presented = req.headers['x-api-key'];
    throw new ApiError('unauthorized', presented ? 'Invalid API key' : 'Missing API key: send X-API-Key or use the signed download_url');
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);
}

function contentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // attachment: a stored file is never rendered as a page of this origin (with nosniff, set for every response)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
