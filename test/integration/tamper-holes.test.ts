import { instantSleep } from '../../src/clock.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gitlabWrites, runAuditBot, withTimeline, FIXED_NOW } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { BOARD } from '../../src/domain/board.js';
import { SANDBOX_CONFIG, startSandbox, type Sandbox } from '../../src/sandbox/environment.js';
import { runCli } from '../../src/cli.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

// Issue #18 point 6: the smaller holes. Each test runs the CLI against the sandbox over real HTTP.

const PD = ['open', '--platform', 'pagerduty'];

/**
 * The sandbox config in a folder of its own, with `platforms.pagerduty.template` set to `template`
 * (and files written there).
 */
function configWithTemplate(
  template: string,
  files: Record<string, string> = {},
): { AUDIT_CONFIG: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-tamper-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const config = fs
    .readFileSync(SANDBOX_CONFIG, 'utf8')
    .replace('  pagerduty:\n', `  pagerduty:\n    template: ${JSON.stringify(template)}\n`);
  const file = path.join(dir, 'audit.config.yml');
  fs.writeFileSync(file, config);
  return { AUDIT_CONFIG: file, dir };
}

const lineOf = (file: string, text: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text)) + 1;
const botNotes = (sandbox: Sandbox) =>
  sandbox.gitlab.notesOf(1).filter((note) => !note.system && note.author.username === 'audit-bot');
const count = (text: string, part: string) => text.split(part).length - 1;

describe('a template names any file', () => {
  test.each([
    [
      '/proc/self/environ',
      'must be a path relative to the config file\'s folder, not an absolute path, got "/proc/self/environ"',
    ],
    ['../../etc/passwd', 'must stay inside the config file\'s folder (no ".." out of it), got "../../etc/passwd"'],
    ['templates/../../outside.md', 'must stay inside the config file\'s folder (no ".." out of it)'],
  ])('%s is a configuration error at its line (exit 2), and nothing is read or written', async (template, message) => {
    await withTimeline(async (sandbox, time) => {
      const env = configWithTemplate(template);
      const run = await runAuditBot(sandbox, PD, { AUDIT_CONFIG: env.AUDIT_CONFIG }, time.now);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `${env.AUDIT_CONFIG}:${lineOf(env.AUDIT_CONFIG, 'template:')} platforms.pagerduty.template: ${message}`,
      );
      expect(sandbox.gitlab.issues()).toHaveLength(0);
      expect(sandbox.gitlab.log).toHaveLength(0);
      const validate = await runAuditBot(sandbox, ['validate'], { AUDIT_CONFIG: env.AUDIT_CONFIG }, time.now);
      expect(validate.code).toBe(2);
      expect(validate.stdout + validate.stderr).toContain('platforms.pagerduty.template: ');
    });
  });

  test('a link out of the config folder is refused; a relative path in it resolves against the folder', async () => {
    await withTimeline(async (sandbox, time) => {
      const linked = configWithTemplate('linked.md');
      fs.symlinkSync('/etc/hostname', path.join(linked.dir, 'linked.md'));
      const refused = await runAuditBot(sandbox, PD, { AUDIT_CONFIG: linked.AUDIT_CONFIG }, time.now);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("platforms.pagerduty.template: linked.md leads out of the config file's folder");
      expect(sandbox.gitlab.issues()).toHaveLength(0);

      const inside = configWithTemplate('own/pd.md');
      fs.mkdirSync(path.join(inside.dir, 'own'));
      fs.writeFileSync(path.join(inside.dir, 'own', 'pd.md'), '## Our own {{platform_name}} template, {{quarter}}\n');
      const run = await runAuditBot(sandbox, PD, { AUDIT_CONFIG: inside.AUDIT_CONFIG }, time.now);
      expect(run.code).toBe(0);
      expect(sandbox.gitlab.issue(1)!.description).toContain('## Our own PagerDuty template, 2026-Q4');
    });
  });

  test('all written to GitLab is scrubbed of known secrets: a template and platform text with a token', async () => {
    await withTimeline(async (sandbox, time) => {
      const token = sandbox.env.PAGERDUTY_TOKEN;
      const env = configWithTemplate('pd.md', {
        'pd.md': `## {{platform_name}} audit {{quarter}}\n\nPasted by mistake: ${token}\n`,
      });
      // A PagerDuty user whose name carries the GitLab token (platform text is posted in the notes and their markers).
      sandbox.pagerduty.data.users.find((user) => user.id === 'PPATDP1')!.name =
        `Pat ${sandbox.env.GITLAB_TOKEN} Departed`;
      const run = await runAuditBot(sandbox, PD, { AUDIT_CONFIG: env.AUDIT_CONFIG }, time.now);
      expect(run.code).toBe(0);
      const issue = sandbox.gitlab.issue(1)!;
      const written = [
        issue.title,
        issue.description ?? '',
        ...(issue.labels as string[]),
        ...sandbox.gitlab.notesOf(1).map((note) => note.body),
      ].join('\n');
      expect(written).toContain('Pasted by mistake: [REDACTED]');
      expect(written).not.toContain(token);
      expect(written).not.toContain(sandbox.env.GITLAB_TOKEN);
      expect(written).not.toContain(sandbox.env.GITLAB_TOKEN.replace(/-/g, '\\u002d'));
    });
  });
});

describe('the write boundary', () => {
  test('a platform name that carries a token is posted masked (notes, markers, board)', async () => {
    await withTimeline(async (sandbox, time) => {
      sandbox.pagerduty.data.users.find((user) => user.id === 'PPATDP1')!.name =
        `Pat ${sandbox.env.PAGERDUTY_TOKEN} Departed`;
      expect((await runAuditBot(sandbox, PD, {}, time.now)).code).toBe(0);
      const written = [
        sandbox.gitlab.issue(1)!.description ?? '',
        ...sandbox.gitlab.notesOf(1).map((note) => note.body),
      ].join('\n');
      expect(written).toContain('Pat [REDACTED] Departed');
      expect(written).not.toContain(sandbox.env.PAGERDUTY_TOKEN);
      expect(written).not.toContain(sandbox.env.PAGERDUTY_TOKEN.replace(/-/g, '\\u002d'));
    });
  });
});

describe('an answer written before its item existed', () => {
  test('"PD-14 intentional" on day 0 does not answer PD-14 once `open` lists it on day 10', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, PD, {}, time.now)).code).toBe(0);
      time.at('PT1H');
      sandbox.gitlab.addNote(1, {
        author: 'som-alex',
        body: 'PD-14 intentional: pre-approved\nall intentional: nothing to see',
      });
      time.at('PT2H');
      await runAuditBot(sandbox, ['followup'], {}, time.now);
      // A new PagerDuty user appears; the next `open` lists it as PD-14.
      time.at('P10D');
      const pat = sandbox.pagerduty.data.users.find((user) => user.id === 'PPATDP1')!;
      sandbox.pagerduty.data.users.push({
        ...structuredClone(pat),
        id: 'PNEWUSR',
        name: 'New Stranger',
        email: 'new.stranger@example.net',
      });
      expect((await runAuditBot(sandbox, PD, {}, time.now)).code).toBe(0);
      const listed = botNotes(sandbox).at(-2)!.body + botNotes(sandbox).at(-1)!.body;
      expect(listed).toContain('**PD-14**');
      time.at('P10DT1H');
      const run = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(run.code).toBe(0);
      const recorded = botNotes(sandbox)
        .flatMap((note) => parseMarkers(note.body))
        .filter((marker) => marker.step === 'addressed')
        .flatMap((marker) => marker.findings ?? []);
      expect(recorded).not.toContain('pagerduty:user-not-in-roster:PNEWUSR');
      // Still open: the board counts it among the open items.
      expect(sandbox.gitlab.issue(1)!.description).toMatch(/PD-14/);
    });
  });
});

describe('a stray board end marker', () => {
  test('placed before the board: the board is found and edited in place, never appended again', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, PD, {}, time.now)).code).toBe(0);
      const before = sandbox.gitlab.issue(1)!.description ?? '';
      expect(count(before, BOARD.start)).toBe(1);
      // Someone (any project member) puts the end marker (and a start marker) at the top of the description.
      const edited = `Notes: ${BOARD.end}\n${BOARD.start} (quoted)\n\n${before}`;
      const put = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/1`, {
        method: 'PUT',
        headers: { 'PRIVATE-TOKEN': 'token-cokafor', 'content-type': 'application/json' },
        body: JSON.stringify({ description: edited }),
      });
      expect(put.status).toBe(200);
      for (const offset of ['PT72H', 'PT73H', 'P7D', 'P7DT1H']) {
        time.at(offset);
        const run = await runAuditBot(sandbox, ['followup'], {}, time.now);
        expect(run.code).toBe(0);
        const description = sandbox.gitlab.issue(1)!.description ?? '';
        expect(count(description, '### Status board')).toBe(1);
        expect(description.startsWith(`Notes: ${BOARD.end}\n${BOARD.start} (quoted)\n\n`)).toBe(true);
      }
      // A night with nothing due after that writes nothing (no board rewritten, none appended).
      time.at('P7DT2H');
      const writes = gitlabWrites(sandbox).length;
      expect((await runAuditBot(sandbox, ['followup'], {}, time.now)).code).toBe(0);
      expect(gitlabWrites(sandbox).length).toBe(writes);
    });
  });
});

describe('a lock label the bot did not take', () => {
  test('created just before the nightly run, in the bot format: not honoured, removed, said in the log', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, PD, {}, time.now)).code).toBe(0);
      time.at('PT72H');
      const forged = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/labels`, {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': 'token-cokafor', 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'audit-bot-lock-issue-1',
          color: '#808080',
          description:
            `audit-bot lease until ${new Date(time.now.getTime() + 10 * 60_000).toISOString()} ` +
            'by 00000000-0000-0000-0000-000000000000',
        }),
      });
      expect(forged.status).toBe(201);
      const run = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(run.stdout).not.toContain('NOT DONE');
      expect(run.code).toBe(0);
      expect(
        botNotes(sandbox)
          .flatMap((note) => parseMarkers(note.body))
          .filter((marker) => marker.step === 'ping2'),
      ).toHaveLength(8);
      expect(run.logs).toContain('the lock label audit-bot-lock-issue-1 was not written by this bot');
      expect(sandbox.gitlab.labels().some((label) => label.name.startsWith('audit-bot-lock'))).toBe(false);
    });
  });
});

describe('a GitLab answer typed as JSON that is not JSON', () => {
  test('its first bytes (a cut token) reach neither the error nor the logs', async () => {
    const token = 'glpat-Zq9Xw8Vv7Uu6Tt5Ss4Rr';
    const sandbox = await startSandbox({ clock: () => FIXED_NOW, tokens: { gitlab: token } });
    try {
      sandbox.gitlab.setFaultPlan((req) =>
        req.method === 'GET' && req.url.pathname.endsWith('/issues')
          ? {
              type: 'status',
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: `x${token.repeat(20)}`,
            }
          : undefined,
      );
      let stdout = '';
      let stderr = '';
      let logs = '';
      const code = await runCli(
        ['followup'],
        { ...sandbox.env, LOG_LEVEL: 'debug' },
        { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
        {
          clock: () => FIXED_NOW,
          sleep: instantSleep(),
          baseDir: PACKAGE_ROOT,
          logDestination: new Writable({
            write(chunk, _encoding, done) {
              logs += chunk.toString();
              done();
            },
          }),
        },
      );
      expect(code).toBe(1);
      const all = `${stdout}\n${stderr}\n${logs}`;
      expect(all).toContain('the answer is typed as JSON but is not JSON: x[REDACTED]');
      for (let length = 6; length <= token.length; length++) expect(all).not.toContain(token.slice(0, length));
    } finally {
      await sandbox.stop();
    }
  });
});
