export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');
/** KeyedSlots of the query consumer: at most QUERY_CONCURRENCY_PER_KEY queries of one API key at a time. */
export const WORKER_QUERY_SLOTS = Symbol('WORKER_QUERY_SLOTS');
