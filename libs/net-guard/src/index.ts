export * from './address-policy';
export * from './url-policy';
export * from './forbidden-address.error';
export * from './guarded-lookup';
export * from './guarded-agent';
export * from './net-error';
export * from './http-client';
export * from './assert-public-url';
