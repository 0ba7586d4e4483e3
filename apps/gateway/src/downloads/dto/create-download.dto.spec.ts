import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { ApiError } from '../../common/api-error';
import { createValidationPipe } from '../../common/validation';
import { CreateBatchDto } from '../../batches/dto/create-batch.dto';
import { toDownloadOptions } from '../../submissions/download-options';
import { CreateDownloadDto } from './create-download.dto';

const meta: ArgumentMetadata = { type: 'body', metatype: CreateDownloadDto };
const pipe = createValidationPipe();

async function errorOf(body: unknown): Promise<ApiError> {
  try {
    await pipe.transform(body, meta);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a validation error');
}

describe('CreateDownloadDto', () => {
  it('accepts the seed example', async () => {
    const dto = await pipe.transform({ url: 'https://example.com/video', quality: '1080p', webhook_url: 'https://your-app.com/webhook' }, meta);
    expect(dto).toBeInstanceOf(CreateDownloadDto);
    expect(dto.quality).toBe('1080p');
  });

  it('accepts every option of SPEC §3', async () => {
    await expect(
      pipe.transform(
        {
          url: 'http://127.0.0.1:8000/a.mp4',
          quality: 'audio',
          video_format: 'mkv',
          audio_format: 'flac',
          custom_format: 'bestvideo[height<=720]+bestaudio/best',
          path_template: 'videos/{safe_title}.{ext}',
          download_subtitles: true,
          subtitle_languages: ['en', 'pt-BR'],
          embed_subtitles: true,
          write_thumbnail: true,
          embed_metadata: true,
          cookies_id: 'ck_1',
          timeout_sec: 60,
        },
        meta,
      ),
    ).resolves.toBeDefined();
  });

  it("accepts the original service's fields and maps them onto ours", async () => {
    const dto = (await pipe.transform(
      {
        url: 'https://e.com/v',
        audio_only: true,
        audio_quality: 192,
        subtitle_format: 'srt',
        auto_subtitles: true,
        embed_thumbnail: true,
        write_info_json: true,
        ignore_errors: true,
      },
      meta,
    )) as CreateDownloadDto;
    const { webhook_url: _w, url: _u, ...fields } = dto;
    expect(toDownloadOptions(fields)).toMatchObject({
      quality: 'audio',
      audio_quality: 192,
      subtitle_format: 'srt',
      auto_subtitles: true,
      embed_thumbnail: true,
      write_info_json: true,
      embed_metadata: true,
    });
    expect(toDownloadOptions({})).toMatchObject({ quality: 'best', embed_metadata: true, write_info_json: false });
    expect(toDownloadOptions({ embed_metadata: false, audio_only: false, quality: '720p' })).toMatchObject({ quality: '720p', embed_metadata: false });
    expect(toDownloadOptions({ ignore_errors: false })).not.toHaveProperty('ignore_errors');
  });

  it.each([
    [{ url: 'https://e.com/v', audio_quality: 95 }, 'audio_quality', /96 to 320/],
    [{ url: 'https://e.com/v', audio_quality: 321 }, 'audio_quality', /96 to 320/],
    [{ url: 'https://e.com/v', subtitle_format: 'sub' }, 'subtitle_format', /subtitle_format must be one of srt/],
    [{}, 'url', /url is required/],
    [{ url: 'file:///etc/passwd' }, 'url', /http or https/],
    [{ url: 'ftp://example.com/a' }, 'url', /http or https/],
    [{ url: 'not a url' }, 'url', /http or https/],
    [{ url: 'https://e.com/v', quality: '9000p' }, 'quality', /quality must be one of/],
    [{ url: 'https://e.com/v', video_format: 'avi' }, 'video_format', /video_format/],
    [{ url: 'https://e.com/v', audio_format: 'aac' }, 'audio_format', /audio_format/],
    [{ url: 'https://e.com/v', timeout_sec: 59 }, 'timeout_sec', /timeout_sec/],
    [{ url: 'https://e.com/v', timeout_sec: 7201 }, 'timeout_sec', /timeout_sec/],
    [{ url: 'https://e.com/v', custom_format: '--exec rm' }, 'custom_format', /custom_format/],
    [{ url: 'https://e.com/v', webhook_url: 'javascript:alert(1)' }, 'webhook_url', /webhook_url/],
    [{ url: 'https://e.com/v', download_subtitles: 'yes' }, 'download_subtitles', /boolean/],
    [{ url: 'https://e.com/v', surprise: 1 }, 'surprise', /should not exist/],
  ])('rejects %j on %s', async (body, field, message) => {
    const e = await errorOf(body);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.getStatus()).toBe(400);
    const res = e.getResponse() as { error: { code: string; message: string; details: Array<{ field: string; message: string }> } };
    expect(res.error.code).toBe('validation_error');
    expect(res.error.details.some((d) => d.field === field && message.test(d.message))).toBe(true);
  });
});

describe('CreateBatchDto errors', () => {
  const batchMeta: ArgumentMetadata = { type: 'body', metatype: CreateBatchDto };
  async function batchError(body: unknown) {
    const e = await pipe.transform(body, batchMeta).then(
      () => null,
      (err: ApiError) => err,
    );
    return (e?.getResponse() as { error: { message: string; details: Array<{ field: string; message: string }> } }).error;
  }

  it('names the bad item by its index, once', async () => {
    const err = await batchError({ urls: ['https://e.com/1', 'https://e.com/2', 'https://e.com/3', 'ftp://e.com/4'] });
    expect(err.details).toEqual([{ field: 'urls[3]', message: 'urls[3] must be an http or https URL' }]);
    expect(err.message).toBe('urls[3] must be an http or https URL');
  });

  it('names a repeated URL and the item it repeats', async () => {
    const err = await batchError({ urls: ['https://e.com/1', 'https://e.com/2', 'https://e.com/1'] });
    expect(err.message).toBe('urls[2] repeats urls[0]; each URL may appear once');
  });
});
