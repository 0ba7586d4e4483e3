import { ConfigError } from '@mda/config';
import { loadCorsOrigins } from './cors-origins';

describe('CORS_ORIGINS', () => {
  it('is off by default, takes a list of origins or *', () => {
    expect(loadCorsOrigins({})).toEqual([]);
    expect(loadCorsOrigins({ CORS_ORIGINS: '' })).toEqual([]);
    expect(loadCorsOrigins({ CORS_ORIGINS: '*' })).toBe('*');
    expect(loadCorsOrigins({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000/' })).toEqual(['https://app.example.com', 'http://localhost:3000']);
  });

  it.each(['app.example.com', 'https://app.example.com/path', 'ftp://x.example', 'https://a.example,*'])('refuses %s naming the variable', (value) => {
    expect(() => loadCorsOrigins({ CORS_ORIGINS: value })).toThrow(ConfigError);
    expect(() => loadCorsOrigins({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });
});
