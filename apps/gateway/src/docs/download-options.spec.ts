import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentMetadata, Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiProperty, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { z } from 'zod';
import { DOWNLOAD_OPTIONS, DownloadOptionCatalogue, DownloadOptionSpec, downloadOptionsSchema, jobOptionShape } from '@mda/contracts';
import { ApiError } from '../common/api-error';
import { createValidationPipe } from '../common/validation';
import { CreateDownloadDto } from '../downloads/dto/create-download.dto';
import { toDownloadOptions } from '../submissions/download-options';
import { downloadOptionFieldsClass } from '../submissions/dto/download-option-decorators';
import { toOpenApi31 } from './openapi-31';

/**
 * The download options have one definition, the catalogue (DOWNLOAD_OPTIONS in @mda/contracts):
 * the request DTO is decorated from it, the OpenAPI document (and from it the client and dashboard
 * types) is generated from the DTO, and the job message's zod schema is built from it. Every entry
 * is checked on all three sides, and adding one to a copy of the catalogue is shown to be enough.
 */
type Documented = Record<string, Record<string, unknown>>;
const committed = JSON.parse(readFileSync(resolve(__dirname, '../../../../libs/client/openapi.json'), 'utf8'));
const documented: Documented = committed.components.schemas.CreateDownloadDto.properties;

const ENTRIES = Object.entries<DownloadOptionSpec>(DOWNLOAD_OPTIONS);
const JOB_ENTRIES = ENTRIES.filter(([, spec]) => !spec.requestOnly);
/** Request fields that are not options: the URL, and where events go (kept on the job itself). */
const REQUEST_FIELDS = ['webhook_url', 'url'];
/** Set by the gateway itself (playlist and channel items), never by a client. */
const INTERNAL = ['source'];

const pipe = createValidationPipe();

interface Failure {
  code: string;
  details: Array<{ field: string; message: string }>;
}
/** What the request pipe makes of a body: the DTO, or the 400's error. */
async function validate(metatype: new () => object, body: object): Promise<{ dto?: Record<string, unknown>; error?: Failure }> {
  const meta: ArgumentMetadata = { type: 'body', metatype };
  try {
    return { dto: await pipe.transform(body, meta) };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    expect(e.getStatus()).toBe(400);
    return { error: (e.getResponse() as { error: Failure }).error };
  }
}

/** A value the request takes, and values it refuses with (one of) the errors it answers. */
function requestSamples(key: string, spec: DownloadOptionSpec): { ok: unknown; bad: Array<[unknown, string]> } {
  switch (spec.kind) {
    case 'enum':
      return { ok: spec.values[spec.values.length - 1], bad: [['none-of-these', spec.message]] };
    case 'boolean':
      return { ok: true, bad: [['yes', `${key} must be a boolean value`]] };
    case 'int':
    case 'number': {
      const range = spec.messages?.range;
      const invalid =
        spec.messages?.invalid ??
        (spec.kind === 'int' ? `${key} must be an integer number` : `${key} must be a number conforming to the specified constraints`);
      const bad: Array<[unknown, string]> = [
        [spec.max + 1, range ?? `${key} must not be greater than ${spec.max}`],
        [spec.min - 1, range ?? `${key} must not be less than ${spec.min}`],
        ['many', invalid],
      ];
      if (spec.kind === 'int') bad.push([spec.min + 0.5, invalid]);
      return { ok: spec.min, bad };
    }
    case 'string': {
      const bad: Array<[unknown, string]> = [
        ['x'.repeat(spec.maxLength + 1), `${key} must be shorter than or equal to ${spec.maxLength} characters`],
        [5, `${key} must be a string`],
      ];
      if (spec.pattern) bad.push(['-x', spec.pattern.message]);
      return { ok: 'x', bad };
    }
    case 'string_list': {
      const bad: Array<[unknown, string]> = [
        [Array(spec.maxItems + 1).fill('en'), `${key} must contain no more than ${spec.maxItems} elements`],
        [['x'.repeat(spec.itemMaxLength + 1)], `each value in ${key} must be shorter than or equal to ${spec.itemMaxLength} characters`],
        ['en', `${key} must be an array`],
      ];
      if (spec.itemPattern) bad.push([['en', 'e n'], spec.itemPattern.message]);
      return { ok: ['en'], bad };
    }
  }
}

/** How the document shows an entry. */
function expectedDoc(spec: DownloadOptionSpec): Record<string, unknown> {
  const numeric = spec.kind === 'int' || spec.kind === 'number';
  const type = {
    enum: { type: 'string', enum: [...(spec.kind === 'enum' ? spec.values : [])] },
    boolean: { type: 'boolean' },
    int: { type: 'number' },
    number: { type: 'number' },
    string: { type: 'string' },
    string_list: { type: 'array', items: { type: 'string' } },
  }[spec.kind];
  return {
    ...type,
    default: 'default' in spec ? spec.default : undefined,
    minimum: numeric ? spec.min : undefined,
    maximum: numeric ? spec.max : undefined,
    deprecated: spec.deprecated,
    description: spec.description,
    example: spec.example,
  };
}

/** What the job message takes and refuses of an entry, and what it holds when the entry is absent. */
function jobSamples(spec: DownloadOptionSpec): { ok: unknown[]; bad: unknown[]; absent: unknown } {
  const absent = spec.kind === 'boolean' && spec.job?.default !== undefined ? spec.job.default : 'default' in spec ? spec.default : undefined;
  switch (spec.kind) {
    case 'enum':
      return { ok: [...spec.values], bad: ['none-of-these'], absent };
    case 'boolean':
      return { ok: [true, false], bad: ['yes'], absent };
    case 'int':
    case 'number': {
      const above = spec.job?.exclusiveMin;
      const low = above ?? spec.job?.min ?? spec.min;
      const ok = [above !== undefined ? above + 0.0001 : low, spec.max];
      return { ok, bad: [above ?? low - 1, spec.max + 1, ...(spec.kind === 'int' ? [spec.max - 0.5] : [])], absent };
    }
    case 'string':
      return { ok: ['x'.repeat(spec.maxLength)], bad: ['x'.repeat(spec.maxLength + 1)], absent };
    case 'string_list':
      return {
        ok: [Array(spec.maxItems).fill('x'.repeat(spec.itemMaxLength))],
        bad: [Array(spec.maxItems + 1).fill('en'), ['x'.repeat(spec.itemMaxLength + 1)]],
        absent,
      };
  }
}

describe('each download option, from its one definition', () => {
  it('the DTO takes exactly the catalogue and the request fields, the document describes them, the message carries the options', () => {
    const keys = ENTRIES.map(([key]) => key);
    expect(Object.keys(documented)).toEqual([...keys, ...REQUEST_FIELDS]);
    expect(Object.keys(downloadOptionsSchema.shape).sort()).toEqual([...JOB_ENTRIES.map(([key]) => key), ...INTERNAL].sort());
  });

  describe.each(ENTRIES)('%s', (key, spec) => {
    it('is validated by the request DTO with its messages', async () => {
      const { ok, bad } = requestSamples(key, spec);
      const accepted = await validate(CreateDownloadDto, { url: 'https://e.com/v', [key]: ok });
      expect(accepted.dto?.[key]).toEqual(ok);
      for (const [value, message] of bad) {
        const { error } = await validate(CreateDownloadDto, { url: 'https://e.com/v', [key]: value });
        expect([value, error?.details]).toEqual([value, expect.arrayContaining([{ field: key, message }])]);
      }
    });

    it('is documented with its kind, bounds, default and words', () => {
      expect(documented[key]).toEqual(expectedDoc(spec));
    });

    it(spec.requestOnly ? 'is not a field of the job message (the gateway maps it)' : 'is a field of the job message, with its bounds and default', () => {
      const shape: Record<string, unknown> = downloadOptionsSchema.shape;
      if (spec.requestOnly) {
        expect(shape[key]).toBeUndefined();
        return;
      }
      const { ok, bad, absent } = jobSamples(spec);
      for (const value of ok) expect(downloadOptionsSchema.parse({ [key]: value })).toHaveProperty(key, value);
      for (const value of bad) expect([value, downloadOptionsSchema.safeParse({ [key]: value }).success]).toEqual([value, false]);
      const defaults: Record<string, unknown> = downloadOptionsSchema.parse({});
      expect(defaults[key]).toEqual(absent);
    });
  });

  it('a request without options gets the documented defaults', () => {
    const applied: Record<string, unknown> = toDownloadOptions({});
    for (const [key, spec] of JOB_ENTRIES) if ('default' in spec) expect([key, applied[key]]).toEqual([key, spec.default]);
  });

  it('the aliases are documented as deprecated and map onto our options', () => {
    expect(ENTRIES.filter(([, spec]) => spec.requestOnly).map(([key, spec]) => [key, spec.deprecated])).toEqual([
      ['audio_only', true],
      ['ignore_errors', true],
    ]);
    expect(toDownloadOptions({ audio_only: true }).quality).toBe('audio');
    expect(toDownloadOptions({ ignore_errors: false })).not.toHaveProperty('ignore_errors');
  });
});

/**
 * Adding an option is one edit: an entry in the catalogue. Here on a copy of it, the new entry is
 * validated and converted by a DTO decorated from that copy, documented by the document built from
 * it, and carried by the message schema built from it (and typed there, for the worker).
 */
describe('adding an option to the catalogue', () => {
  const EXTENDED = {
    ...DOWNLOAD_OPTIONS,
    max_filesize_mb: {
      kind: 'int',
      min: 1,
      max: 102_400,
      messages: { range: 'max_filesize_mb must be from 1 to 102400 (MB)' },
      example: 500,
      description: 'Largest file to download, in MB',
    },
  } as const satisfies DownloadOptionCatalogue;

  class ExtendedDownloadDto extends downloadOptionFieldsClass(EXTENDED) {
    @ApiProperty()
    @IsString()
    url!: string;
  }

  @Controller('extended')
  class ExtendedController {
    @Post()
    create(@Body() body: ExtendedDownloadDto) {
      return body;
    }
  }

  @Module({ controllers: [ExtendedController] })
  class ExtendedModule {}

  it('validates and converts it (the DTO of today refuses it)', async () => {
    const { dto } = await validate(ExtendedDownloadDto, { url: 'https://e.com/v', max_filesize_mb: '250' });
    expect(dto?.max_filesize_mb).toBe(250);
    const { error } = await validate(ExtendedDownloadDto, { url: 'https://e.com/v', max_filesize_mb: 0 });
    expect(error?.details).toEqual([{ field: 'max_filesize_mb', message: 'max_filesize_mb must be from 1 to 102400 (MB)' }]);
    const today = await validate(CreateDownloadDto, { url: 'https://e.com/v', max_filesize_mb: 250 });
    expect(today.error?.details).toEqual([{ field: 'max_filesize_mb', message: 'property max_filesize_mb should not exist' }]);
  });

  it('documents it, and every other option as the committed document does', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(ExtendedModule, new FastifyAdapter(), { logger: false });
    try {
      const doc = toOpenApi31(SwaggerModule.createDocument(app, new DocumentBuilder().build())) as {
        components: { schemas: Record<string, { properties: Documented }> };
      };
      const properties = doc.components.schemas['ExtendedDownloadDto'].properties;
      expect(properties['max_filesize_mb']).toEqual({
        type: 'number',
        minimum: 1,
        maximum: 102_400,
        example: 500,
        description: 'Largest file to download, in MB',
      });
      for (const [key] of ENTRIES) expect([key, properties[key]]).toEqual([key, documented[key]]);
    } finally {
      await app.close();
    }
  });

  it('carries it in the job message, typed', () => {
    const schema = z.object(jobOptionShape(EXTENDED));
    const carried: number | null | undefined = schema.parse({ max_filesize_mb: 250 }).max_filesize_mb;
    expect(carried).toBe(250);
    expect(schema.parse({}).max_filesize_mb).toBeUndefined();
    expect(schema.safeParse({ max_filesize_mb: 0 }).success).toBe(false);
    expect(schema.parse({})).toEqual(downloadOptionsSchema.omit({ source: true }).parse({}));
  });
});
