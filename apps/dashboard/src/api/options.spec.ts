import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIO_FORMATS, DEFAULT_OPTIONS, JOB_STATUSES, QUALITIES, VIDEO_FORMATS } from './types';

// the checked-in document the client is generated from (read as a file: the dashboard does not bundle it)
const doc = JSON.parse(readFileSync(join(__dirname, '../../../../libs/client/openapi.json'), 'utf8'));

/**
 * The page's choice lists are the API's, value for value (the compiler checks the same through the
 * generated types; this catches a stale checked-in document or a widened type too).
 */
describe('the dashboard offers what the OpenAPI document allows', () => {
  const schemas = doc.components.schemas as unknown as Record<string, { properties: Record<string, { enum?: string[]; default?: unknown }> }>;
  const options = schemas['CreateDownloadDto'].properties;

  it('every quality, video and audio format, in the document order', () => {
    expect([...QUALITIES]).toEqual(options['quality'].enum);
    expect([...VIDEO_FORMATS]).toEqual(options['video_format'].enum);
    expect([...AUDIO_FORMATS]).toEqual(options['audio_format'].enum);
    expect(QUALITIES).toContain('4k');
  });

  it('every job status', () => {
    expect([...JOB_STATUSES]).toEqual(schemas['Job'].properties['status'].enum);
  });

  it('the form starts from the documented defaults', () => {
    expect(DEFAULT_OPTIONS).toEqual({
      quality: options['quality'].default,
      video_format: options['video_format'].default,
      audio_format: options['audio_format'].default,
    });
  });
});
