export * from './amqp-connection';
export * from './publisher';
export * from './consumer';
export * from './amqp-transport';
export * from './messaging.module';
export * from './rpc-client';
export * from './consumer-app';
export * from './handle-messages';
