#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { Settings } from 'luxon';
import { realSleep, systemClock, type Clock, type Sleep } from './clock.js';
import { ConfigError } from './config/errors.js';
import { readEnv, secretValues } from './config/env.js';
import { createLogger, type Logger } from './log.js';
import { scrubSecrets } from './secrets.js';
import { PLATFORM_IDS, isPlatformId } from './domain/platforms.js';
import type { PlatformId } from './domain/types.js';
import { isQuarter, quarterOf } from './domain/quarter.js';
import { implementedPlatforms } from './platforms/index.js';
import { buildContext, type RuntimeDeps } from './commands/runtime.js';
import { openCommand } from './commands/open.js';
import { followupCommand } from './commands/followup.js';
import { checkPlatform } from './commands/check.js';
import { runDemo } from './commands/demo.js';
import { validateCommand } from './commands/validate.js';
import { initCommand } from './commands/init.js';
import { OUTPUT_LOCALE } from './domain/locale.js';
import { PACKAGE_ROOT } from './paths.js';
import { explained } from './gitlab/explain.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliOverrides {
  clock?: Clock;
  sleep?: Sleep;
  logDestination?: DestinationStream;
  /** Folder relative template paths resolve against (default: the working directory). */
  baseDir?: string;
  /** Called before each platform check (the tests count them). */
  beforePlatformRead?: () => void;
}

const USAGE = `usage:
  audit-bot open --platform <id|all> [--quarter 2026-Q4] [--dry-run] [--now <ISO-8601>] [--report <file.json>]
  audit-bot followup [--platform <id|all>] [--dry-run] [--now <ISO-8601>] [--report <file.json>]
  audit-bot check --platform <id> [--format json|markdown]
  audit-bot demo [--out <folder>]
  audit-bot validate [--online]
  audit-bot init <dir>
  audit-bot <command> --help, audit-bot --version
platform ids: ${PLATFORM_IDS.join(', ')}
exit codes: 0 ok, 1 findings could not be produced or runtime failure, 2 bad configuration or input`;

/** Each command's own usage, for `audit-bot <command> --help`. */
const COMMAND_USAGE: Record<string, string> = {
  open:
    'usage: audit-bot open --platform <id|all> [--quarter 2026-Q4] [--dry-run] [--now <ISO-8601>] ' +
    `[--report <file.json>]
  Runs each platform's check, then finds or creates the quarter's confidential audit issue and posts
  what is missing: the results, and one ping per person responsible.
  --platform   ${PLATFORM_IDS.join(', ')}, or all
  --quarter    an earlier quarter, to finish or repair its issue (default: this quarter, in UTC)
  --dry-run    print what would be posted; write nothing
  --now        the time to act as (ISO-8601; for trying a timeline)
  --report     write the run's evidence as JSON to this file
exit codes: 0 ok, 1 findings could not be produced or runtime failure, 2 bad configuration or input`,
  followup: `usage: audit-bot followup [--platform <id|all>] [--dry-run] [--now <ISO-8601>] [--report <file.json>]
  The nightly follow-up of every open audit issue: records answers, re-checks what was said fixed,
  sends the ladder's reminders that are due, asks for the review, and closes approved audits.
  --platform   ${PLATFORM_IDS.join(', ')}, or all (default)
  --dry-run    print the plan; write nothing
  --now        the time to act as (ISO-8601)
  --report     write the run's evidence as JSON to this file
exit codes: 0 ok, 1 an issue could not be followed up (or a quarter was missed), 2 bad configuration or input`,
  check: `usage: audit-bot check --platform <id> [--format json|markdown]
  Runs one platform's check without GitLab and prints its findings (JSON, or the results table).
exit codes: 0 ok, 1 the check could not finish, 2 bad configuration or input`,
  demo: `usage: audit-bot demo [--out <folder>]
  Plays a whole quarter against local fakes of GitLab and the platforms (127.0.0.1 only, no
  credentials) and writes each audit issue's thread to <folder> (default demo-output).`,
};

const INIT_USAGE = `usage: audit-bot init <dir>
  Writes a new audits project into <dir>: a commented audit.config.yml, a roster.yml skeleton, the
  issue templates, and a .gitlab-ci.yml that includes the audit-bot CI/CD component. Never
  overwrites a file: when one exists, writes nothing and names it. Then prints the steps left.
exit codes: 0 written, 2 a file exists or bad input`;

const VALIDATE_USAGE = `usage: audit-bot validate [--online]
  Checks audit.config.yml (AUDIT_CONFIG), roster.yml (AUDIT_ROSTER) and the enabled platforms' issue
  templates offline, with every check open makes; no token, no request.
  --online  also checks the credentials in the environment: the GitLab token (user, scope, expiry,
            role in AUDIT_PROJECT), each enabled platform's login, and that everyone the audit may
            mention can read the confidential issues. Prints a table (OK, WARN, FAIL).
exit codes: 0 ok, 1 an online check failed, 2 bad configuration or input (one line per problem)`;

class UsageError extends Error {}

/** pino's levels (and `silent`). */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The one entry and the one error boundary: every failure becomes a message and an exit code. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  overrides: CliOverrides = {},
): Promise<number> {
  // Every luxon date and duration the run makes is English, whatever the runner's locale.
  Settings.defaultLocale = OUTPUT_LOCALE;
  const secrets = secretValues(env);
  const say = (text: string) => io.stderr(`${scrubSecrets(text, secrets)}\n`);
  const out = (text: string) => io.stdout(scrubSecrets(text, secrets));
  let logger: Logger | undefined;
  try {
    const [command, ...rest] = argv;
    const askedForHelp = rest.includes('--help') || rest.includes('-h');
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(`${USAGE}\n`);
      return command ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${packageVersion()}\n`);
      return EXIT_OK;
    }
    if (askedForHelp && COMMAND_USAGE[command]) {
      io.stdout(`${COMMAND_USAGE[command]}\n`);
      return EXIT_OK;
    }
    if (command === 'init') {
      if (askedForHelp) {
        io.stdout(`${INIT_USAGE}\n`);
        return EXIT_OK;
      }
      if (rest.length !== 1 || rest[0].startsWith('-'))
        throw new UsageError('init takes one folder: audit-bot init <dir>');
      return initCommand(rest[0], out);
    }
    if (command === 'validate' && askedForHelp) {
      io.stdout(`${VALIDATE_USAGE}\n`);
      return EXIT_OK;
    }
    const options = parseOptions(command, rest);
    const now = options.now ? parseNow(options.now) : undefined;
    const clock: Clock = now ? () => now : (overrides.clock ?? systemClock);
    // Empty is unset, as for every other variable.
    const level = env.LOG_LEVEL || undefined;
    if (level && !LOG_LEVELS.includes(level))
      throw new ConfigError([`env LOG_LEVEL: "${level}" is not one of ${LOG_LEVELS.join(', ')}`]);
    // JSON in CI and wherever the logs are kept; readable lines for a person at a terminal.
    const pretty = overrides.logDestination === undefined && process.stderr.isTTY === true && !env.CI;
    logger = createLogger({ secrets, destination: overrides.logDestination, level, pretty });
    const deps: RuntimeDeps = {
      env: readEnv(env),
      clock,
      sleep: overrides.sleep ?? realSleep,
      logger,
      out,
      baseDir: overrides.baseDir ?? process.cwd(),
      secrets,
      beforePlatformRead: overrides.beforePlatformRead,
    };
    switch (command) {
      case 'open':
        return await runOpen(deps, options);
      case 'check':
        return await runCheck(deps, options);
      case 'followup':
        return await followupCommand(deps, {
          platforms: selectPlatforms(options.platform ?? 'all', true),
          all: (options.platform ?? 'all') === 'all',
          dryRun: options['dry-run'] === true,
          report: options.report,
        });
      case 'validate':
        return await validateCommand(deps, { online: options.online === true });
      case 'demo':
        return await runDemo({
          out: options.out ?? 'demo-output',
          io,
          logger,
          runCli: (argv, demoEnv, demoIo, demoOverrides) =>
            runCli(argv, demoEnv, demoIo, { ...overrides, ...demoOverrides }),
        });
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) say(problem);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof UsageError) {
      say(`audit-bot: ${error.message}\n${USAGE}`);
      return EXIT_BAD_INPUT;
    }
    say(`audit-bot: ${explained(error)}`);
    logger?.debug({ err: error }, 'failure');
    return EXIT_FAILED;
  } finally {
    logger?.flush();
  }
}

interface Options {
  platform?: string;
  quarter?: string;
  'dry-run'?: boolean;
  now?: string;
  format?: string;
  out?: string;
  report?: string;
  online?: boolean;
}

const OPTIONS_BY_COMMAND: Record<string, (keyof Options)[]> = {
  open: ['platform', 'quarter', 'dry-run', 'now', 'report'],
  followup: ['platform', 'dry-run', 'now', 'report'],
  check: ['platform', 'format', 'now'],
  demo: ['out'],
  validate: ['online'],
};

/** The CLI's command and option table; exported so test/ci-config.test.ts checks .gitlab-ci.yml against it. */
export function parseOptions(command: string, args: string[]): Options {
  const allowed = OPTIONS_BY_COMMAND[command];
  if (!allowed) throw new UsageError(`unknown command "${command}"`);
  const spec = {
    platform: { type: 'string' },
    quarter: { type: 'string' },
    'dry-run': { type: 'boolean' },
    now: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    report: { type: 'string' },
    online: { type: 'boolean' },
  } as const;
  let values: Options;
  try {
    values = parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key as keyof Options)) throw new UsageError(`${command} does not take --${key}`);
  }
  return values;
}

/** The version in the package's own package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function parseNow(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new UsageError(`--now: "${value}" is not an ISO-8601 date-time`);
  return date;
}

function selectPlatforms(value: string | undefined, allowAll: boolean): PlatformId[] {
  if (!value) throw new UsageError('--platform is required');
  if (value === 'all' && allowAll) return [...PLATFORM_IDS];
  if (!isPlatformId(value))
    throw new UsageError(`--platform: "${value}" is not one of ${allowAll ? 'all, ' : ''}${PLATFORM_IDS.join(', ')}`);
  return [value];
}

async function runOpen(deps: RuntimeDeps, options: Options): Promise<number> {
  const requested = selectPlatforms(options.platform, true);
  const current = quarterOf(deps.clock());
  const quarter = options.quarter ?? current;
  if (!isQuarter(quarter)) throw new UsageError(`--quarter: "${quarter}" is not like 2026-Q4`);
  // A typo in the pipeline form must not open a stray issue that is then chased beside the real one.
  if (quarter > current) throw new UsageError(`--quarter: ${quarter} has not begun (it is ${current}, in UTC)`);
  return openCommand(deps, {
    platforms: requested,
    all: options.platform === 'all',
    quarter,
    dryRun: options['dry-run'] === true,
    report: options.report,
  });
}

async function runCheck(deps: RuntimeDeps, options: Options): Promise<number> {
  const [platform] = selectPlatforms(options.platform, false);
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'markdown') throw new UsageError(`--format: "${format}" is not json or markdown`);
  if (!implementedPlatforms().includes(platform))
    throw new ConfigError([`--platform ${platform}: this audit is not implemented yet`]);
  const { context } = buildContext(deps, () => [platform], undefined);
  await checkPlatform(context, platform, format, quarterOf(deps.clock()));
  return EXIT_OK;
}

function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await runCli(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}
