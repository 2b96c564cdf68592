import got from 'got';
import { FIXED_NOW, gitlabWrites, runAuditBot, threads, withSandbox, withTimeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { generateCalendlyMembers } from '../../src/platforms/calendly/sandbox/data.js';
import { CALENDLY_ORGANIZATION_UUID } from '../../src/platforms/calendly/sandbox/seed.js';
import { SANDBOX_TOKENS, type Sandbox } from '../../src/sandbox/environment.js';

/** What GitLab parses for mentions, references and links: the text outside code spans (their content is literal). */
const outsideCode = (markdown: string) => markdown.replace(/(?<!`)(`+)(?!`)[^\n]*?[^`\n]\1(?!`)/g, ' ');

const OPEN = ['open', '--platform', 'calendly'];
const CHECK = ['check', '--platform', 'calendly', '--format', 'json'];

interface JsonFinding {
  platform: string;
  kind: string;
  fingerprint: string;
  owner: string | null;
  subject: string;
  detail: string;
}

const SEED_FINDINGS: Array<[string, string | null]> = [
  ['calendly:admin-not-allowed:USAMLEE00000001', 'slee'],
  // Chris Okafor's seat under another email is found by name only: a hint, not his (issue #18).
  ['calendly:member-not-in-roster:UCHRISOKAFOR001', null],
  ['calendly:member-not-in-roster:UMALLORY0000001', null],
  ['calendly:member-not-in-roster:UZOEANGSTROM001', null],
  ['calendly:missing-member:cokafor', 'cokafor'],
  ['calendly:missing-member:tkim', 'tkim'],
  ['calendly:role-drift:pnair', 'pnair'],
  ['calendly:role-drift:slee', 'slee'],
  ['calendly:stale-invitation:IOLDCONTRACT001', null],
  ['calendly:stale-invitation:IOMARHADDAD0001', 'ohaddad'],
];

async function check(sandbox: Sandbox): Promise<JsonFinding[]> {
  const run = await runAuditBot(sandbox, CHECK);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as JsonFinding[];
}

function botNotes(sandbox: Sandbox, iid = 1) {
  return sandbox.gitlab.notesOf(iid).filter((note) => !note.system && note.author.username === 'audit-bot');
}

const query = (entry: { query: string }) => new URLSearchParams(entry.query);

describe('audit-bot against the Calendly sandbox', () => {
  test('check finds every kind in the seed, with stable fingerprints and the right owner', async () => {
    await withSandbox(async (sandbox) => {
      const findings = await check(sandbox);
      expect(findings.map((f) => [f.fingerprint, f.owner]).sort()).toEqual(SEED_FINDINGS);
      expect(new Set(findings.map((f) => f.kind))).toEqual(
        new Set(['member-not-in-roster', 'missing-member', 'role-drift', 'admin-not-allowed', 'stale-invitation']),
      );
      for (const finding of findings) {
        expect(finding.platform).toBe('calendly');
        expect(Object.keys(finding)).toEqual(
          expect.arrayContaining(['platform', 'kind', 'fingerprint', 'owner', 'subject', 'detail']),
        );
      }
      const byFingerprint = new Map(findings.map((f) => [f.fingerprint, f]));
      expect(byFingerprint.get('calendly:member-not-in-roster:UZOEANGSTROM001')!.detail).toContain(
        'No roster person has this email, so the Support Ops Managers are pinged',
      );
      expect(byFingerprint.get('calendly:member-not-in-roster:UMALLORY0000001')!.detail).toContain(
        'so the Support Ops Managers are pinged',
      );
      // Kai's invitation is 3 days old, Jane's was accepted: neither is a finding; nor is Kai "missing".
      expect(findings.some((f) => /ktanaka|IKAITANAKA|IJANEDOE/.test(f.fingerprint))).toBe(false);
      // Three requests: the token's user, one page of members, one page of pending invitations.
      // The token's user first; members and invitations then side by side (in any order).
      const answers = sandbox.calendly.log.map((entry) => [entry.path, entry.status]);
      expect(answers[0]).toEqual(['/users/me', 200]);
      expect(answers.slice(1).sort()).toEqual([
        ['/organization_memberships', 200],
        [`/organizations/${CALENDLY_ORGANIZATION_UUID}/invitations`, 200],
      ]);
      const members = sandbox.calendly.log.find((entry) => entry.path === '/organization_memberships');
      const invitations = sandbox.calendly.log.find((entry) => entry.path.endsWith('/invitations'));
      expect(query(members!).get('organization')).toBe(sandbox.calendly.organizationUri);
      expect(query(members!).get('count')).toBe('100');
      expect(query(invitations!).get('status')).toBe('pending');
      expect(sandbox.gitlab.log).toHaveLength(0);
      // The same data gives the same fingerprints.
      expect((await check(sandbox)).map((f) => f.fingerprint)).toEqual(findings.map((f) => f.fingerprint));
    });
  });

  test('open posts the results and one ping per responsible person; the manager and SOMs are told why', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          /calendly: issue #1 \(new\) .*: 10 finding\(s\), 0 accepted exception\(s\), /.source +
            /7 note\(s\) posted, 3 platform request\(s\)/.source,
        ),
      );

      const [issue, ...others] = sandbox.gitlab.issues();
      expect(others).toHaveLength(0);
      expect(issue.title).toBe('Calendly access audit 2026-Q4');
      expect((issue.labels as string[]).slice().sort()).toEqual([
        'audit',
        'audit-quarter::2026-Q4',
        'audit-status::open',
        'audit::calendly',
      ]);
      expect(issue.description).toContain('## Calendly access audit — 2026-Q4');

      const notes = botNotes(sandbox);
      const markers = notes.map((note) => parseMarkers(note.body)[0]);
      expect(markers.map((marker) => [marker.step, marker.owner ?? null])).toEqual([
        ['results', null],
        ['ping1', 'cokafor'],
        ['ping1', 'ohaddad'],
        ['ping1', 'pnair'],
        ['ping1', 'slee'],
        ['ping1', 'tkim'],
        ['ping1', null],
      ]);
      expect(notes[0].body).toContain('**10 findings**');
      expect(notes[0].body).toContain('read 10 organization members, 3 pending invitations in 3 requests');
      expect(notes[0].body).not.toMatch(/(^|\s)@[a-z]/);
      for (const id of ['CAL-1', 'CAL-9']) expect(notes[0].body).toContain(`**${id}**`);

      const pnair = notes[3].body;
      // Zoë's name on a contractor's seat is a hint for the Support Ops Managers, not her manager's item (issue #18).
      expect(pnair).toMatch(/^@pnair, the Calendly access audit for 2026-Q4 needs you on 1 item/);
      expect(pnair).not.toContain('so their manager pnair is pinged');
      expect(pnair).toContain('Calendly role is user; the roster says admin');
      const som = notes[6].body;
      expect(som.startsWith('@som-alex, nobody in the roster owns these 4 Calendly items')).toBe(true);
      expect(som).toContain('The name looks like Zoë Ångström (zangstrom) under another email');
      expect(som).toContain('No roster person has this email or name, so the Support Ops Managers are pinged');
      expect(som).toContain('`old.contractor@example.net`');

      // A re-run finds the issue and posts nothing.
      const before = threads(sandbox);
      const notePosts = () =>
        gitlabWrites(sandbox).filter((entry) => entry.method === 'POST' && entry.path.endsWith('/notes')).length;
      const posted = notePosts();
      const again = await runAuditBot(sandbox, OPEN);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('0 note(s) posted');
      expect(threads(sandbox)).toEqual(before);
      expect(notePosts()).toBe(posted);
      expect(sandbox.gitlab.issues()).toHaveLength(1);
    });
  });

  test('open --platform all includes the Calendly audit', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['open', '--platform', 'all']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^calendly: issue #\d+ \(new\)/m);
      expect(run.stdout).toMatch(/^pagerduty: issue #\d+ \(new\)/m);
      // Other audits may run too; these two must be among them.
      expect(sandbox.gitlab.issues().map((issue) => issue.title)).toEqual(
        expect.arrayContaining(['Calendly access audit 2026-Q4', 'PagerDuty access audit 2026-Q4']),
      );
    });
  });

  test('a member named "@all⏎/close | …" mentions nobody, closes nothing, breaks no table', async () => {
    await withSandbox(async (sandbox) => {
      const hostile = sandbox.calendly.data.members.find((member) => member.uuid === 'UMALLORY0000001')!;
      // The seed itself carries the attack: a mention, a quick action at a line start, a table pipe.
      expect(hostile.name).toMatch(/@all/);
      expect(hostile.name).toMatch(/\n\/close/);
      expect(hostile.name).toContain('|');
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);

      const issue = sandbox.gitlab.issues()[0];
      expect(issue.state).toBe('opened');
      const all = sandbox.gitlab
        .notesOf(issue.iid)
        .filter((note) => !note.system)
        .map((note) => note.body)
        .join('\n');
      expect(all).toContain('Mallory Intruder');
      expect(outsideCode(all)).not.toMatch(/@all\b/);
      expect(all).not.toMatch(/^\s*\//m);
      for (const line of all.split('\n').filter((l) => l.startsWith('| '))) {
        expect(line.split(/(?<!\\)\|/).length - 2).toBe(4);
      }
      // The control: the GitLab fake does run a line-start /close.
      sandbox.gitlab.addNote(issue.iid, { author: 'som-alex', body: 'done\n/close' });
      expect(sandbox.gitlab.issues()[0].state).toBe('closed');
    });
  });

  test('follows next_page_token through every page of members and invitations (count=100)', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.data.members.push(...generateCalendlyMembers(250));
      for (let i = 1; i <= 120; i++) {
        sandbox.calendly.data.invitations.push({
          uuid: `IGEN${String(i).padStart(6, '0')}`,
          email: `invited-${i}@elsewhere.example`,
          status: i % 2 ? 'pending' : 'declined',
          created_at: '2026-01-01T00:00:00Z',
        });
      }
      const findings = await check(sandbox);
      expect(findings.filter((f) => f.kind === 'member-not-in-roster')).toHaveLength(253);
      expect(findings.filter((f) => f.kind === 'stale-invitation')).toHaveLength(62);

      const memberPages = sandbox.calendly.requestsTo('/organization_memberships');
      expect(memberPages).toHaveLength(3);
      expect(memberPages.every((entry) => query(entry).get('count') === '100')).toBe(true);
      const tokens = memberPages.map((entry) => query(entry).get('page_token'));
      expect(tokens[0]).toBeNull();
      expect(tokens[1]).toEqual(expect.any(String));
      expect(tokens[2]).toEqual(expect.any(String));
      expect(tokens[1]).not.toBe(tokens[2]);
      // Declined invitations are filtered by the API, so 60 + 2 pending fit one page.
      expect(sandbox.calendly.requestsTo('/organizations/')).toHaveLength(1);
    });
  });

  test('a 429 is retried after X-RateLimit-Reset (Calendly sends no Retry-After)', async () => {
    await withSandbox(async (sandbox) => {
      const fault = sandbox.calendly.rateLimitedFault(7);
      expect(fault.type === 'status' && Object.keys(fault.headers ?? {}).map((h) => h.toLowerCase())).not.toContain(
        'retry-after',
      );
      sandbox.calendly.failNext(1, fault);
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.sleeps).toEqual([7000]);
      const answers = sandbox.calendly.log.map((entry) => [entry.path, entry.status]);
      expect(answers.slice(0, 2)).toEqual([
        ['/users/me', 429],
        ['/users/me', 200],
      ]);
      expect(answers.slice(2).sort()).toEqual([
        ['/organization_memberships', 200],
        [`/organizations/${CALENDLY_ORGANIZATION_UUID}/invitations`, 200],
      ]);
      expect(run.stdout).toContain('10 finding(s)');
    });
  });

  test('a 429 in the middle of the pages retries the same page token, and the listing stays complete', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.data.members.push(...generateCalendlyMembers(150));
      let limited = 0;
      sandbox.calendly.setFaultPlan((req) =>
        req.url.searchParams.has('page_token') && limited++ < 2 ? sandbox.calendly.rateLimitedFault(30) : undefined,
      );
      const findings = await check(sandbox);
      expect(findings.filter((f) => f.kind === 'member-not-in-roster')).toHaveLength(153);
      const pages = sandbox.calendly.requestsTo('/organization_memberships');
      expect(pages.map((entry) => entry.status)).toEqual([200, 429, 429, 200]);
      expect(new Set(pages.slice(1).map((entry) => query(entry).get('page_token'))).size).toBe(1);
    });
  });

  test('a wrong token is a 401 (Unauthenticated), not retried, exit 1', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, OPEN, { CALENDLY_TOKEN: 'not-the-right-token' });
      expect(run.code).toBe(1);
      expect(run.sleeps).toEqual([]);
      expect(run.stdout).toMatch(
        /calendly: FAILED, no findings were produced: calendly GET \/users\/me answered HTTP 401: .*Unauthenticated/,
      );
      expect(run.stdout).toMatch(/Calendly refused the token \(invalid, expired or revoked\).* set CALENDLY_TOKEN$/m);
      expect(run.stdout).not.toMatch(/^\s+at /m);
      expect(sandbox.calendly.log).toHaveLength(1);
      expect(sandbox.gitlab.issues()).toHaveLength(0);
    });
  });

  test('a missing CALENDLY_TOKEN is a configuration error (exit 2) before any request', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, OPEN, { CALENDLY_TOKEN: '' });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('env CALENDLY_TOKEN: required');
      expect(sandbox.calendly.log).toHaveLength(0);
      expect(sandbox.gitlab.log).toHaveLength(0);
    });
  });

  test('a page token that comes back fails the check instead of looping or reporting a partial list', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.setFaultPlan((req) =>
        req.url.pathname === '/organization_memberships'
          ? {
              type: 'status',
              status: 200,
              body: { collection: [], pagination: { count: 0, next_page: null, next_page_token: 'AGAIN' } },
            }
          : undefined,
      );
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(sandbox.calendly.requestsTo('/organization_memberships')).toHaveLength(2);
    });
  });

  test('the token never leaks, even when Calendly echoes it in an error', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.setFaultPlan(() => ({
        type: 'status',
        status: 400,
        body: { title: 'Invalid Argument', message: `bad Bearer ${SANDBOX_TOKENS.calendly}` },
      }));
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(1);
      for (const text of [run.stdout, run.stderr, run.logs]) expect(text).not.toContain(SANDBOX_TOKENS.calendly);
    });
  });

  test('the allow-list of fingerprints accepts a Calendly finding like any other', async () => {
    await withSandbox(async (sandbox) => {
      const fs = await import('node:fs');
      const os = await import('node:os');
      const path = await import('node:path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-calendly-'));
      const config = path.join(dir, 'audit.config.yml');
      fs.writeFileSync(
        config,
        fs
          .readFileSync(sandbox.env.AUDIT_CONFIG, 'utf8')
          .replace(
            'allow_list: []',
            'allow_list:\n  - { fingerprint: "calendly:admin-not-allowed:USAMLEE00000001", ' +
              'reason: On-call admin cover, expires: 2027-01-31 }',
          )
          .replace('priya.nair@example.com]', 'priya.nair@example.com, Sam.Lee@example.com]'),
      );
      const run = await runAuditBot(sandbox, CHECK, { AUDIT_CONFIG: config });
      expect(run.code).toBe(0);
      const fingerprints = (JSON.parse(run.stdout) as JsonFinding[]).map((f) => f.fingerprint);
      expect(fingerprints).not.toContain('calendly:admin-not-allowed:USAMLEE00000001');
      expect(fingerprints).toContain('calendly:role-drift:slee');
    });
  });

  test('the follow-up ladder runs on the Calendly issue: second pings after 72 hours', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, OPEN, {}, time.now)).code).toBe(0);
      const opened = botNotes(sandbox).length;
      time.at('PT72H');
      const run = await runAuditBot(sandbox, ['followup', '--platform', 'calendly'], {}, time.now);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const steps = botNotes(sandbox)
        .slice(opened)
        .map((note) => [parseMarkers(note.body)[0].step, parseMarkers(note.body)[0].owner ?? null]);
      expect(steps).toEqual([
        ['ping2', 'cokafor'],
        ['ping2', 'ohaddad'],
        ['ping2', 'pnair'],
        ['ping2', 'slee'],
        ['ping2', 'tkim'],
        ['ping2', null],
      ]);
    });
  });
});

describe('the Calendly sandbox behaves like Calendly', () => {
  const get = (sandbox: Sandbox, path: string, token: string | null = SANDBOX_TOKENS.calendly) =>
    got(`${sandbox.calendly.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      throwHttpErrors: false,
      retry: { limit: 0 },
    });

  test('auth, count, page tokens, organization scope, rate-limit headers', async () => {
    await withSandbox(async (sandbox) => {
      const org = encodeURIComponent(sandbox.calendly.organizationUri);
      const anonymous = await get(sandbox, '/users/me', null);
      expect(anonymous.statusCode).toBe(401);
      expect(JSON.parse(anonymous.body)).toEqual({ title: 'Unauthenticated', message: 'The access token is invalid' });

      const me = await get(sandbox, '/users/me');
      expect(me.statusCode).toBe(200);
      expect(me.headers['content-type']).toContain('application/json');
      expect(me.headers['x-ratelimit-limit']).toBe('500');
      expect(me.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
      expect(JSON.parse(me.body).resource).toMatchObject({
        name: 'Alex Rivera',
        current_organization: sandbox.calendly.organizationUri,
        resource_type: 'User',
      });

      expect((await get(sandbox, `/organization_memberships?organization=${org}&count=101`)).statusCode).toBe(400);
      expect((await get(sandbox, `/organization_memberships?organization=${org}&count=0`)).statusCode).toBe(400);
      expect((await get(sandbox, '/organization_memberships?count=10')).statusCode).toBe(400);
      expect(
        (
          await get(
            sandbox,
            '/organization_memberships?organization=' +
              encodeURIComponent('https://api.calendly.com/organizations/OTHER'),
          )
        ).statusCode,
      ).toBe(403);
      expect((await get(sandbox, `/organization_memberships?organization=${org}&page_token=made-up`)).statusCode).toBe(
        400,
      );

      const first = JSON.parse((await get(sandbox, `/organization_memberships?organization=${org}&count=4`)).body);
      expect(first.collection).toHaveLength(4);
      expect(first.collection[0]).toMatchObject({
        role: 'owner',
        user: { name: 'Alex Rivera' },
        organization: sandbox.calendly.organizationUri,
      });
      expect(first.pagination).toMatchObject({ count: 4, previous_page: null, previous_page_token: null });
      const next = JSON.parse((await get(sandbox, first.pagination.next_page.slice(sandbox.calendly.url.length))).body);
      expect(next.collection[0].user.name).toBe('Sam Lee');
      // A token belongs to its listing.
      expect(
        (
          await get(
            sandbox,
            `/organizations/${CALENDLY_ORGANIZATION_UUID}/invitations?page_token=${first.pagination.next_page_token}`,
          )
        ).statusCode,
      ).toBe(400);
      expect((await get(sandbox, '/organizations/OTHER/invitations')).statusCode).toBe(403);

      const pending = JSON.parse(
        (await get(sandbox, `/organizations/${CALENDLY_ORGANIZATION_UUID}/invitations?status=pending`)).body,
      );
      expect(pending.collection.map((i: { email: string }) => i.email)).toEqual([
        'old.contractor@example.net',
        'omar.haddad@example.com',
        'kai.tanaka@example.com',
      ]);
      expect(pending.pagination.next_page_token).toBeNull();
      expect(FIXED_NOW.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    });
  });
});
