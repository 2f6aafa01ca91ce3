export * from './toolkit/carrier-http';
export * from './toolkit/redact';
export * from './toolkit/send-context';
export * from './toolkit/token-cache';
export * from './registry';
