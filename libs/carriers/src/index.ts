export * from './http/carrier-http';
export * from './http/redact';
export * from './http/send-context';
export * from './http/token-cache';
export * from './registry';
