import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error';
import { Public } from '../common/identity';
import { DashboardFiles } from './adapters/dashboard-files';
import { ASSET_CACHE_CONTROL, NON_PAGE_PREFIXES, PAGE_HEADERS } from './dashboard-headers';

/**
 * The dashboard page at `/`, its hashed `/assets/*`, and the same page for its client-side routes
 * (`/downloads/req_…`) so a reload or a shared link works. Paths of the API and of operators keep
 * their own 404. Nothing here needs a key: the page asks for one and keeps it in session storage.
 */
@Public()
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(private readonly files: DashboardFiles) {}

  @Get()
  index(@Res() reply: FastifyReply): void {
    this.sendPage(reply);
  }

  @Get('assets/:name')
  asset(
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const asset = this.files.asset(name);
    if (!asset) throw new ApiError('not_found', `No dashboard asset ${name}`);
    void reply.headers({ 'Cache-Control': ASSET_CACHE_CONTROL, ETag: asset.etag, Vary: 'Accept-Encoding', 'X-Content-Type-Options': 'nosniff' });
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === asset.etag)) {
      void reply.status(304).send();
      return;
    }
    const gzip = asset.gzip && /\bgzip\b/.test(acceptEncoding ?? '');
    if (gzip) void reply.header('Content-Encoding', 'gzip');
    void reply.type(asset.type).send(gzip ? asset.gzip : asset.body);
  }

  // Fastify's own wildcard syntax: its router tries every static and parametric route first
  @Get('*')
  fallback(@Param('*') path: string, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): void {
    const parts = path.split('/');
    const wantsHtml = (accept ?? '').includes('text/html');
    if (NON_PAGE_PREFIXES.includes(parts[0] ?? '') || !wantsHtml) throw new ApiError('not_found', `Cannot GET /${parts.join('/')}`);
    this.sendPage(reply);
  }

  private sendPage(reply: FastifyReply): void {
    const html = this.files.indexHtml;
    if (!html) {
      void reply
        .status(503)
        .header('Content-Type', 'text/plain; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .send('The dashboard is not built. Run: npx nx run dashboard:build');
      return;
    }
    void reply.headers(PAGE_HEADERS).send(html);
  }
}
