import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { GitLabTracker } from '../gitlab/gitbeaker-tracker.js';
import { renderThread } from '../domain/thread.js';
import { PACKAGE_ROOT } from '../paths.js';
import { realSleep } from '../clock.js';
import { startSandbox } from '../sandbox/environment.js';

type RunCli = (argv: string[], env: NodeJS.ProcessEnv, io: DemoIo, overrides: { baseDir: string }) => Promise<number>;

interface DemoIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface DemoOptions {
  out: string;
  io: DemoIo;
  logger: Logger;
  runCli: RunCli;
}

/**
 * Runs the quarterly audit end to end against the embedded sandbox (every server on 127.0.0.1,
 * no credentials), twice to show that a re-run changes nothing, then prints and writes each
 * audit issue's thread as Markdown.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { io } = options;
  const sandbox = await startSandbox();
  try {
    io.stdout(`Sandbox started: GitLab ${sandbox.gitlab.url}, PagerDuty ${sandbox.pagerduty.url} (127.0.0.1 only)\n\n`);
    const env = { ...sandbox.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
    const quiet = { stdout: (text: string) => io.stdout(`  ${text}`), stderr: io.stderr };

    io.stdout('$ audit-bot open --platform all\n');
    const first = await options.runCli(['open', '--platform', 'all'], env, quiet, { baseDir: PACKAGE_ROOT });
    const notesAfterFirst = sandbox.gitlab.issues().reduce((sum, issue) => sum + sandbox.gitlab.notesOf(issue.iid).length, 0);
    io.stdout('\n$ audit-bot open --platform all   # again: must change nothing\n');
    const second = await options.runCli(['open', '--platform', 'all'], env, quiet, { baseDir: PACKAGE_ROOT });
    const notesAfterSecond = sandbox.gitlab.issues().reduce((sum, issue) => sum + sandbox.gitlab.notesOf(issue.iid).length, 0);
    io.stdout(`\nIssues: ${sandbox.gitlab.issues().length}; notes after the first run: ${notesAfterFirst}, after the second: ${notesAfterSecond}.\n`);
    io.stdout(`Requests: GitLab ${sandbox.gitlab.log.length}, PagerDuty ${sandbox.pagerduty.log.length}.\n`);

    const tracker = new GitLabTracker({
      url: sandbox.env.GITLAB_URL,
      token: sandbox.env.GITLAB_TOKEN,
      project: sandbox.env.AUDIT_PROJECT,
      clock: () => new Date(),
      sleep: realSleep,
      logger: options.logger,
    });
    const outDir = path.resolve(options.out);
    fs.mkdirSync(outDir, { recursive: true });
    for (const issue of await tracker.findIssues(['audit'], 'all')) {
      const platform = issue.labels.find((label) => label.startsWith('audit::'))?.slice('audit::'.length) ?? `issue-${issue.iid}`;
      const thread = renderThread(issue, await tracker.listNotes(issue.iid));
      const file = path.join(outDir, `${platform}.md`);
      fs.writeFileSync(file, thread);
      io.stdout(`\n==================== ${file} ====================\n\n${thread}`);
    }
    const ok = first === 0 && second === 0 && notesAfterFirst === notesAfterSecond;
    io.stdout(`\nDemo ${ok ? 'finished' : 'FAILED'}; the threads are in ${outDir}/.\n`);
    return ok ? 0 : 1;
  } finally {
    await sandbox.stop();
  }
}
