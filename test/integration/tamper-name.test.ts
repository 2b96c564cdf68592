import { runAuditBot, withSandbox } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';

// Issue #18 point 4: a display name never decides who owns a finding. An intruder Calendly admin
// named like a roster person (Taylor Kim, tkim, whose own seat is missing) must stay a "not in
// roster" finding of the Support Ops Managers, with the name as a hint only.

interface JsonFinding {
  kind: string;
  fingerprint: string;
  owner: string | null;
  detail: string;
}

describe('a Calendly member named like a roster person (tamper)', () => {
  test('is "not in roster", owned by the Support Ops Managers; the person named is not pinged about it', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.data.members.push({
        uuid: 'UINTRUDERTAYLOR',
        name: 'Taylor  KIM',
        email: 'taylor.k@intruder.example',
        role: 'admin',
        created_at: '2026-11-20T09:00:00Z',
      });
      const run = await runAuditBot(sandbox, ['check', '--platform', 'calendly']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const findings = JSON.parse(run.stdout) as JsonFinding[];
      const byFingerprint = new Map(findings.map((finding) => [finding.fingerprint, finding]));
      // Fingerprints as before; the owner is nobody in the roster.
      const member = byFingerprint.get('calendly:member-not-in-roster:UINTRUDERTAYLOR');
      expect(member).toMatchObject({ kind: 'member-not-in-roster', owner: null });
      expect(member!.detail).toContain('No roster person has this email, so the Support Ops Managers are pinged');
      expect(member!.detail).toContain('The name looks like Taylor Kim (tkim) under another email');
      expect(byFingerprint.get('calendly:admin-not-allowed:UINTRUDERTAYLOR')).toMatchObject({ owner: null });
      // Taylor's own seat is still missing, and no email mismatch hands them the intruder's seat.
      expect(byFingerprint.get('calendly:missing-member:tkim')).toMatchObject({ owner: 'tkim' });
      expect(byFingerprint.has('calendly:email-mismatch:tkim')).toBe(false);

      const open = await runAuditBot(sandbox, ['open', '--platform', 'calendly']);
      expect(open.code).toBe(0);
      const pings = sandbox.gitlab
        .notesOf(1)
        .filter((note) => note.author.username === 'audit-bot')
        .flatMap((note) => parseMarkers(note.body).filter((marker) => marker.step === 'ping1'));
      const pinged = (fingerprint: string) =>
        pings.filter((marker) => marker.findings?.includes(fingerprint)).map((marker) => marker.owner ?? null);
      expect(pinged('calendly:member-not-in-roster:UINTRUDERTAYLOR')).toEqual([null]);
      expect(pinged('calendly:admin-not-allowed:UINTRUDERTAYLOR')).toEqual([null]);
      expect(pings.filter((marker) => marker.owner === 'tkim').flatMap((marker) => marker.findings)).toEqual([
        'calendly:missing-member:tkim',
      ]);
    });
  });
});
