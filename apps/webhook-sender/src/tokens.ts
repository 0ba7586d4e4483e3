export const SENDER_CONFIG = Symbol('SENDER_CONFIG');
export const SENDER_LOGGER = Symbol('SENDER_LOGGER');
