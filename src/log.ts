import pino, { type Logger } from 'pino';
import { scrubDeep, scrubSecrets } from './secrets.js';

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
 * every message and field, whatever its path.
 */
export function createLogger(options: { secrets: readonly string[]; level?: string; destination?: pino.DestinationStream }): Logger {
  const { secrets } = options;
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      base: undefined,
      formatters: {
        log: (object) => scrubDeep(object, secrets) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg, secrets) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything, for tests that don't look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
