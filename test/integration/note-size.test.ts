import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withSandbox } from '../helpers.js';
import { generatePagerDutyUsers } from '../../src/platforms/pagerduty/sandbox/data.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { GITLAB_NOTE_LIMIT } from '../../src/domain/note-size.js';

describe("GitLab's note size cap", () => {
  test(
    '5,000 findings: open posts the results in parts under the cap, ' +
      'a re-run posts nothing, followup rebuilds every item',
    async () => {
      await withSandbox(async (sandbox) => {
        sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(5_000));
        const open = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty']);
        expect(open.stderr).toBe('');
        expect(open.code).toBe(0);
        expect(open.stdout).toMatch(/: 5013 finding\(s\)/);
        const notes = sandbox.gitlab.notesOf(1).filter((note) => !note.system);
        const largest = Math.max(...notes.map((note) => note.body.length));
        expect(largest).toBeLessThan(GITLAB_NOTE_LIMIT / 2 + 1);
        const markers = notes.flatMap((note) => parseMarkers(note.body));
        const parts = markers.filter((marker) => marker.step === 'results');
        expect(parts.length).toBeGreaterThan(1);
        expect(parts.map((marker) => marker.part)).toEqual(parts.map((_, index) => index + 1));
        expect(new Set(parts.flatMap((marker) => marker.findings ?? [])).size).toBe(5013);
        // The Support Ops Managers own the 5,000 strangers: one ping, naming ids, under the cap too.
        const som = notes.find(
          (note) => parseMarkers(note.body)[0]?.step === 'ping1' && parseMarkers(note.body)[0]?.owner === null,
        )!;
        expect(som.body).toContain('too many to describe in one note');
        (globalThis as { noteSizeFigure?: number }).noteSizeFigure = largest;
        console.log(`note-size: ${notes.length} notes, ${parts.length} results parts, largest ${largest} characters`);

        const writes = gitlabWrites(sandbox).length;
        const again = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty']);
        expect(again.code).toBe(0);
        expect(again.stdout).toContain('0 note(s) posted');
        expect(gitlabWrites(sandbox).length).toBe(writes);

        // A comment makes the night read the issue in full and rebuild every item from the markers.
        sandbox.gitlab.addNote(1, { author: 'som-alex', body: 'Looking at these now.' });
        const dir = mkdtempSync(path.join(tmpdir(), 'note-size-'));
        const night = await runAuditBot(sandbox, [
          'followup',
          '--platform',
          'pagerduty',
          '--report',
          path.join(dir, 'night1.json'),
        ]);
        expect(night.stderr).toBe('');
        expect(night.code).toBe(0);
        const report = JSON.parse(readFileSync(path.join(dir, 'night1.json'), 'utf8')) as {
          audits: { items?: { id: string; kind: string; subject: string }[] }[];
        };
        const items = report.audits[0].items!;
        expect(items).toHaveLength(5013);
        expect(new Set(items.map((item) => item.id)).size).toBe(5013);
        expect(items.every((item) => item.kind && item.subject)).toBe(true);
        for (const note of sandbox.gitlab.notesOf(1)) expect(note.body.length).toBeLessThan(GITLAB_NOTE_LIMIT);
        expect(sandbox.gitlab.issues()[0].description!.length).toBeLessThan(1_048_576);

        const before = sandbox.gitlab.log.length;
        const second = await runAuditBot(sandbox, [
          'followup',
          '--platform',
          'pagerduty',
          '--report',
          path.join(dir, 'night2.json'),
        ]);
        expect(second.code).toBe(0);
        expect(second.stdout).toContain('unchanged since the last run');
        const quiet = JSON.parse(readFileSync(path.join(dir, 'night2.json'), 'utf8')) as {
          audits: { unchanged?: { items: number } }[];
        };
        expect(quiet.audits[0].unchanged!.items).toBe(5013);
        const requests = sandbox.gitlab.log.slice(before);
        expect(requests.every((entry) => entry.method === 'GET')).toBe(true);
        expect(requests.length).toBeLessThanOrEqual(6);
      });
    },
    60_000,
  );

  test('the sandbox refuses what GitLab refuses: a note or a description over the cap', async () => {
    await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'])).code).toBe(0);
      const headers = { 'PRIVATE-TOKEN': sandbox.env.GITLAB_TOKEN, 'content-type': 'application/json' };
      const base = `${sandbox.gitlab.url}/api/v4/projects/1/issues/1`;
      const notesBefore = sandbox.gitlab.notesOf(1).length;
      const tooLong = await fetch(`${base}/notes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: 'x'.repeat(GITLAB_NOTE_LIMIT + 1) }),
      });
      expect(tooLong.status).toBe(400);
      expect(await tooLong.json()).toEqual({
        message: '400 Bad request - Note {:note=>["is too long (maximum is 1000000 characters)"]}',
      });
      expect(sandbox.gitlab.notesOf(1)).toHaveLength(notesBefore);
      // Characters, not bytes: a million two-byte characters is not too long.
      const atCap = await fetch(`${base}/notes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: 'ü'.repeat(GITLAB_NOTE_LIMIT) }),
      });
      expect(atCap.status).toBe(201);
      const { id } = (await atCap.json()) as { id: number };
      const edit = await fetch(`${base}/notes/${id}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ body: 'ü'.repeat(GITLAB_NOTE_LIMIT + 1) }),
      });
      expect(edit.status).toBe(400);
      expect(((await edit.json()) as { message: string }).message).toContain(
        'is too long (maximum is 1000000 characters)',
      );
      const description = await fetch(base, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ description: 'x'.repeat(1_048_577) }),
      });
      expect(description.status).toBe(400);
      expect(await description.json()).toEqual({
        message: { description: ['is too long (maximum is 1048576 characters)'] },
      });
    });
  });
});
