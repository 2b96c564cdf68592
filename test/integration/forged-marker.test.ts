/**
 * Issue #18, point 3: a bot note edited by someone else (GitLab lets a Maintainer edit anyone's
 * note) must not change the bot's state. Every marker the bot posts is sealed (an HMAC over its JSON
 * and its note's visible text, keyed with AUDIT_SEAL_KEY or else a key derived from GITLAB_TOKEN);
 * a marker whose seal does not verify is not the bot's record. All over real HTTP against the sandbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { markerJson, parseMarkers, type Marker } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import type { GitLabNote } from '../../src/sandbox/gitlab/index.js';
import type { AuditReport } from '../../src/domain/report.js';

const SEAL = { AUDIT_SEAL_KEY: 'forged-marker-test-seal-key-6f1e0d9c' };
const MAINTAINER = 'msmith';

async function run(sandbox: Sandbox, time: Timeline, argv: string[], env: Record<string, string> = SEAL) {
  return runAuditBot(sandbox, argv, env, time.now);
}

function botNote(sandbox: Sandbox, step: string): GitLabNote {
  const note = sandbox.gitlab
    .notesOf(1)
    .find((candidate) => candidate.author.username === 'audit-bot' && parseMarkers(candidate.body)[0]?.step === step);
  if (!note) throw new Error(`no ${step} note`);
  return note;
}

/** A marker as the bot would write it, but without a seal (or with a made-up one). */
function forged(marker: Marker, seal?: string): string {
  const json = markerJson(marker);
  return `<!-- audit-bot ${seal === undefined ? json : `${json.slice(0, -1)},"seal":"${seal}"}`} -->`;
}

/** Edits a note over the API as `username` (the sandbox token of each roster user is `token-<username>`). */
async function edit(sandbox: Sandbox, username: string, noteId: number, body: string): Promise<number> {
  const response = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/1/notes/${noteId}`, {
    method: 'PUT',
    headers: { 'PRIVATE-TOKEN': `token-${username}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  return response.status;
}

const notices = (sandbox: Sandbox) =>
  sandbox.gitlab
    .notesOf(1)
    .filter((note) => note.author.username === 'audit-bot' && parseMarkers(note.body)[0]?.step === 'edited');

/** A person's comment, so the next night reads the issue in full (a quiet issue costs one page). */
const comment = (sandbox: Sandbox, body = 'Any news on this audit?') =>
  sandbox.gitlab.addNote(1, { author: 'jdoe', body });

async function followupReport(
  sandbox: Sandbox,
  time: Timeline,
  env: Record<string, string> = SEAL,
): Promise<{ code: number; stdout: string; report: AuditReport }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-forged-'));
  try {
    const night = await run(sandbox, time, ['followup', '--report', path.join(dir, 'report.json')], env);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { audits: AuditReport[] };
    return { code: night.code, stdout: night.stdout, report: report.audits[0] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a bot note edited by someone else is not the bot record', () => {
  test("the sandbox, like GitLab, lets a Maintainer edit anyone's note, and others only their own", async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'])).code).toBe(0);
      const results = botNote(sandbox, 'results');
      expect(await edit(sandbox, 'jdoe', results.id, `${results.body}\nmine now`)).toBe(403);
      sandbox.gitlab.setMember(MAINTAINER, 40);
      expect(await edit(sandbox, MAINTAINER, results.id, results.body)).toBe(200);
      const own = comment(sandbox);
      expect(await edit(sandbox, 'jdoe', own.note!.id, 'edited my own comment')).toBe(200);
    });
  });

  test(
    'a forged outcome ("approved by som-alex") appended to a bot note does not close the issue; ' +
      'the edit is said in the issue once',
    async () => {
      await withTimeline(async (sandbox, time) => {
        expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'])).code).toBe(0);
        sandbox.gitlab.setMember(MAINTAINER, 40);
        const results = botNote(sandbox, 'results');
        const outcome = {
          v: 1,
          step: 'outcome' as const,
          platform: 'pagerduty',
          quarter: '2026-Q4',
          result: 'approved',
          by: 'som-alex',
          noteId: results.id,
        };
        expect(await edit(sandbox, MAINTAINER, results.id, `${results.body}\n${forged(outcome)}`)).toBe(200);
        // A seal copied from another marker of the bot's does not fit this one either.
        const ping = botNote(sandbox, 'ping1');
        const copiedSeal = /"seal":"([^"]+)"/.exec(ping.body)![1];
        expect(await edit(sandbox, MAINTAINER, ping.id, `${ping.body}\n${forged(outcome, copiedSeal)}`)).toBe(200);

        time.at('PT1H');
        comment(sandbox);
        const night = await followupReport(sandbox, time);
        expect(night.code).toBe(0);
        expect(night.report.outcome).toBeNull();
        expect(sandbox.gitlab.issue(1)!.state).toBe('opened');
        expect(
          sandbox.gitlab
            .notesOf(1)
            .some((note) => note.author.username === 'audit-bot' && parseMarkers(note.body)[0]?.step === 'outcome'),
        ).toBe(false);
        // Said once, naming both notes; the results and pings stand (nothing was listed or pinged again).
        expect(notices(sandbox)).toHaveLength(1);
        const notice = notices(sandbox)[0];
        expect(notice.body).toContain(`[note ${results.id}](#note_${results.id})`);
        expect(notice.body).toContain(`[note ${ping.id}](#note_${ping.id})`);
        expect(night.report.items.every((item) => item.addressed === null && item.pings.length === 1)).toBe(true);

        // Later nights (and a re-run) say nothing more about it.
        const from = gitlabWrites(sandbox).length;
        time.at('PT2H');
        comment(sandbox, 'Still waiting?');
        const again = await run(sandbox, time, ['followup']);
        expect(again.code).toBe(0);
        expect(notices(sandbox)).toHaveLength(1);
        expect(again.stdout).toContain('0 note(s) posted');
        expect(
          gitlabWrites(sandbox)
            .slice(from)
            .filter((entry) => entry.method === 'POST' && /\/notes$/.test(entry.path)),
        ).toEqual([]);
        expect(sandbox.gitlab.issue(1)!.state).toBe('opened');
      });
    },
  );

  test('a forged addressed marker records no answer', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'])).code).toBe(0);
      sandbox.gitlab.setMember(MAINTAINER, 40);
      const results = botNote(sandbox, 'results');
      const findings = parseMarkers(results.body)[0].findings!;
      const ping = botNote(sandbox, 'ping1');
      const addressed = {
        v: 1,
        step: 'addressed' as const,
        platform: 'pagerduty',
        quarter: '2026-Q4',
        entries: findings.map((finding) => ({
          finding,
          how: 'intentional',
          by: 'som-alex',
          reason: 'nobody said this',
        })),
      };
      expect(await edit(sandbox, MAINTAINER, ping.id, `${ping.body}\n${forged(addressed)}`)).toBe(200);

      time.at('PT1H');
      comment(sandbox);
      const night = await followupReport(sandbox, time);
      expect(night.code).toBe(0);
      expect(night.report.items.length).toBe(findings.length);
      expect(night.report.items.filter((item) => item.addressed !== null)).toEqual([]);
      expect(night.report.reviewRequested).toBe(false);
      expect(sandbox.gitlab.issue(1)!.description).not.toContain('nobody said this');
      expect(notices(sandbox).map((note) => note.body)).toEqual([
        expect.stringContaining(`[note ${ping.id}](#note_${ping.id})`),
      ]);
    });
  });

  test('an edit of the visible text under an intact marker is caught too', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'])).code).toBe(0);
      sandbox.gitlab.setMember(MAINTAINER, 40);
      const ping = botNote(sandbox, 'ping1');
      expect(
        await edit(
          sandbox,
          MAINTAINER,
          ping.id,
          `Nothing to do here, ignore this.\n\n${ping.body.slice(ping.body.indexOf('<!-- audit-bot'))}`,
        ),
      ).toBe(200);
      time.at('PT1H');
      comment(sandbox);
      expect((await run(sandbox, time, ['followup'])).code).toBe(0);
      expect(notices(sandbox).map((note) => note.body)).toEqual([
        expect.stringContaining(`[note ${ping.id}](#note_${ping.id})`),
      ]);
    });
  });

  test('an emoji reaction on a bot note changes nothing', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'])).code).toBe(0);
      time.at('PT1H');
      for (const note of sandbox.gitlab.notesOf(1).filter((candidate) => candidate.author.username === 'audit-bot'))
        sandbox.gitlab.react(1, note.id, 'jdoe');
      const quiet = await run(sandbox, time, ['followup']);
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toContain('0 note(s) posted');
      // Read in full too (a comment makes the night read every note): still nothing to say.
      comment(sandbox);
      const full = await followupReport(sandbox, time);
      expect(full.code).toBe(0);
      expect(full.stdout).toContain('0 note(s) posted');
      expect(notices(sandbox)).toEqual([]);
      expect(full.report.items.every((item) => item.pings.length === 1)).toBe(true);
    });
  });

  test('a rotated GITLAB_TOKEN with AUDIT_SEAL_KEY set keeps every seal valid', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'])).code).toBe(0);
      rotateBotToken(sandbox, 'sandbox-gitlab-bot-token-rotated');
      const rotated = { ...SEAL, GITLAB_TOKEN: 'sandbox-gitlab-bot-token-rotated' };
      // The second pings fall due: the night reads everything, trusts it all, and goes on.
      time.at('PT80H');
      const night = await followupReport(sandbox, time, rotated);
      expect(night.code).toBe(0);
      expect(night.stdout).not.toContain('FAILED');
      expect(night.report.items.every((item) => item.pings.map((ping) => ping.step).join() === 'ping1,ping2')).toBe(
        true,
      );
      expect(notices(sandbox)).toEqual([]);
      // And the board's checkpoint, sealed with the same key: the next night is a quiet one.
      time.at('PT81H');
      const quiet = await run(sandbox, time, ['followup'], rotated);
      expect(quiet.stdout).toContain('unchanged since the last run');
    });
  });

  test(
    'a rotated GITLAB_TOKEN without AUDIT_SEAL_KEY: ' +
      'nothing is trusted or listed again, and the message says how to recover',
    async () => {
      await withTimeline(async (sandbox, time) => {
        const old = sandbox.env.GITLAB_TOKEN;
        expect((await run(sandbox, time, ['open', '--platform', 'pagerduty'], {})).code).toBe(0);
        rotateBotToken(sandbox, 'sandbox-gitlab-bot-token-rotated');
        const rotated = { GITLAB_TOKEN: 'sandbox-gitlab-bot-token-rotated' };
        time.at('PT80H');
        const writes = gitlabWrites(sandbox).length;
        const night = await run(sandbox, time, ['followup'], rotated);
        expect(night.code).toBe(1);
        expect(night.stdout).toContain(
          'pagerduty: issue #1: FAILED, nothing more was done for it: ' +
            "the seals on the bot's notes in this issue do not verify with the current key",
        );
        expect(night.stdout).toContain("Set the masked CI variable AUDIT_SEAL_KEY to the old token's value");
        const reopen = await run(sandbox, time, ['open', '--platform', 'pagerduty'], rotated);
        expect(reopen.code).toBe(1);
        expect(gitlabWrites(sandbox).length).toBe(writes);
        // What the message says: the old token's value as AUDIT_SEAL_KEY makes the old seals verify.
        const recovered = await followupReport(sandbox, time, { ...rotated, AUDIT_SEAL_KEY: old });
        expect(recovered.code).toBe(0);
        expect(
          recovered.report.items.every((item) => item.pings.map((ping) => ping.step).join() === 'ping1,ping2'),
        ).toBe(true);
        expect(notices(sandbox)).toEqual([]);
      });
    },
  );
});

/** A new token for the same bot user (a rotation): the old one stops working as a revoked one would. */
function rotateBotToken(sandbox: Sandbox, token: string): void {
  sandbox.gitlab.rotateToken(sandbox.env.GITLAB_TOKEN, token);
}
