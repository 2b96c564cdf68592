import { instantSleep } from '../src/clock.js';
import { Writable } from 'node:stream';
import { DateTime, Duration } from 'luxon';
import { runCli } from '../src/cli.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { startSandbox, type Sandbox } from '../src/sandbox/environment.js';

export const FIXED_NOW = new Date('2026-11-24T09:00:00Z');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  logs: string;
  /** Every delay the retry layer asked for, in ms (nothing really waits). */
  sleeps: number[];
  /** Platform checks started (the CLI's beforePlatformRead hook). */
  platformReads: number;
}

/** Runs the real CLI entry in-process against the sandbox, with a fixed clock and no real sleeping. */
export async function runAuditBot(
  sandbox: Sandbox,
  argv: string[],
  env: Record<string, string> = {},
  now = FIXED_NOW,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let logs = '';
  const sleeps: number[] = [];
  let platformReads = 0;
  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const code = await runCli(
    argv,
    { ...sandbox.env, LOG_LEVEL: 'debug', ...env },
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    {
      clock: () => now,
      sleep: instantSleep((ms) => void sleeps.push(ms)),
      logDestination,
      baseDir: PACKAGE_ROOT,
      beforePlatformRead: () => platformReads++,
    },
  );
  return { code, stdout, stderr, logs, sleeps, platformReads };
}

export async function withSandbox<T>(fn: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ clock: () => FIXED_NOW });
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
  }
}

/** Requests that changed something in GitLab. */
export function gitlabWrites(sandbox: Sandbox) {
  return sandbox.gitlab.log.filter((entry) => entry.method !== 'GET' && entry.method !== 'HEAD');
}

/**
 * The visible thread of every issue: what people would read, in order (request counts and label
 * ids, which retries and leases change, masked; and so the markers' seals, which cover the text).
 */
export function threads(sandbox: Sandbox): string[] {
  return sandbox.gitlab.issues().map((issue) =>
    [
      issue.title,
      issue.state,
      ...sandbox.gitlab
        .notesOf(issue.iid)
        // Label ids in system notes depend on how many labels (leases included) were ever created.
        .map(
          (note) =>
            `${note.author.username}: ${note.body
              .replace(/in \d+ requests?\b/g, 'in N requests')
              .replace(/"seal":"[^"]*"/g, '"seal":"S"')
              .replace(note.system ? /~\d+/g : /$^/, '~N')}`,
        ),
    ].join('\n----\n'),
  );
}

export interface Timeline {
  now: Date;
  /** Moves the shared clock (CLI and sandbox servers) to `start` + the ISO-8601 offset, e.g. 'PT72H'. */
  at(offset: string): Date;
}

/** A sandbox whose servers and CLI runs share a clock the test moves. */
export async function withTimeline<T>(
  fn: (sandbox: Sandbox, time: Timeline) => Promise<T>,
  start = FIXED_NOW,
): Promise<T> {
  const time: Timeline = {
    now: start,
    at(offset: string) {
      time.now = DateTime.fromJSDate(start, { zone: 'utc' }).plus(Duration.fromISO(offset)).toJSDate();
      return time.now;
    },
  };
  const sandbox = await startSandbox({ clock: () => time.now });
  try {
    return await fn(sandbox, time);
  } finally {
    await sandbox.stop();
  }
}

/** What the lease expiry does for a killed run's leftover lease (the concurrency tests cover expiry itself). */
export async function expireLeases(sandbox: Sandbox): Promise<void> {
  for (const label of sandbox.gitlab.labels().filter((candidate) => candidate.name.startsWith('audit-bot-lock'))) {
    const response = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/labels/${encodeURIComponent(label.name)}`, {
      method: 'DELETE',
      headers: { 'PRIVATE-TOKEN': sandbox.env.GITLAB_TOKEN },
    });
    if (response.status !== 204) throw new Error(`could not delete ${label.name}: ${response.status}`);
  }
}
