export * from './topology';
export * from './envelope';
export * from './downloads';
export * from './webhooks';
export * from './keys';
export * from './subscriptions';
export * from './clock';
export * from './file-url';
