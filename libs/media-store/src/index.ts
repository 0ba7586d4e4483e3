export * from './media-store';
export * from './media-key';
export * from './content-disposition';
export * from './local-media-store';
export * from './s3-media-store';
export * from './create-media-store';
