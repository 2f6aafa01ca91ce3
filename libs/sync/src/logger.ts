import pino from 'pino';

/** Field names whose values are secrets wherever they appear in a log record. */
export const REDACT_PATHS = [
  'password',
  'passWord',
  'apiKey',
  'key',
  'token',
  'access_token',
  'sign',
  'authorization',
  'credentials',
  '*.password',
  '*.passWord',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.access_token',
  '*.sign',
  '*.authorization',
  '*.credentials',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      name: 'simgate',
      level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: { pid: process.pid },
    },
    destination,
  );
}
