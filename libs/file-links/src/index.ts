export * from './file-links';
export * from './signing-secret';
export * from './signing-secret.store';
