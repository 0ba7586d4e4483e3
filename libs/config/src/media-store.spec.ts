import { ConfigError } from './env';
import { loadMediaStoreConfig } from './media-store';

const S3 = { STORAGE_BACKEND: 's3', S3_BUCKET: 'media-bucket' };

describe('loadMediaStoreConfig', () => {
  it('defaults to the local folder at STORAGE_DIR, ignoring the S3 variables', () => {
    expect(loadMediaStoreConfig({})).toEqual({ backend: 'local', storageDir: './storage' });
    expect(loadMediaStoreConfig({ STORAGE_DIR: '/data', S3_BUCKET: '!!', S3_FORCE_PATH_STYLE: 'maybe' })).toEqual({ backend: 'local', storageDir: '/data' });
  });

  it('reads an S3 store with its defaults: AWS region us-east-1, the bucket root, virtual-hosted style, presigned downloads, the SDK credential chain', () => {
    expect(loadMediaStoreConfig(S3)).toEqual({
      backend: 's3',
      storageDir: './storage',
      s3: { region: 'us-east-1', bucket: 'media-bucket', prefix: '', forcePathStyle: false, publicDownloads: true },
    });
  });

  it('reads every S3 variable', () => {
    const config = loadMediaStoreConfig({
      ...S3,
      STORAGE_DIR: '/scratch',
      S3_ENDPOINT: 'http://127.0.0.1:9000/',
      S3_REGION: 'auto',
      S3_PREFIX: '/mda/media/',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'very-secret-value',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PUBLIC_DOWNLOADS: 'false',
    });
    expect(config).toEqual({
      backend: 's3',
      storageDir: '/scratch',
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        region: 'auto',
        bucket: 'media-bucket',
        prefix: 'mda/media',
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'very-secret-value' },
        forcePathStyle: true,
        publicDownloads: false,
      },
    });
  });

  it.each([
    [{ STORAGE_BACKEND: 'nfs' }, 'STORAGE_BACKEND', /must be one of local, s3 \(got "nfs"\)/],
    [{ STORAGE_BACKEND: 's3' }, 'S3_BUCKET', /S3_BUCKET is required when STORAGE_BACKEND=s3/],
    [{ ...S3, S3_BUCKET: 'a' }, 'S3_BUCKET', /must be a bucket name/],
    [{ ...S3, S3_BUCKET: 'has space' }, 'S3_BUCKET', /must be a bucket name/],
    [{ ...S3, S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT', /must use http: or https:|must be a valid URL/],
    [{ ...S3, S3_ENDPOINT: 'ftp://minio' }, 'S3_ENDPOINT', /must use http: or https:/],
    [{ ...S3, S3_REGION: 'eu west' }, 'S3_REGION', /must be a region name/],
    [{ ...S3, S3_PREFIX: 'a//b' }, 'S3_PREFIX', /single slashes/],
    [{ ...S3, S3_PREFIX: 'a/../b' }, 'S3_PREFIX', /without \. or \.\./],
    [{ ...S3, S3_FORCE_PATH_STYLE: 'sometimes' }, 'S3_FORCE_PATH_STYLE', /must be true or false/],
    [{ ...S3, S3_PUBLIC_DOWNLOADS: 'perhaps' }, 'S3_PUBLIC_DOWNLOADS', /must be true or false/],
    [{ ...S3, S3_ACCESS_KEY_ID: 'AKIAEXAMPLE' }, 'S3_SECRET_ACCESS_KEY', /is required when S3_ACCESS_KEY_ID is set/],
    [{ ...S3, S3_SECRET_ACCESS_KEY: 'very-secret-value' }, 'S3_ACCESS_KEY_ID', /is required when S3_SECRET_ACCESS_KEY is set/],
  ])('refuses %j naming %s', (env, variable, message) => {
    let error: unknown;
    try {
      loadMediaStoreConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
  });

  it.each([
    { ...S3, S3_SECRET_ACCESS_KEY: 'very-secret-value' },
    { ...S3, S3_SECRET_ACCESS_KEY: 'very-secret-value', S3_ACCESS_KEY_ID: 'id', S3_BUCKET: '!' },
    { ...S3, S3_SECRET_ACCESS_KEY: 'very-secret-value', S3_ACCESS_KEY_ID: 'id', S3_PREFIX: '..' },
  ])('never repeats the secret access key in an error (%#)', (env) => {
    expect(() => loadMediaStoreConfig(env)).toThrow(ConfigError);
    expect(() => loadMediaStoreConfig(env)).not.toThrow(/very-secret-value/);
  });
});
