export * from './wait-for';
export * from './rabbitmq';
export * from './http-server';
export * from './media';
export * from './postgres';
export * from './raw-http';
export * from './clock';
export * from './throttled-source';
