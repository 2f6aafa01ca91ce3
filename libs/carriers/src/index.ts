export * from './http/carrier-http';
export * from './http/redact';
export * from './registry';
