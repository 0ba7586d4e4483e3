import 'reflect-metadata';
import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { Type, plainToInstance } from 'class-transformer';
import { IsString, ValidateNested, getMetadataStorage } from 'class-validator';
import { CreateBatchDto } from '../batches/dto/create-batch.dto';
import { ChannelDownloadDto, ChannelInfoQuery } from '../channels/dto/channel.dto';
import { CreateCookiesDto } from '../cookies/dto/create-cookies.dto';
import { CreateDownloadDto } from '../downloads/dto/create-download.dto';
import { ListDownloadsQuery } from '../downloads/list-downloads.query';
import { PlaylistDownloadDto, PlaylistPreviewQuery } from '../playlists/dto/playlist.dto';
import { compileFastCheck } from './fast-validation';
import { createValidationPipe, validationPipeOptions } from './validation';

/** The pipe without a fast path: the reference the fast path must agree with. */
const full = new ValidationPipe(validationPipeOptions());
const fast = createValidationPipe();

const SEED = { url: 'https://example.com/video', quality: '1080p', webhook_url: 'https://your-app.com/webhook' };

/** Values every property is tried with: right and wrong types, bounds, odd URLs and strings. */
const CORPUS: unknown[] = [
  null,
  undefined,
  '',
  ' ',
  'x',
  'best',
  '1080p',
  'audio',
  'mp4',
  'mkv',
  'flac',
  'wav',
  'queued',
  'upload_date',
  '20240131',
  '20241301',
  '1-10,15',
  '1-x',
  'en',
  'pt-BR',
  '--exec rm',
  'bestvideo[height<=720]+bestaudio/best',
  'https://example.com/video',
  'http://127.0.0.1:8000/a.mp4',
  'https://exa_mple.com/v',
  'ftp://example.com/a',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'https://',
  'not a url',
  'https://e.com/' + 'a'.repeat(5000),
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(101),
  '😀'.repeat(60), // 120 UTF-16 units, 60 characters: lengths are counted as class-validator counts them
  '\u0000',
  0,
  1,
  2,
  10,
  11,
  59,
  60,
  100,
  101,
  1000,
  1001,
  7200,
  7201,
  -1,
  1.5,
  '60',
  '100',
  NaN,
  true,
  false,
  'true',
  [],
  ['en'],
  ['en', 'en'],
  ['https://a.example/1', 'https://a.example/2'],
  ['https://a.example/1', 'https://a.example/1'],
  ['https://a.example/1', 'ftp://x'],
  [1, 2],
  Array.from({ length: 101 }, (_, i) => `https://a.example/${i}`),
  {},
  { url: 'https://example.com' },
];

const CASES: Array<{ dto: new () => object; type: ArgumentMetadata['type']; base: Record<string, unknown> }> = [
  { dto: CreateDownloadDto, type: 'body', base: SEED },
  { dto: CreateBatchDto, type: 'body', base: { urls: ['https://a.example/1', 'https://a.example/2'], quality: '720p', concurrent_limit: 2 } },
  { dto: PlaylistDownloadDto, type: 'body', base: { url: 'https://example.com/feed.xml', items: '1-3', reverse: true } },
  { dto: ChannelDownloadDto, type: 'body', base: { url: 'https://example.com/c', date_after: '20240101', max_downloads: 5, sort_by: 'upload_date' } },
  { dto: CreateCookiesDto, type: 'body', base: { name: 'site', cookies: '# Netscape HTTP Cookie File\n' } },
  { dto: ListDownloadsQuery, type: 'query', base: { status: 'queued', limit: '10' } },
  { dto: ChannelInfoQuery, type: 'query', base: { url: 'https://example.com/c', page: '2', page_size: '50' } },
  { dto: PlaylistPreviewQuery, type: 'query', base: { url: 'https://example.com/feed.xml', limit: '5' } },
];

async function outcome(pipe: ValidationPipe, value: unknown, meta: ArgumentMetadata): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  try {
    return { ok: true, value: await pipe.transform(structuredClone(value), meta) };
  } catch (error) {
    const e = error as { code?: string; message?: string; details?: unknown };
    return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
  }
}

function variants(base: Record<string, unknown>, properties: string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [base, {}, { ...base, unknown_field: 1 }];
  for (const p of properties) {
    const { [p]: _dropped, ...without } = base;
    out.push(without);
    for (const v of CORPUS) out.push({ ...base, [p]: v });
  }
  return out;
}

describe('compileFastCheck', () => {
  it.each(CASES.map((c) => [c.dto.name, c] as const))('%s: says valid only where the full validation accepts, with the same result', async (_name, c) => {
    const meta: ArgumentMetadata = { type: c.type, metatype: c.dto };
    const check = compileFastCheck(c.dto);
    expect(check).not.toBeNull();
    const properties = [...new Set([...Object.keys(c.base), ...Object.keys(new c.dto()), ...propertiesOf(c.dto)])];
    let fastSaidValid = 0;
    for (const body of variants(c.base, properties)) {
      const reference = await outcome(full, body, meta);
      const mine = await outcome(fast, body, meta);
      // the property that makes the fast path safe: it never calls valid what the full run refuses
      const entity = plainToInstance(c.dto, structuredClone(body)) as Record<string, unknown>;
      if (check?.(entity)) {
        fastSaidValid++;
        expect({ body, referenceOk: reference.ok }).toEqual({ body, referenceOk: true });
      }
      // same verdict and the same DTO or the same error, whichever path the pipe took
      expect({ body, ok: mine.ok }).toEqual({ body, ok: reference.ok });
      if (reference.ok) expect(mine.value).toEqual(reference.value);
      else expect(mine.error).toEqual(reference.error);
    }
    expect(fastSaidValid).toBeGreaterThan(20);
  });

  it('takes the fast path for the seed request, and leaves every failure to the full validation', async () => {
    const check = compileFastCheck(CreateDownloadDto);
    const dto = Object.assign(new CreateDownloadDto(), SEED);
    expect(check?.(dto as unknown as Record<string, unknown>)).toBe(true);
    for (const bad of [
      { ...SEED, quality: '9000p' },
      { ...SEED, extra: 1 },
      { ...SEED, url: 'ftp://x' },
      { ...SEED, timeout_sec: 59 },
    ]) {
      expect(check?.(Object.assign(new CreateDownloadDto(), bad) as unknown as Record<string, unknown>)).toBe(false);
    }
    const validate = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      await fast.transform({ ...SEED }, { type: 'body', metatype: CreateDownloadDto });
      expect(validate).not.toHaveBeenCalled();
      await expect(fast.transform({ ...SEED, quality: '9000p' }, { type: 'body', metatype: CreateDownloadDto })).rejects.toMatchObject({
        code: 'validation_error',
      });
      expect(validate).toHaveBeenCalledTimes(1);
    } finally {
      validate.mockRestore();
    }
  });

  it('does not compile a class with rules it does not run itself (nested objects)', () => {
    class Inner {
      @IsString() name!: string;
    }
    class Outer {
      @ValidateNested() @Type(() => Inner) inner!: Inner;
    }
    expect(compileFastCheck(Outer)).toBeNull();
  });
});

/** Every property with a validation rule on the class. */
function propertiesOf(dto: new () => object): string[] {
  return [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', false, false, undefined)
        .map((m) => m.propertyName),
    ),
  ];
}
