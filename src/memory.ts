import { setFlagsFromString } from 'node:v8';

/**
 * Asks V8 to favour a small heap over speed for the rest of the process. audit-bot is a batch job:
 * by default V8 lets garbage grow to about four times the live data before collecting it, which
 * for a 50,000-person roster and account means 400–600 MB of RSS for 100–150 MB of live data.
 * With this flag (read by the collector at every cycle, so setting it at run time works) the
 * same runs stay under 300 MB, for about the same time. Called by the CLI's own entry only: a
 * process that embeds runCli (the tests) keeps its own settings.
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
