export * from './client';
export * from './events';
export * from './webhooks';
export type { components, paths, webhooks } from './generated/schema';
