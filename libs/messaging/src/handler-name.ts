/** Key under which a handler's `Class.method` travels in its Nest handler extras (for start-up messages). */
export const HANDLER_NAME_EXTRA = 'mdaHandler';
