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

describe('loadWorkerConfig: the incomplete-upload sweep', () => {
  it('sweeps every 10 minutes the uploads older than the job time limit plus 5 minutes by default', () => {
    expect(loadWorkerConfig({ DOWNLOAD_TIMEOUT_SEC: '600' })).toMatchObject({ uploadSweepAgeSec: 900, uploadSweepIntervalSec: 600 });
    expect(loadWorkerConfig({ UPLOAD_SWEEP_AGE_SEC: '', UPLOAD_SWEEP_INTERVAL_SEC: '' })).toMatchObject({
      uploadSweepAgeSec: 2100,
      uploadSweepIntervalSec: 600,
    });
  });

  it('takes a shorter interval and any age from the job time limit up', () => {
    expect(loadWorkerConfig({ DOWNLOAD_TIMEOUT_SEC: '60', UPLOAD_SWEEP_AGE_SEC: '60', UPLOAD_SWEEP_INTERVAL_SEC: '2' })).toMatchObject({
      uploadSweepAgeSec: 60,
      uploadSweepIntervalSec: 2,
    });
  });

  it('refuses an age below the job time limit (it would abort uploads of running jobs), naming the variable', () => {
    expect(() => loadWorkerConfig({ DOWNLOAD_TIMEOUT_SEC: '600', UPLOAD_SWEEP_AGE_SEC: '300' })).toThrow(/UPLOAD_SWEEP_AGE_SEC.*must be from 600/);
    expect(() => loadWorkerConfig({ UPLOAD_SWEEP_INTERVAL_SEC: '0' })).toThrow(/UPLOAD_SWEEP_INTERVAL_SEC/);
  });
});
