export * from './media-store';
export * from './media-key';
export * from './content-disposition';
export * from './local-media-store';
// the S3 adapter (and the AWS SDK, a second of start-up) loads only when configured: see createMediaStore
export type { S3MediaStore, S3MediaStoreConfig } from './s3-media-store';
export * from './create-media-store';
