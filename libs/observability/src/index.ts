export * from './http-hardening';
export * from './logger';
export * from './metrics';
export * from './ops-server';
export * from './shutdown';
export * from './catalogue-metrics';
export * from './nest-logger';
