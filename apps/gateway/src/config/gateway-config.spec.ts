import { ConfigError } from '@mda/config';
import { loadGatewayConfig } from './gateway-config';

const BASE = { API_KEY: 'a-long-enough-key' };

describe('loadGatewayConfig: the media store', () => {
  it('serves the local folder at STORAGE_DIR, STORAGE_BACKEND=local being the default', () => {
    expect(loadGatewayConfig(BASE).storageDir).toBe('./storage');
    expect(loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 'local', STORAGE_DIR: '/media' }).storageDir).toBe('/media');
  });

  it('refuses STORAGE_BACKEND=s3 naming the variable: it cannot serve from a bucket yet', () => {
    const load = () => loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 's3', S3_BUCKET: 'media' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/STORAGE_BACKEND must be local for the gateway for now/);
  });

  it('refuses an invalid STORAGE_BACKEND', () => {
    expect(() => loadGatewayConfig({ ...BASE, STORAGE_BACKEND: 'nfs' })).toThrow(/STORAGE_BACKEND must be one of local, s3/);
  });
});
