import { ConfigError, bool, int, oneOf, url } from './env';
import { loadApiKeys, loadCommonConfig, loadFilesSigningSecret, loadFilesUrlTtlSec, loadJobStoreConfig } from './common';

describe('env parsing', () => {
  it('uses defaults for unset and blank values', () => {
    expect(int({}, 'X', { default: 3, min: 1, max: 10 })).toBe(3);
    expect(int({ X: '  ' }, 'X', { default: 3, min: 1, max: 10 })).toBe(3);
    expect(bool({}, 'B', true)).toBe(true);
  });

  it.each([
    ['0', /WEBHOOK_MAX_RETRIES must be from 1 to 10 \(got 0\)/],
    ['11', /WEBHOOK_MAX_RETRIES must be from 1 to 10 \(got 11\)/],
    ['3.5', /WEBHOOK_MAX_RETRIES must be a whole number/],
    ['three', /WEBHOOK_MAX_RETRIES must be a whole number/],
  ])('refuses WEBHOOK_MAX_RETRIES=%s naming the variable', (v, msg) => {
    expect(() => int({ WEBHOOK_MAX_RETRIES: v }, 'WEBHOOK_MAX_RETRIES', { default: 3, min: 1, max: 10 })).toThrow(msg);
    try {
      int({ WEBHOOK_MAX_RETRIES: v }, 'WEBHOOK_MAX_RETRIES', { default: 3, min: 1, max: 10 });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).variable).toBe('WEBHOOK_MAX_RETRIES');
    }
  });

  it('reads booleans strictly', () => {
    expect(bool({ B: 'false' }, 'B', true)).toBe(false);
    expect(bool({ B: 'YES' }, 'B', false)).toBe(true);
    expect(() => bool({ WEBHOOK_ENABLE: 'maybe' }, 'WEBHOOK_ENABLE', true)).toThrow(/WEBHOOK_ENABLE must be true or false/);
  });

  it('checks URLs and enumerations', () => {
    expect(() => url({ AMQP_URL: 'http://x' }, 'AMQP_URL', 'amqp://l', ['amqp:', 'amqps:'])).toThrow(/AMQP_URL must use amqp: or amqps:/);
    expect(() => url({ AMQP_URL: '::' }, 'AMQP_URL', 'amqp://l', ['amqp:'])).toThrow(/AMQP_URL must be a valid URL/);
    expect(() => oneOf({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', ['info', 'debug'], 'info')).toThrow(/LOG_LEVEL must be one of info, debug/);
  });
});

describe('common config', () => {
  it('has the SPEC defaults', () => {
    expect(loadCommonConfig({})).toMatchObject({ amqpUrl: 'amqp://guest:guest@127.0.0.1:5672', logLevel: 'info', allowPrivateNetworks: false });
  });

  it('builds the egress policy from ALLOW_PRIVATE_NETWORKS and NETWORK_ALLOWLIST', () => {
    const strict = loadCommonConfig({ NETWORK_ALLOWLIST: '10.1.2.0/24, fd00:1::/32' }).egressPolicy;
    expect(strict.check('10.1.2.7').forbidden).toBe(false);
    expect(strict.check('fd00:1::7').forbidden).toBe(false);
    expect(strict.check('10.1.3.7').forbidden).toBe(true);
    expect(loadCommonConfig({}).egressPolicy.check('127.0.0.1').forbidden).toBe(true);
    expect(loadCommonConfig({ ALLOW_PRIVATE_NETWORKS: 'true' }).egressPolicy.check('127.0.0.1').forbidden).toBe(false);
  });

  it('stops on a malformed NETWORK_ALLOWLIST, naming the variable and the entry', () => {
    expect(() => loadCommonConfig({ NETWORK_ALLOWLIST: '10.1.2.0/24,10.1.2' })).toThrow(/NETWORK_ALLOWLIST must be comma-separated CIDR blocks: "10.1.2"/);
  });

  it('merges API_KEY and API_KEYS without duplicates and requires one', () => {
    expect(loadApiKeys({ API_KEY: 'key-one-111', API_KEYS: 'key-two-222, key-one-111 ,' })).toEqual(['key-one-111', 'key-two-222']);
    expect(() => loadApiKeys({})).toThrow(/API_KEY is required/);
    expect(() => loadApiKeys({ API_KEY: 'short' })).toThrow(/at least 8 characters/);
  });

  it('takes the files signing secret only from FILES_SIGNING_SECRET, never from the API keys', () => {
    expect(loadFilesSigningSecret({ FILES_SIGNING_SECRET: 'explicit-secret', API_KEY: 'key-one-111' })).toBe('explicit-secret');
    expect(loadFilesSigningSecret({ API_KEYS: 'b-key-22222,a-key-11111' })).toBeUndefined();
    expect(loadFilesSigningSecret({ FILES_SIGNING_SECRET: '', API_KEY: 'key-one-111' })).toBeUndefined();
  });

  it('reads the job store and the link lifetime the same way for every app', () => {
    expect(loadJobStoreConfig({})).toEqual({ databaseUrl: undefined, sqlitePath: './data/jobs.sqlite' });
    expect(loadJobStoreConfig({ DATABASE_URL: 'postgres://x@h/db', SQLITE_PATH: '/d/j.sqlite' })).toEqual({
      databaseUrl: 'postgres://x@h/db',
      sqlitePath: '/d/j.sqlite',
    });
    expect(loadFilesUrlTtlSec({})).toBe(86400);
    expect(loadFilesUrlTtlSec({ FILES_URL_TTL_SEC: '5' })).toBe(5);
    expect(() => loadFilesUrlTtlSec({ FILES_URL_TTL_SEC: '0' })).toThrow(/FILES_URL_TTL_SEC/);
  });
});
