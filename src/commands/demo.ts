import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Logger } from '../log.js';
import { GitLabTracker } from '../gitlab/gitbeaker-tracker.js';
import { renderThread } from '../domain/thread.js';
import { labelledPlatform } from '../domain/issue.js';
import { OUTPUT_LOCALE } from '../domain/locale.js';
import { parseMarkers } from '../domain/markers.js';
import { resultsEntries } from '../domain/bot-notes.js';
import { PACKAGE_ROOT } from '../paths.js';
import { realSleep } from '../clock.js';
import type { FakeServer } from '../sandbox/fake-server.js';
import { startSandbox, type Sandbox } from '../sandbox/environment.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import { fixSeededProblems, SEEDED_PAGERDUTY_FIXES } from '../platforms/pagerduty/sandbox/seed.js';

type RunCli = (
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: DemoIo,
  overrides: { baseDir: string; clock: () => Date },
) => Promise<number>;

interface DemoIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface DemoOptions {
  out: string;
  io: DemoIo;
  logger: Logger;
  runCli: RunCli;
  /** Day 0 of the demo quarter (default: today 09:00 UTC). */
  start?: Date;
}

/**
 * A whole audit quarter against the embedded sandbox (every server on 127.0.0.1, no
 * credentials): the quarterly `open` (twice, to show a re-run changes nothing), people replying
 * in the issue, the nightly `followup` stepping through the ladder day by day, the review and
 * the close. Every issue thread is then printed and written as Markdown.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { io } = options;
  const start = options.start ?? DateTime.utc().startOf('day').plus({ hours: 9 }).toJSDate();
  let now = start;
  const sandbox = await startSandbox({ clock: () => now });
  const day = (days: number, hour: number) => {
    now = DateTime.fromJSDate(start, { zone: 'utc' }).startOf('day').plus({ days, hours: hour }).toJSDate();
    return now;
  };
  const clockText = () =>
    DateTime.fromJSDate(now, { zone: 'utc' }).toFormat('ccc dd LLL HH:mm', { locale: OUTPUT_LOCALE });
  const env = { ...sandbox.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const indented = { stdout: (text: string) => io.stdout(text.replace(/^(?=.)/gm, '    ')), stderr: io.stderr };
  let failures = 0;
  const run = async (argv: string[]) => {
    io.stdout(`\n[${clockText()} UTC] $ audit-bot ${argv.join(' ')}\n`);
    if ((await options.runCli(argv, env, indented, { baseDir: PACKAGE_ROOT, clock: () => now })) !== 0) failures += 1;
  };
  const reply = (author: string, body: string) => {
    io.stdout(`\n[${clockText()} UTC] @${author} replies: ${body.replace(/\n/g, ' ⏎ ')}\n`);
    sandbox.gitlab.addNote(pagerDutyIssue(sandbox), { author, body });
  };

  try {
    io.stdout(`Sandbox: ${eachServer(sandbox, (server) => server.url)} (127.0.0.1 only, no credentials)\n`);
    day(0, 9);
    // Someone the confidential issues cannot reach: the bot names them without @ and pings their manager instead.
    sandbox.gitlab.setMember('ohaddad', null);
    io.stdout(
      '\n`ohaddad` is not a member of the audit project, so cannot see its confidential issues: ' +
        'their items go to their manager, pnair.\n',
    );
    await run(['open', '--platform', 'all']);
    const notesAfterOpen = countNotes(sandbox);
    await run(['open', '--platform', 'all']);
    io.stdout(`    (re-run: ${countNotes(sandbox) - notesAfterOpen} new notes)\n`);

    const id = (fingerprint: string) => itemId(sandbox, fingerprint);
    const pd = sandbox.pagerduty.data;
    day(0, 15);
    reply('cokafor', `${id('pagerduty:missing-from-schedule:cokafor:PAMER01')} fixed`);
    reply(
      'tkim',
      `${id('pagerduty:unknown-id:tkim')} intentional: ` +
        'I am a contractor; my PagerDuty account is requested in the onboarding issue',
    );
    reply('slee', `${id('pagerduty:user-not-in-roster:PPATDP1')} fixed`);

    // Nightly runs at 06:00: second pings fall due on night 4, managers on night 8, Support Ops on night 11.
    for (let night = 1; night <= 14; night++) {
      if (night === 12) {
        day(11, 14);
        io.stdout(
          '\n(Chris is added to the AMER rota; the hostile account and Pat Departed are removed from PagerDuty, ' +
            "the deleted user leaves the EMEA rota; an override fills the managers' gap; " +
            "the escalation policies are repaired; Omar accepts his invitation; Sam's role is lowered to user)\n",
        );
        fixSeededProblems(pd, SEEDED_PAGERDUTY_FIXES);
        reply('cokafor', `${id('pagerduty:missing-from-schedule:cokafor:PAMER01')} fixed, sorry for the delay`);
        reply('som-alex', 'all fixed');
      }
      if (night === 13) {
        day(12, 16);
        reply('som-alex', 'Approved. Thanks everyone.');
      }
      day(night, 6);
      await run(['followup']);
    }

    const tracker = new GitLabTracker({
      url: sandbox.env.GITLAB_URL,
      token: sandbox.env.GITLAB_TOKEN,
      project: sandbox.env.AUDIT_PROJECT,
      clock: () => now,
      sleep: realSleep,
      logger: options.logger,
    });
    const outDir = path.resolve(options.out);
    fs.mkdirSync(outDir, { recursive: true });
    for (const issue of await tracker.findIssues(['audit'], 'all')) {
      const platform = labelledPlatform(issue.labels) ?? `issue-${issue.iid}`;
      const thread = renderThread(issue, await tracker.listNotes(issue.iid));
      const file = path.join(outDir, `${platform}.md`);
      fs.writeFileSync(file, thread);
      io.stdout(`\n==================== ${file} ====================\n\n${thread}`);
    }
    const reRunQuiet = countNotes(sandbox) > 0;
    io.stdout(
      `\nRequests made: ${eachServer(sandbox, (server) => String(server.log.length))}. ` +
        `Demo ${failures === 0 && reRunQuiet ? 'finished' : 'FAILED'}; the threads are in ${outDir}/.\n`,
    );
    return failures === 0 ? 0 : 1;
  } finally {
    await sandbox.stop();
  }
}

/** `GitLab <what>, Zendesk <what>, …`: GitLab, then every platform fake by its audit's name. */
function eachServer(sandbox: Sandbox, what: (server: FakeServer) => string): string {
  const auditNames = new Map(
    PLATFORM_MODULES.flatMap((module) => module.audits.map((audit) => [audit.id, audit.displayName])),
  );
  const named = (server: FakeServer) =>
    server === sandbox.gitlab ? 'GitLab' : (auditNames.get(server.name) ?? server.name);
  return [sandbox.gitlab, ...Object.values(sandbox.fakes)]
    .map((server) => `${named(server)} ${what(server)}`)
    .join(', ');
}

function countNotes(sandbox: Sandbox): number {
  return sandbox.gitlab.issues().reduce((sum, issue) => sum + sandbox.gitlab.notesOf(issue.iid).length, 0);
}

function pagerDutyIssue(sandbox: Sandbox): number {
  const issue = sandbox.gitlab
    .issues()
    .find((candidate) => (candidate.labels as string[]).includes('audit::pagerduty'));
  if (!issue) throw new Error('demo: the PagerDuty audit issue was not opened');
  return issue.iid;
}

/** The short id (PD-3) the bot gave a finding, read from its results notes like a person would. */
function itemId(sandbox: Sandbox, fingerprint: string): string {
  for (const note of sandbox.gitlab.notesOf(pagerDutyIssue(sandbox))) {
    for (const marker of parseMarkers(note.body)) {
      const id = resultsEntries(marker).find((entry) => entry.fingerprint === fingerprint)?.id;
      if (id) return id;
    }
  }
  throw new Error(`demo: no item for ${fingerprint}`);
}
