export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
/** FILE_RETENTION_HOURS (null: files are kept): a completed job's expires_at is set with its completion. */
export const DEFAULT_RETENTION_HOURS = Symbol('DEFAULT_RETENTION_HOURS');
