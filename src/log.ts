import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
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
export function createLogger(options: {
  secrets: readonly string[];
  level?: string;
  destination?: pino.DestinationStream;
  /** Readable lines for a person at a terminal instead of JSON (which CI keeps). */
  pretty?: boolean;
}): Logger {
  const forms = [...new Set(options.secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  // The secrets are scrubbed from the JSON line first; the pretty printer only reads that line.
  const destination = options.pretty
    ? pretty({
        destination: options.destination ?? 2,
        colorize: options.destination === undefined,
        sync: true,
        ignore: 'pid,hostname',
        translateTime: 'SYS:HH:MM:ss',
      })
    : (options.destination ?? pino.destination(2));
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      base: undefined,
      hooks: { streamWrite: (line) => scrubSecrets(line, forms) },
    },
    destination,
  );
}

/** A logger that drops everything, for tests that don't look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
