import { ConfigError } from '@mda/config';
import { loadGatewayConfig } from './gateway-config';

const BASE = { API_KEY: 'a-long-enough-key' };

describe('loadGatewayConfig: the media store', () => {
  it('serves the local folder at STORAGE_DIR, STORAGE_BACKEND=local being the default', () => {
    expect(loadGatewayConfig(BASE).storageDir).toBe('./storage');
    expect(loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 'local', STORAGE_DIR: '/media' }).storageDir).toBe('/media');
  });

  it('serves from an S3 bucket with STORAGE_BACKEND=s3 (presigned links by default, /files when S3_PUBLIC_DOWNLOADS=false)', () => {
    const s3 = loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 's3', S3_BUCKET: 'media', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'true' });
    expect(s3.mediaStore).toMatchObject({
      backend: 's3',
      s3: { bucket: 'media', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, publicDownloads: true },
    });
    expect(loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 's3', S3_BUCKET: 'media', S3_PUBLIC_DOWNLOADS: 'false' }).mediaStore).toMatchObject({
      s3: { publicDownloads: false },
    });
  });

  it('refuses STORAGE_BACKEND=s3 without a bucket, naming the variable', () => {
    const load = () => loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 's3' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/S3_BUCKET is required when STORAGE_BACKEND=s3/);
  });

  it('refuses an invalid STORAGE_BACKEND', () => {
    expect(() => loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 'nfs' })).toThrow(/STORAGE_BACKEND must be one of local, s3/);
  });
});

describe('loadGatewayConfig: shared rate limits', () => {
  it('keeps limits per replica without REDIS_URL and shares them with it, under REDIS_KEY_PREFIX (default mda:)', () => {
    expect(loadGatewayConfig(BASE)).toMatchObject({ redisUrl: undefined, redisKeyPrefix: 'mda:' });
    expect(loadGatewayConfig({ ...BASE, REDIS_URL: 'redis://:pw@redis:6379/0', REDIS_KEY_PREFIX: 'prod:' })).toMatchObject({
      redisUrl: 'redis://:pw@redis:6379/0',
      redisKeyPrefix: 'prod:',
    });
  });

  it('refuses a REDIS_URL that is not redis:// or rediss://, without echoing it (it may hold a password)', () => {
    const load = () => loadGatewayConfig({ ...BASE, REDIS_URL: 'http://user:secret@redis:6379' });
    expect(load).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(load).not.toThrow(/secret/);
  });
});
