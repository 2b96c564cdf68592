import got from 'got';
import { FIXED_NOW, gitlabWrites, runAuditBot, threads, withSandbox, withTimeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { resultsEntries } from '../../src/domain/bot-notes.js';
import { generateZendeskAgents } from '../../src/platforms/zendesk/sandbox/data.js';
import { SEEDED_ZENDESK_KINDS, ZD_GROUPS } from '../../src/platforms/zendesk/sandbox/seed.js';
import { SANDBOX_TOKENS, type Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_ZENDESK_EMAIL } from '../../src/platforms/zendesk/sandbox/index.js';

/** What GitLab parses for mentions, references and links: the text outside code spans (their content is literal). */
const outsideCode = (markdown: string) => markdown.replace(/(?<!`)(`+)(?!`)[^\n]*?[^`\n]\1(?!`)/g, ' ');

type ZendeskId = 'zendesk' | 'zendesk-us-federal';

interface JsonFinding {
  platform: string;
  kind: string;
  fingerprint: string;
  owner: string | null;
  subject: string;
  detail: string;
}

const MAIN_FINDINGS: Array<[string, string | null]> = [
  ['zendesk:admin-not-allowed:360001005', 'slee'],
  ['zendesk:agent-not-in-roster:360009001', null],
  ['zendesk:agent-not-in-roster:360009002', 'zangstrom'],
  ['zendesk:api-token-bad-description:7006', null],
  ['zendesk:api-token-review:7001', 'jdoe'],
  ['zendesk:api-token-review:7002', 'slee'],
  ['zendesk:api-token-review:7003', 'pnair'],
  ['zendesk:api-token-review:7004', 'msmith'],
  ['zendesk:api-token-review:7005', 'lfischer'],
  ['zendesk:api-token-review:7007', null],
  ['zendesk:api-token-review:7008', 'som-alex'],
  ['zendesk:api-token-review:7009', 'som-alex'],
  ['zendesk:email-mismatch:ohaddad', 'ohaddad'],
  ['zendesk:group-mismatch:cokafor', 'cokafor'],
  ['zendesk:inactive-agent:360001004', 'jdoe'],
  ['zendesk:inactive-agent:360001011', 'rmendes'],
  ['zendesk:missing-user:tkim', 'tkim'],
  ['zendesk:name-mismatch:lfischer', 'lfischer'],
  ['zendesk:oauth-client-review:802', 'msmith'],
  ['zendesk:oauth-client-review:803', null],
  ['zendesk:role-mismatch:lfischer', 'lfischer'],
  ['zendesk:role-mismatch:slee', 'slee'],
  ['zendesk:suspended-seat:360001012', 'dwhitfield'],
  ['zendesk:two-factor-disabled:360001003', 'pnair'],
  ['zendesk:wrong-id:ktanaka', 'ktanaka'],
];

const FEDERAL_FINDINGS: Array<[string, string | null]> = [
  ['zendesk-us-federal:admin-not-allowed:370009001', null],
  ['zendesk-us-federal:agent-not-in-roster:370009001', null],
  ['zendesk-us-federal:api-token-access-disabled', null],
  ['zendesk-us-federal:role-mismatch:jdoe', 'jdoe'],
  ['zendesk-us-federal:us-federal-no-account:cokafor', 'cokafor'],
  ['zendesk-us-federal:wrong-id:msmith', 'msmith'],
];

const READS = [
  '/api/v2/users',
  '/api/v2/users/me',
  '/api/v2/group_memberships',
  '/api/v2/groups',
  '/api/v2/custom_roles',
  '/api/v2/api_tokens',
  '/api/v2/oauth/clients',
  '/api/v2/oauth/tokens',
];

const open = (platform: ZendeskId) => ['open', '--platform', platform];

/** Each instance logged in with its API-token pair instead of its OAuth client (the fallback). */
const API_TOKEN_PAIR = {
  main: {
    ZENDESK_CLIENT_ID: '',
    ZENDESK_CLIENT_SECRET: '',
    ZENDESK_EMAIL: SANDBOX_ZENDESK_EMAIL,
    ZENDESK_API_TOKEN: SANDBOX_TOKENS.zendesk,
  },
  federal: {
    ZENDESK_US_FEDERAL_CLIENT_ID: '',
    ZENDESK_US_FEDERAL_CLIENT_SECRET: '',
    ZENDESK_US_FEDERAL_EMAIL: SANDBOX_ZENDESK_EMAIL,
    ZENDESK_US_FEDERAL_API_TOKEN: SANDBOX_TOKENS.zendeskUsFederal,
  },
};
const fake = (sandbox: Sandbox, platform: ZendeskId) =>
  platform === 'zendesk' ? sandbox.zendesk : sandbox.zendeskUsFederal;
const query = (entry: { query: string }) => new URLSearchParams(entry.query);

async function check(sandbox: Sandbox, platform: ZendeskId, env: Record<string, string> = {}): Promise<JsonFinding[]> {
  const run = await runAuditBot(sandbox, ['check', '--platform', platform, '--format', 'json'], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as JsonFinding[];
}

function issueOf(sandbox: Sandbox, platform: ZendeskId) {
  const issue = sandbox.gitlab
    .issues()
    .find((candidate) => (candidate.labels as string[]).includes(`audit::${platform}`));
  if (!issue) throw new Error(`no ${platform} issue`);
  return issue;
}

function botNotes(sandbox: Sandbox, platform: ZendeskId) {
  return sandbox.gitlab
    .notesOf(issueOf(sandbox, platform).iid)
    .filter((note) => !note.system && note.author.username === 'audit-bot');
}

/** Every Markdown table in `text` keeps the column count of its header (no cell broke out with a `|`). */
function expectIntactTables(text: string): number {
  let tables = 0;
  let columns: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('| ')) {
      columns = undefined;
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).length - 2;
    if (columns === undefined) {
      columns = cells;
      tables += 1;
    } else expect(cells).toBe(columns);
  }
  return tables;
}

describe('audit-bot against the two Zendesk sandboxes', () => {
  test("check via OAuth: each instance's seeded problems, its own fingerprints and owners, 8 reads each", async () => {
    await withSandbox(async (sandbox) => {
      const main = await check(sandbox, 'zendesk');
      expect(main.map((f) => [f.fingerprint, f.owner]).sort()).toEqual(MAIN_FINDINGS);
      const federal = await check(sandbox, 'zendesk-us-federal');
      expect(federal.map((f) => [f.fingerprint, f.owner]).sort()).toEqual(FEDERAL_FINDINGS);
      expect([...new Set([...main, ...federal].map((f) => f.kind))].sort()).toEqual(SEEDED_ZENDESK_KINDS);
      for (const finding of main) expect(finding.platform).toBe('zendesk');
      for (const finding of federal) expect(finding.platform).toBe('zendesk-us-federal');

      for (const platform of ['zendesk', 'zendesk-us-federal'] as const) {
        // One login (the client credentials grant), then the first page of users, then the other
        // listings side by side (in any order).
        const [login, ...log] = fake(sandbox, platform).log;
        expect([login.method, login.path, login.status]).toEqual(['POST', '/oauth/tokens', 200]);
        expect(log[0].path).toBe('/api/v2/users');
        expect(log.map((entry) => entry.path).sort()).toEqual([...READS].sort());
        // The US Federal instance is not Enterprise: custom roles are refused, which is fine as no agent has one.
        const status = Object.fromEntries(log.map((entry) => [entry.path, entry.status]));
        const refused: Record<string, number> =
          platform === 'zendesk' ? {} : { '/api/v2/custom_roles': 403, '/api/v2/api_tokens': 404 };
        expect(status).toEqual(Object.fromEntries(READS.map((path) => [path, refused[path] ?? 200])));
        const [users, memberships, groups] = ['/api/v2/users', '/api/v2/group_memberships', '/api/v2/groups'].map(
          (path) => log.find((entry) => entry.path === path),
        );
        expect(query(users!).getAll('role[]')).toEqual(['agent', 'admin']);
        for (const listing of [users!, memberships!, groups!]) expect(query(listing).get('page[size]')).toBe('100');
      }
      expect(sandbox.gitlab.log).toHaveLength(0);

      // The roster person found by email under another id is reported once (wrong id), not also as "not in the roster".
      expect(main.filter((f) => f.fingerprint.includes('360001099') || f.subject.includes('kai.tanaka'))).toEqual([
        expect.objectContaining({ kind: 'wrong-id', owner: 'ktanaka' }),
      ]);
      const byFingerprint = new Map([...main, ...federal].map((f) => [f.fingerprint, f]));
      expect(byFingerprint.get('zendesk:agent-not-in-roster:360009002')!.detail).toContain(
        'has the email of Zoë Ångström, whose roster entry has no zendesk.main',
      );
      expect(byFingerprint.get('zendesk:role-mismatch:lfischer')!.detail).toContain(
        'has the role "Staff" (custom role 9001); the roster says Support Engineer',
      );
      expect(byFingerprint.get('zendesk:api-token-review:7007')!.detail).toContain(
        '"Former Person" is not in the roster',
      );
      // One item per token, naming each of its problems; what needs a Zendesk admin says who can do it.
      expect(byFingerprint.get('zendesk:api-token-review:7003')!.detail).toMatch(
        new RegExp(
          /expires \d{4}-\d{2}-\d{2}\)\. It is past that expiry\. /.source +
            /If it is still needed, ask Support Ops \(a Zendesk admin\) to rotate it/.source,
        ),
      );
      expect(byFingerprint.get('zendesk:api-token-review:7004')!.detail).toMatch(
        new RegExp(
          /It has never been used in the \d+ days since it was created \(limit: 90 days\)\. /.source +
            /If it is still needed, reply why \(intentional: <reason>\); /.source +
            /if not, ask Support Ops \(a Zendesk admin\) to delete it\.$/.source,
        ),
      );
      expect(byFingerprint.get('zendesk:api-token-review:7005')!.detail).toContain(
        "the Zapier integration's token, owned by Lena Fischer. It has not been used for 150 days (limit: 90 days).",
      );
      expect(main.filter((f) => /api-token-(expired|unused)/.test(f.fingerprint))).toEqual([]);
      expect(byFingerprint.get('zendesk-us-federal:us-federal-no-account:cokafor')!.detail).toContain(
        'is marked for US Federal in the roster',
      );
      // The same data gives the same fingerprints.
      expect((await check(sandbox, 'zendesk')).map((f) => f.fingerprint)).toEqual(main.map((f) => f.fingerprint));
    });
  });

  test('open posts results (token table), then one grouped ping per person; re-runs post nothing', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, open('zendesk'));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          /^zendesk: issue #1 \(new\) .*: 25 finding\(s\), 0 accepted exception\(s\), /.source +
            /15 note\(s\) posted, 8 platform request\(s\)$/.source,
          'm',
        ),
      );
      const issue = issueOf(sandbox, 'zendesk');
      expect(issue.title).toBe('Zendesk access audit 2026-Q4');
      expect((issue.labels as string[]).slice().sort()).toEqual([
        'audit',
        'audit-quarter::2026-Q4',
        'audit-status::open',
        'audit::zendesk',
      ]);

      const notes = botNotes(sandbox, 'zendesk');
      const markers = notes.map((note) => parseMarkers(note.body)[0]);
      expect(markers.map((marker) => [marker.step, marker.owner ?? null])).toEqual([
        ['results', null],
        ...[
          'cokafor',
          'dwhitfield',
          'jdoe',
          'ktanaka',
          'lfischer',
          'msmith',
          'ohaddad',
          'pnair',
          'rmendes',
          'slee',
          'som-alex',
          'tkim',
          'zangstrom',
        ].map((owner) => ['ping1', owner]),
        ['ping1', null],
      ]);
      // Grouped per person: Lena gets one note with all three of her items (her token's review names its disuse).
      expect(markers.find((marker) => marker.owner === 'lfischer')!.findings).toEqual([
        'zendesk:api-token-review:7005',
        'zendesk:name-mismatch:lfischer',
        'zendesk:role-mismatch:lfischer',
      ]);
      expect(notes.find((note) => parseMarkers(note.body)[0].owner === 'lfischer')!.body).toMatch(
        /^@lfischer, the Zendesk access audit for 2026-Q4 needs you on 3 items:/,
      );

      const results = notes[0].body;
      expect(results).toContain(
        'read 13 agents and admins, 15 group memberships, 5 groups, 3 custom roles, 9 api tokens, ' +
          '3 oauth clients in 8 requests',
      );
      expect(results).toContain('**25 findings**');
      expect(results).toContain('#### Zendesk API tokens (9)');
      expect(results).toContain('| Token | Description | Owner | Created | Last used | Active | Flags |');
      expect(results).toContain(
        '| 7002 (…sF2k) | Salesforce sync - Sam Lee | Sam Lee (slee) | 2025-10-20 | 2026-11-23 | yes | none |',
      );
      expect(results).toContain(
        '| 7008 (…oM8a) | Old migration - Alex Rivera | Alex Rivera (som-alex) ' +
          '| 2024-12-24 | 2025-04-03 | no | none |',
      );
      expect(results).toContain('| Reporting - Former Person | Former Person (not in the roster) |');
      expect(results).toContain('expired 2026-11-14');
      expect(results).toContain('never used');
      expect(results).toContain('unused 150 days');
      expect(results).toContain('#### Zendesk OAuth clients (3)');
      // The bot's own client is listed (it holds the token this run logged in with), not asked to justify itself.
      expect(results).toContain(
        '| 801 | Access audits | `audit_bot` | confidential | `360001001` (som-alex) | 2026-09-25 ' +
          "| this audit's | now | service account (not asked) |",
      );
      expect(results).toContain(
        '| 802 | Slack integration | `slack_integration` | confidential | `360001002` (msmith) | 2026-01-28 ' +
          '| 2 | 2026-11-23 | asked to justify |',
      );
      expect(results).toContain(
        '| 803 | Old BI export | `bi_export` | public | `360009999` (not in the roster) | 2024-09-15 ' +
          '| 0 | never | asked to justify |',
      );
      expect(results).not.toMatch(/(^|\s)@[a-z]/);
      expect(expectIntactTables(results)).toBe(3);

      // A re-run finds the issue and posts nothing.
      const before = threads(sandbox);
      const notePosts = () =>
        gitlabWrites(sandbox).filter((entry) => entry.method === 'POST' && entry.path.endsWith('/notes')).length;
      const posted = notePosts();
      const again = await runAuditBot(sandbox, open('zendesk'));
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('0 note(s) posted');
      expect(threads(sandbox)).toEqual(before);
      expect(notePosts()).toBe(posted);
    });
  });

  test('a roster person on both instances is pinged in each audit issue, for that instance only', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['open', '--platform', 'all']);
      expect(run.code).toBe(0);
      // One platform check per audit.
      expect(run.platformReads).toBe(4);
      expect(run.stdout).toMatch(/^zendesk: issue #\d+ \(new\)/m);
      expect(run.stdout).toMatch(/^zendesk-us-federal: issue #\d+ \(new\)/m);
      expect(sandbox.gitlab.issues().map((issue) => issue.title)).toEqual(
        expect.arrayContaining(['Zendesk access audit 2026-Q4', 'Zendesk US Federal access audit 2026-Q4']),
      );
      const jdoe = (platform: ZendeskId) =>
        botNotes(sandbox, platform)
          .map((note) => ({ body: note.body, marker: parseMarkers(note.body)[0] }))
          .find(({ marker }) => marker.step === 'ping1' && marker.owner === 'jdoe')!;
      expect(jdoe('zendesk').marker.findings).toEqual([
        'zendesk:api-token-review:7001',
        'zendesk:inactive-agent:360001004',
      ]);
      expect(jdoe('zendesk').body).toMatch(/^@jdoe, the Zendesk access audit for 2026-Q4 needs you on 2 items:/);
      expect(jdoe('zendesk-us-federal').marker.findings).toEqual(['zendesk-us-federal:role-mismatch:jdoe']);
      expect(jdoe('zendesk-us-federal').body).toMatch(
        /^@jdoe, the Zendesk US Federal access audit for 2026-Q4 needs you on 1 item:/,
      );
      expect(jdoe('zendesk-us-federal').body).toContain('**ZDF-');
      // Each instance was read once, with its own credentials.
      expect(sandbox.zendesk.log.map((entry) => entry.path).sort()).toEqual([...READS, '/oauth/tokens'].sort());
      expect(sandbox.zendeskUsFederal.log.map((entry) => entry.path).sort()).toEqual(
        [...READS, '/oauth/tokens'].sort(),
      );
    });
  });

  test('names, token descriptions with "@all⏎/close | <script>": no mention, no close, no broken table', async () => {
    await withSandbox(async (sandbox) => {
      const hostileUser = sandbox.zendesk.data.users.find((user) => user.id === 360009001)!;
      const hostileToken = sandbox.zendesk.data.tokens.find((token) => token.id === 7006)!;
      for (const text of [hostileUser.name, hostileToken.description!]) {
        expect(text).toMatch(/@all/);
        expect(text).toMatch(/\n\/close/);
        expect(text).toContain('|');
        expect(text).toContain('<script>');
      }
      const run = await runAuditBot(sandbox, open('zendesk'));
      expect(run.code).toBe(0);

      const issue = issueOf(sandbox, 'zendesk');
      expect(sandbox.gitlab.issues().find((candidate) => candidate.iid === issue.iid)!.state).toBe('opened');
      const all = sandbox.gitlab
        .notesOf(issue.iid)
        .filter((note) => !note.system)
        .map((note) => note.body)
        .join('\n');
      expect(all).toContain('Eve Intruder');
      expect(all).toContain('temp token');
      expect(outsideCode(all)).not.toMatch(/@all\b/);
      expect(all).not.toMatch(/^\s*\//m);
      expect(all).not.toContain('<script>');
      expectIntactTables(all);
      // The control: the GitLab fake does run a line-start /close.
      sandbox.gitlab.addNote(issue.iid, { author: 'som-alex', body: 'done\n/close' });
      expect(sandbox.gitlab.issues().find((candidate) => candidate.iid === issue.iid)!.state).toBe('closed');
    });
  });

  test('follows links.next through every page (page[size]=100), users and group memberships alike', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.data.users.push(
        ...generateZendeskAgents(250).map((agent) => ({ ...agent, groupIds: [ZD_GROUPS.apac] })),
      );
      const findings = await check(sandbox, 'zendesk');
      expect(findings.filter((f) => f.kind === 'agent-not-in-roster')).toHaveLength(252);
      expect(findings.filter((f) => f.fingerprint === 'zendesk:agent-not-in-roster:900000250')).toHaveLength(1);

      for (const [path, pages] of [
        ['/api/v2/users', 3],
        ['/api/v2/group_memberships', 3],
        ['/api/v2/groups', 1],
      ] as const) {
        const requests = sandbox.zendesk.requestsTo(path).filter((entry) => entry.path === path);
        expect(requests).toHaveLength(pages);
        expect(requests.every((entry) => query(entry).get('page[size]') === '100')).toBe(true);
        const cursors = requests.map((entry) => query(entry).get('page[after]'));
        expect(cursors[0]).toBeNull();
        expect(new Set(cursors.slice(1)).size).toBe(pages - 1);
        for (const cursor of cursors.slice(1)) expect(cursor).toEqual(expect.any(String));
      }
      // The role filter is kept on every page.
      const userPages = sandbox.zendesk.requestsTo('/api/v2/users').filter((entry) => entry.path === '/api/v2/users');
      expect(userPages.every((entry) => query(entry).getAll('role[]').join() === 'agent,admin')).toBe(true);
      // The login, 7 pages, and one request each for me, custom roles, API tokens, OAuth clients and OAuth tokens.
      expect(sandbox.zendesk.log).toHaveLength(13);
    });
  });

  test('a 429 is retried after Retry-After, also in the middle of the pages with the same cursor', async () => {
    await withSandbox(async (sandbox) => {
      const fault = sandbox.zendesk.rateLimitedFault(7);
      expect(fault.type === 'status' && fault.headers?.['Retry-After']).toBe('7');
      let limited = false;
      sandbox.zendesk.setFaultPlan((req) =>
        !limited && req.url.pathname === '/api/v2/users' ? ((limited = true), fault) : undefined,
      );
      const run = await runAuditBot(sandbox, open('zendesk'));
      expect(run.code).toBe(0);
      expect(run.sleeps).toEqual([7000]);
      // The login, then the first page alone until it is answered; then the other listings, side by side.
      const answers = sandbox.zendesk.log.map((entry) => [entry.path, entry.status]);
      expect(answers.slice(0, 3)).toEqual([
        ['/oauth/tokens', 200],
        ['/api/v2/users', 429],
        ['/api/v2/users', 200],
      ]);
      expect(answers.slice(3).sort()).toEqual(
        READS.slice(1)
          .map((path) => [path, 200])
          .sort(),
      );
      expect(run.stdout).toContain('25 finding(s)');
    });
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.data.users.push(...generateZendeskAgents(150));
      let limited = 0;
      sandbox.zendesk.setFaultPlan((req) =>
        req.url.searchParams.has('page[after]') && limited++ < 2 ? sandbox.zendesk.rateLimitedFault(30) : undefined,
      );
      const run = await runAuditBot(sandbox, ['check', '--platform', 'zendesk', '--format', 'json']);
      expect(run.code).toBe(0);
      expect(run.sleeps).toEqual([30_000, 30_000]);
      expect((JSON.parse(run.stdout) as JsonFinding[]).filter((f) => f.kind === 'agent-not-in-roster')).toHaveLength(
        152,
      );
      const pages = sandbox.zendesk.requestsTo('/api/v2/users').filter((entry) => entry.path === '/api/v2/users');
      expect(pages.map((entry) => entry.status)).toEqual([200, 429, 429, 200]);
      expect(new Set(pages.slice(1).map((entry) => query(entry).get('page[after]'))).size).toBe(1);
    });
  });

  test('token access disabled (404) is said so in findings and instead of the table, not "no tokens"', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.data.tokenAccess = false;
      const run = await runAuditBot(sandbox, open('zendesk'));
      expect(run.code).toBe(0);
      const notes = botNotes(sandbox, 'zendesk');
      const results = notes[0].body;
      expect(parseMarkers(results)[0].findings).toContain('zendesk:api-token-access-disabled');
      expect(parseMarkers(results)[0].findings!.filter((fingerprint) => fingerprint.includes(':api-token-'))).toEqual([
        'zendesk:api-token-access-disabled',
      ]);
      expect(results).toContain('#### Zendesk API tokens (0)');
      expect(results).toContain(
        'The tokens could not be listed: GET `/api/v2/api_tokens` answered HTTP 404 ' +
          '(API token access is disabled). This is not "no tokens".',
      );
      expect(results).not.toContain('has no API tokens');
      expect(results).toContain('API token access is disabled in Zendesk');
      // Nobody in the roster owns it: the Support Ops Managers are asked.
      const som = notes.find(
        (note) => parseMarkers(note.body)[0].owner === null && parseMarkers(note.body)[0].step === 'ping1',
      )!;
      expect(som.body).toMatch(/^@som-alex, nobody in the roster owns these/);
      expect(parseMarkers(som.body)[0].findings).toContain('zendesk:api-token-access-disabled');
    });
    // An instance with token access but no tokens says that instead.
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.data.tokens = [];
      expect((await runAuditBot(sandbox, ['check', '--platform', 'zendesk', '--format', 'markdown'])).stdout).toContain(
        '_Zendesk has no API tokens._',
      );
    });
  });

  test('a failed required listing never gives a clean report: it fails the audit and writes nothing', async () => {
    for (const [path, fault] of [
      ['/api/v2/api_tokens', { type: 'status', status: 500 }],
      [
        '/api/v2/api_tokens',
        {
          type: 'status',
          status: 403,
          body: { error: 'Forbidden', description: 'You do not have access to this page.' },
        },
      ],
      ['/api/v2/group_memberships', { type: 'status', status: 500 }],
    ] as const) {
      await withSandbox(async (sandbox) => {
        sandbox.zendesk.setFaultPlan((req) => (req.url.pathname === path ? fault : undefined));
        const run = await runAuditBot(sandbox, open('zendesk'));
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(
          new RegExp(
            '^zendesk: FAILED, no findings were produced: ' +
              `zendesk GET ${path.replace(/\//g, '\\/')}(\\?\\S*)? answered HTTP ${fault.status}`,
            'm',
          ),
        );
        expect(sandbox.gitlab.issues()).toHaveLength(0);
        expect(gitlabWrites(sandbox)).toHaveLength(0);
      });
    }
  });

  test('a next link off the instance, has_more without one, a repeated link: check fails, no part listed', async () => {
    // A bad first page stops everything (the other listings wait for it); a bad later page, its own
    // listing. The login comes first.
    for (const [next, pages, requests] of [
      [() => 'https://evil.example/api/v2/users?page[after]=x', 1, 2],
      [() => null, 1, 2],
      [(url: string) => `${url}/api/v2/users?page%5Bsize%5D=100&page%5Bafter%5D=AGAIN`, 2, 3 + READS.length - 1],
    ] as const) {
      await withSandbox(async (sandbox) => {
        const page = {
          users: [],
          meta: { has_more: true, after_cursor: 'x' },
          links: { next: next(sandbox.zendesk.url) },
        };
        sandbox.zendesk.setFaultPlan((req) =>
          req.url.pathname === '/api/v2/users' ? { type: 'status', status: 200, body: page } : undefined,
        );
        const run = await runAuditBot(sandbox, ['check', '--platform', 'zendesk', '--format', 'json']);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(/links\.next/);
        expect(
          sandbox.zendesk.requestsTo('/api/v2/users').filter((entry) => entry.path === '/api/v2/users'),
        ).toHaveLength(pages);
        expect(sandbox.zendesk.log).toHaveLength(requests);
      });
    }
  });

  test('custom roles refused while an agent has one: the roles cannot be compared, so the check fails', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.data.customRoles = null;
      const run = await runAuditBot(sandbox, ['check', '--platform', 'zendesk', '--format', 'json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('roles cannot be compared');
    });
  });

  test('refused OAuth client: exit 1 naming both, no retry; bad API tokens: 401; none set: exit 2 first', async () => {
    await withSandbox(async (sandbox) => {
      const refused = await runAuditBot(sandbox, open('zendesk-us-federal'), {
        ZENDESK_US_FEDERAL_CLIENT_SECRET: 'not-the-right-secret',
      });
      expect(refused.code).toBe(1);
      expect(refused.sleeps).toEqual([]);
      expect(refused.stdout).toMatch(
        new RegExp(
          /zendesk-us-federal: FAILED, no findings were produced: /.source +
            /zendesk POST \/oauth\/tokens answered HTTP 401: .*invalid_client.*/.source +
            /check ZENDESK_US_FEDERAL_CLIENT_ID .* and ZENDESK_US_FEDERAL_CLIENT_SECRET/.source,
        ),
      );
      expect(refused.stdout).not.toContain('re-run');
      expect(sandbox.zendeskUsFederal.log.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
        ['POST', '/oauth/tokens', 401],
      ]);
      expect(sandbox.gitlab.issues()).toHaveLength(0);

      const run = await runAuditBot(sandbox, open('zendesk-us-federal'), {
        ...API_TOKEN_PAIR.federal,
        ZENDESK_US_FEDERAL_API_TOKEN: 'not-the-right-token',
      });
      expect(run.code).toBe(1);
      expect(run.sleeps).toEqual([]);
      expect(run.stdout).toMatch(
        new RegExp(
          /zendesk-us-federal: FAILED, no findings were produced: /.source +
            /zendesk GET \/api\/v2\/users\?.* answered HTTP 401: .*Couldn't authenticate you/.source,
        ),
      );
      expect(sandbox.zendeskUsFederal.log).toHaveLength(2);
      expect(sandbox.gitlab.issues()).toHaveLength(0);

      const missing = await runAuditBot(sandbox, open('zendesk'), { ZENDESK_CLIENT_SECRET: '' });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(
        "env ZENDESK_CLIENT_SECRET: required (that OAuth client's secret; " +
          'or, while Zendesk accepts API tokens (until 2027-04-30), ZENDESK_EMAIL and ZENDESK_API_TOKEN)',
      );
      expect(missing.stderr).not.toContain('ZENDESK_CLIENT_ID: required');
      expect(sandbox.zendesk.log).toHaveLength(0);
    });
  });

  test('the token and the Basic credentials never leak, even when Zendesk echoes them in an error', async () => {
    await withSandbox(async (sandbox) => {
      const basic = Buffer.from(`${SANDBOX_ZENDESK_EMAIL}/token:${SANDBOX_TOKENS.zendesk}`).toString('base64');
      sandbox.zendesk.setFaultPlan(() => ({
        type: 'status',
        status: 400,
        body: { error: 'InvalidValue', description: `bad ${SANDBOX_TOKENS.zendesk} / Basic ${basic}` },
      }));
      const run = await runAuditBot(sandbox, open('zendesk'), API_TOKEN_PAIR.main);
      expect(run.code).toBe(1);
      for (const text of [run.stdout, run.stderr, run.logs]) {
        expect(text).not.toContain(SANDBOX_TOKENS.zendesk);
        expect(text).not.toContain(basic);
      }
    });
  });

  test('follow-up ladder on the Zendesk issue: a deleted token is fixed, the rest get second pings', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, open('zendesk'), {}, time.now)).code).toBe(0);
      const opened = botNotes(sandbox, 'zendesk').length;
      const ids = Object.fromEntries(
        resultsEntries(parseMarkers(botNotes(sandbox, 'zendesk')[0].body)[0]).map((entry) => [
          entry.fingerprint,
          entry.id,
        ]),
      );
      sandbox.zendesk.data.tokens = sandbox.zendesk.data.tokens.filter((token) => token.id !== 7001);
      sandbox.gitlab.addNote(issueOf(sandbox, 'zendesk').iid, {
        author: 'jdoe',
        body: `${ids['zendesk:api-token-review:7001']} fixed, deleted it`,
      });
      time.at('PT72H');
      const before = sandbox.zendesk.log.length;
      const run = await runAuditBot(sandbox, ['followup', '--platform', 'zendesk'], {}, time.now);
      expect(run.code).toBe(0);
      // One login and the listings once.
      expect(sandbox.zendesk.log.length - before).toBe(READS.length + 1);
      const markers = botNotes(sandbox, 'zendesk')
        .slice(opened)
        .map((note) => parseMarkers(note.body)[0]);
      const addressed = markers.find((marker) => marker.step === 'addressed')!;
      expect(addressed.findings).toContain('zendesk:api-token-review:7001');
      const pinged = markers.filter((marker) => marker.step === 'ping2').map((marker) => marker.owner ?? null);
      expect(pinged).toContain('jdoe'); // still her inactive seat
      expect(pinged).toContain(null);
      expect(markers.find((marker) => marker.step === 'ping2' && marker.owner === 'jdoe')!.findings).toEqual([
        'zendesk:inactive-agent:360001004',
      ]);
    });
  });
});

describe('the Zendesk sandbox behaves like Zendesk', () => {
  const get = (
    sandbox: Sandbox,
    path: string,
    auth: string | null = `${SANDBOX_ZENDESK_EMAIL}/token:${SANDBOX_TOKENS.zendesk}`,
  ) =>
    got(path.startsWith('http') ? path : `${sandbox.zendesk.url}${path}`, {
      headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
      throwHttpErrors: false,
      retry: { limit: 0 },
    });

  test('basic email/token auth, cursor pagination, page[size] limits, rate-limit headers, token endpoint', async () => {
    await withSandbox(async (sandbox) => {
      const anonymous = await get(sandbox, '/api/v2/users', null);
      expect(anonymous.statusCode).toBe(401);
      expect(JSON.parse(anonymous.body)).toEqual({ error: "Couldn't authenticate you" });
      // The password form of basic auth is not the token form.
      expect(
        (await get(sandbox, '/api/v2/users', `${SANDBOX_ZENDESK_EMAIL}:${SANDBOX_TOKENS.zendesk}`)).statusCode,
      ).toBe(401);

      const first = await get(sandbox, '/api/v2/users.json?role[]=agent&role[]=admin&page[size]=5');
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toContain('application/json');
      expect(first.headers['x-rate-limit']).toBe('700');
      const page = JSON.parse(first.body);
      expect(page.users.map((u: { id: number }) => u.id)).toEqual([
        360001001, 360001002, 360001003, 360001004, 360001005,
      ]);
      expect(page.meta).toMatchObject({ has_more: true, after_cursor: expect.any(String) });
      const next = JSON.parse((await get(sandbox, page.links.next)).body);
      expect(next.users[0].id).toBe(360001006);
      expect(next.links.prev).toEqual(expect.any(String));
      // A cursor belongs to its listing; page[size] is 1…100.
      expect((await get(sandbox, `/api/v2/groups?page[size]=5&page[after]=${page.meta.after_cursor}`)).statusCode).toBe(
        400,
      );
      expect((await get(sandbox, '/api/v2/users?page[size]=101')).statusCode).toBe(400);
      expect((await get(sandbox, '/api/v2/users?page[size]=0')).statusCode).toBe(400);
      // End-users are filtered out by role; without page[size] the listing is offset-paginated.
      const everyone = JSON.parse((await get(sandbox, '/api/v2/users')).body);
      expect(everyone).toMatchObject({ next_page: null, previous_page: null, count: 14 });
      expect(everyone.users.some((u: { role: string }) => u.role === 'end-user')).toBe(true);

      const tokens = JSON.parse((await get(sandbox, '/api/v2/api_tokens')).body);
      expect(tokens.api_tokens).toHaveLength(9);
      expect(Object.keys(tokens.api_tokens[0]).sort()).toEqual([
        'active',
        'created_at',
        'description',
        'id',
        'last_used',
        'url',
        'visible_token',
      ]);
      const federalLogin = `${SANDBOX_ZENDESK_EMAIL}/token:${SANDBOX_TOKENS.zendeskUsFederal}`;
      const federal = await got(`${sandbox.zendeskUsFederal.url}/api/v2/api_tokens`, {
        headers: {
          authorization: `Basic ${Buffer.from(federalLogin).toString('base64')}`,
        },
        throwHttpErrors: false,
      });
      expect(federal.statusCode).toBe(404);
      // Each instance has its own token.
      expect((await get(sandbox, `${sandbox.zendeskUsFederal.url}/api/v2/users`)).statusCode).toBe(401);

      const limited = sandbox.zendesk.rateLimitedFault(3);
      sandbox.zendesk.failNext(1, limited);
      const refused = await get(sandbox, '/api/v2/users');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('3');
      expect(refused.headers['content-type']).toContain('text/plain');
      expect(FIXED_NOW.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    });
  });
});
