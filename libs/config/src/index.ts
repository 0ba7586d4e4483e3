export * from './env';
export * from './common';
export * from './http-timeouts';
export * from './media-store';
