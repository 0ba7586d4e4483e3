import { ConfigError } from '@mda/config';
import { loadWorkerConfig } from './worker-config';

describe('loadWorkerConfig: the media store', () => {
  it('places finished files in the local folder at STORAGE_DIR by default', () => {
    const config = loadWorkerConfig({ STORAGE_DIR: '/media' });
    expect(config.mediaStore).toEqual({ backend: 'local', storageDir: '/media' });
    expect(config.storageDir).toBe('/media');
  });

  it('with STORAGE_BACKEND=s3 stores in the bucket and downloads into STORAGE_DIR as scratch', () => {
    const config = loadWorkerConfig({
      STORAGE_DIR: '/scratch',
      STORAGE_BACKEND: 's3',
      S3_BUCKET: 'media',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(config.storageDir).toBe('/scratch');
    expect(config.mediaStore).toMatchObject({ backend: 's3', s3: { bucket: 'media', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true } });
  });

  it('stops at start on an S3 store without a bucket, naming the variable', () => {
    expect(() => loadWorkerConfig({ STORAGE_BACKEND: 's3' })).toThrow(ConfigError);
    expect(() => loadWorkerConfig({ STORAGE_BACKEND: 's3' })).toThrow(/S3_BUCKET is required/);
  });
});
