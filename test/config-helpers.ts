import { parseAuditConfig } from '../src/config/audit-config.js';
import { ConfigError } from '../src/config/errors.js';
import { parseRoster } from '../src/config/roster.js';

/** Joins lines so that fixture line numbers can be read off the array index (+1). */
export const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** The problems of the ConfigError `run` throws; fails when it throws none. */
export function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

export const roster = (text: string) => problems(() => parseRoster(text, 'roster.yml'));
export const config = (text: string) => problems(() => parseAuditConfig(text, 'audit.config.yml'));
