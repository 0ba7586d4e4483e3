import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { downloadOptionsSchema } from '@mda/contracts';
import { CreateDownloadDto } from '../downloads/dto/create-download.dto';
import { toDownloadOptions } from '../submissions/download-options';

/**
 * The download options have one definition (the value lists and the zod message schema in
 * @mda/contracts; the DTO validates with them and the OpenAPI document is generated from the DTO;
 * the client and dashboard types are generated from the document). This fails when one of them
 * gains an option the others lack.
 */
const doc = JSON.parse(readFileSync(resolve(__dirname, '../../../../libs/client/openapi.json'), 'utf8'));
const documented: Record<string, { enum?: unknown[]; default?: unknown; deprecated?: boolean }> = doc.components.schemas.CreateDownloadDto.properties;

/** Request fields that are not job options: the URL, and where events go (kept on the job itself). */
const REQUEST_ONLY = ['url', 'webhook_url'];
/** The original service's names, mapped onto ours by toDownloadOptions (documented as deprecated). */
const ALIASES = ['audio_only', 'ignore_errors'];
/** Set by the gateway itself (playlist and channel items), never by a client. */
const INTERNAL = ['source'];

const validated = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(CreateDownloadDto, '', true, false)
      .map((m) => m.propertyName),
  ),
].sort();
const messageKeys = Object.keys(downloadOptionsSchema.shape).sort();

describe('the download options: DTO, OpenAPI document, zod message schema', () => {
  it('the DTO validates exactly the fields the document describes', () => {
    expect(validated).toEqual(Object.keys(documented).sort());
  });

  it('every documented option (less request fields and the deprecated aliases) is a field of the job message, and back', () => {
    const options = Object.keys(documented)
      .filter((k) => !REQUEST_ONLY.includes(k) && !ALIASES.includes(k))
      .sort();
    expect(options).toEqual(messageKeys.filter((k) => !INTERNAL.includes(k)));
  });

  it('the aliases are documented as deprecated and map onto our options', () => {
    for (const a of ALIASES) expect([a, documented[a]?.deprecated]).toEqual([a, true]);
    expect(toDownloadOptions({ audio_only: true }).quality).toBe('audio');
    expect(toDownloadOptions({ ignore_errors: false })).not.toHaveProperty('ignore_errors');
  });

  it('the value lists agree', () => {
    const compared: string[] = [];
    for (const key of messageKeys) {
      const field = (downloadOptionsSchema.shape as Record<string, any>)[key];
      let inner = field;
      while (inner?._def?.innerType) inner = inner._def.innerType;
      if (!Array.isArray(inner?.options)) continue;
      compared.push(key);
      expect([key, documented[key]?.enum]).toEqual([key, inner.options]);
    }
    expect(compared).toEqual(expect.arrayContaining(['quality', 'video_format', 'audio_format', 'subtitle_format']));
  });

  it('the documented defaults are the ones a job gets', () => {
    const applied = toDownloadOptions({}) as Record<string, unknown>;
    for (const [key, p] of Object.entries(documented)) {
      if (p.default === undefined || REQUEST_ONLY.includes(key) || ALIASES.includes(key)) continue;
      expect([key, applied[key]]).toEqual([key, p.default]);
    }
  });
});
