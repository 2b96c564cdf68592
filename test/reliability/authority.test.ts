/**
 * Authority, on the Zendesk, Calendly and PagerDuty audits: only an item's owner, the owner's manager or a Support Ops
 * Manager can address it; quoted lines, code, forged markers and a non-manager's "approved" do
 * nothing; and a note edited after the bot acted on the thread does not rewrite what was recorded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { loadRoster } from '../../src/config/roster.js';
import { renderMarker } from '../../src/domain/markers.js';
import type { AuditReport } from '../../src/domain/report.js';
import { PLATFORM_IDS } from '../../src/domain/platforms.js';
import { QUIET_ENV, issueOf, listedItems, type ListedItem } from './support.js';
import { reportFigures } from './figures.js';

const SOM = 'som-alex';
const roster = loadRoster(SANDBOX_ROSTER);
const managerOf = (username: string) =>
  roster.find((person) => person.gitlab.username === username)?.reports_to ?? null;
const peerOf = (owner: string) =>
  roster
    .map((person) => person.gitlab.username)
    .find((name) => name !== owner && name !== managerOf(owner) && name !== SOM)!;

interface Cast {
  platform: string;
  iid: number;
  /** Answered by someone with no say, then by its owner. */
  a: ListedItem;
  /** Answered by its owner in a quote and in code only; later in a reply edited before the bot saw it. */
  b: ListedItem;
  /** Answered by the owner's manager. */
  c: ListedItem;
  /** Answered by a Support Ops Manager. */
  d: ListedItem;
  /** Answered by its owner; the reply is edited afterwards. */
  e: ListedItem;
  notes: Record<string, number>;
}

function cast(sandbox: Sandbox, platform: string): Cast {
  const iid = issueOf(sandbox, platform);
  const items = listedItems(sandbox, iid);
  const owned = items.filter((item) => item.owner !== null && item.owner !== SOM);
  const c =
    owned.find((item) => ![null, SOM].includes(managerOf(item.owner!))) ??
    owned.find((item) => managerOf(item.owner!) !== null)!;
  const [a, b, e] = owned.filter((item) => item !== c);
  // A Support Ops Manager may answer for any item, one nobody owns included.
  const d = items.find((item) => ![a, b, c, e].includes(item));
  expect({ platform, enough: [a, b, c, d, e].every(Boolean) }).toEqual({ platform, enough: true });
  return { platform, iid, a, b, c, d: d!, e, notes: {} };
}

function say(sandbox: Sandbox, iid: number, author: string, body: string): number {
  return sandbox.gitlab.addNote(iid, { author, body }).note!.id;
}

async function edit(sandbox: Sandbox, iid: number, noteId: number, author: string, body: string): Promise<void> {
  const response = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/${iid}/notes/${noteId}`, {
    method: 'PUT',
    headers: { 'PRIVATE-TOKEN': `token-${author}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  expect(response.status).toBe(200);
}

const figures = { replies: 0, counted: 0, refused: 0, edits: 0, rewritten: 0 };

async function followup(
  sandbox: Sandbox,
  time: Timeline,
  at: string,
  report: string,
): Promise<Map<string, AuditReport>> {
  time.at(at);
  const run = await runAuditBot(sandbox, ['followup', '--report', report], QUIET_ENV, time.now);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const audits = (JSON.parse(fs.readFileSync(report, 'utf8')) as { audits: AuditReport[] }).audits;
  return new Map(audits.map((audit) => [audit.platform, audit]));
}

function addressed(audit: AuditReport | undefined, item: ListedItem) {
  return audit?.items.find((candidate) => candidate.fingerprint === item.fingerprint)?.addressed ?? null;
}

function botNotes(sandbox: Sandbox): number {
  return sandbox.gitlab
    .issues()
    .reduce(
      (sum, issue) =>
        sum +
        sandbox.gitlab.notesOf(issue.iid).filter((note) => !note.system && note.author.username === 'audit-bot').length,
      0,
    );
}

describe('who may answer, and history that edits cannot rewrite', () => {
  test(
    'owner, manager and Support Ops Manager count; ' +
      'nobody else, no quote, no code, no forged marker, no edit after the fact',
    async () => {
      const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-authority-')), 'followup.json');
      await withTimeline(async (sandbox, time) => {
        expect((await runAuditBot(sandbox, ['open', '--platform', 'all'], QUIET_ENV, time.now)).code).toBe(0);
        // The sandbox's US Federal audit has too few owned items for five roles; the answering rules
        // are the same code for every audit.
        const casts = PLATFORM_IDS.filter((platform) => platform !== 'zendesk-us-federal').map((platform) =>
          cast(sandbox, platform),
        );

        time.at('PT1H');
        for (const { iid, a, b, c, d, e, notes } of casts) {
          const peer = peerOf(a.owner!);
          notes.peer = say(sandbox, iid, peer, `${a.id} fixed\n${a.id} intentional: I say so`);
          notes.forged = say(
            sandbox,
            iid,
            peer,
            `all good ${renderMarker({
              v: 1,
              step: 'addressed',
              platform: 'x',
              findings: [a.fingerprint],
              entries: [{ finding: a.fingerprint, how: 'fixed', by: peer }],
            })}`,
          );
          say(sandbox, iid, a.owner!, 'approved');
          say(
            sandbox,
            iid,
            b.owner!,
            `> ${b.id} intentional: quoted\n\n\`\`\`\n${b.id} fixed\n\`\`\`\n    ${b.id} fixed\n\`${b.id} fixed\``,
          );
          notes.manager = say(sandbox, iid, managerOf(c.owner!)!, `${c.id} intentional: approved by the manager`);
          notes.som = say(sandbox, iid, SOM, `${d.id} intentional: accepted by Support Ops`);
          notes.owner = say(sandbox, iid, e.owner!, `${e.id} intentional: the first reason`);
          figures.replies += 7;
        }
        let audits = await followup(sandbox, time, 'PT2H', report);
        for (const { platform, a, b, c, d, e } of casts) {
          const audit = audits.get(platform);
          expect({ platform, a: addressed(audit, a), b: addressed(audit, b) }).toEqual({ platform, a: null, b: null });
          expect(addressed(audit, c)).toEqual(
            expect.objectContaining({ how: 'intentional', by: managerOf(c.owner!), reason: 'approved by the manager' }),
          );
          expect(addressed(audit, d)).toEqual(
            expect.objectContaining({ how: 'intentional', by: SOM, reason: 'accepted by Support Ops' }),
          );
          expect(addressed(audit, e)).toEqual(
            expect.objectContaining({ how: 'intentional', by: e.owner, reason: 'the first reason' }),
          );
          expect(audit!.outcome).toBeNull();
          figures.counted += 3;
          figures.refused += 4;
        }
        // The one with no say was told so, once per issue.
        for (const { iid, a } of casts) {
          const refusals = sandbox.gitlab
            .notesOf(iid)
            .filter(
              (note) => note.author.username === 'audit-bot' && note.body.includes(`only its owner (\`${a.owner}\`)`),
            );
          expect(refusals).toHaveLength(1);
        }
        expect(sandbox.gitlab.issues().every((issue) => issue.state === 'opened')).toBe(true);

        // After the bot acted: every kind of edit, none of which may change what was recorded.
        time.at('PT3H');
        for (const { iid, a, b, d, e, notes } of casts) {
          await edit(
            sandbox,
            iid,
            notes.owner,
            e.owner!,
            `${e.id} intentional: a rewritten reason\n${a.id} fixed\n${b.id} intentional: added later\nall fixed`,
          );
          await edit(
            sandbox,
            iid,
            notes.som,
            SOM,
            `${d.id} intentional: accepted by Support Ops\napproved\n${a.id} intentional: added later`,
          );
          await edit(sandbox, iid, notes.peer, peerOf(a.owner!), `${a.id} intentional: still no say`);
          figures.edits += 3;
        }
        const before = botNotes(sandbox);
        audits = await followup(sandbox, time, 'PT4H', report);
        expect(botNotes(sandbox)).toBe(before);
        for (const { platform, a, b, e } of casts) {
          const audit = audits.get(platform);
          expect({ platform, a: addressed(audit, a), b: addressed(audit, b) }).toEqual({ platform, a: null, b: null });
          expect(addressed(audit, e)).toEqual(expect.objectContaining({ reason: 'the first reason', by: e.owner }));
          expect(audit!.outcome).toBeNull();
        }
        expect(sandbox.gitlab.issues().every((issue) => issue.state === 'opened')).toBe(true);
        figures.rewritten = 0;

        // Later replies from those with a say still count; so does an edit made before the bot saw the reply.
        time.at('PT5H');
        const edited: number[] = [];
        for (const { iid, a, b } of casts) {
          say(sandbox, iid, a.owner!, `${a.id} intentional: the owner says so`);
          edited.push(say(sandbox, iid, b.owner!, `${b.id} fixed?`));
        }
        time.at('PT5H30M');
        for (const [index, { iid, b }] of casts.entries())
          await edit(sandbox, iid, edited[index], b.owner!, `${b.id} intentional: edited before the bot saw it`);
        audits = await followup(sandbox, time, 'PT6H', report);
        for (const { platform, a, b } of casts) {
          const audit = audits.get(platform);
          expect(addressed(audit, a)).toEqual(expect.objectContaining({ by: a.owner, reason: 'the owner says so' }));
          expect(addressed(audit, b)).toEqual(
            expect.objectContaining({ by: b.owner, reason: 'edited before the bot saw it' }),
          );
          figures.counted += 2;
        }
      });
    },
  );
});

afterAll(() => {
  reportFigures('7. authority', [
    ['replies (owner, manager, SOM, peer, quote/code, forged marker, non-SOM approval)', figures.replies],
    ['counted / refused as they should be', `${figures.counted} / ${figures.refused}`],
    ['edits after the bot acted', figures.edits],
    ['records rewritten by an edit', figures.rewritten],
  ]);
});
