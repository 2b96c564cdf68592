import pino, { type Logger } from 'pino';
import { scrubSecrets } from './secrets.js';

export type { Logger };

const REDACTED_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["private-token"]',
  '*.headers.authorization',
  '*.headers["private-token"]',
];

/**
 * Logs go to stderr (stdout carries `check` output). Two defences against leaking tokens:
 * pino's path redaction for the usual fields, and a scrub of every known secret value out of
 * every finished line, whatever field, message, binding or error it came in (as written and
 * as JSON-escaped, since the line is JSON).
 */
export function createLogger(options: { secrets: readonly string[]; level?: string; destination?: pino.DestinationStream }): Logger {
  const forms = [...new Set(options.secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      base: undefined,
      hooks: { streamWrite: (line) => scrubSecrets(line, forms) },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything, for tests that don't look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
