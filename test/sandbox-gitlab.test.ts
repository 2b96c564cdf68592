import { Gitlab, GitbeakerRequestError, GitbeakerRetryError } from '@gitbeaker/rest';
import { createGitLabSandbox, type GitLabSandbox } from '../src/sandbox/gitlab/index.js';

const PROJECT = 'support-ops/audits';
const BOT_TOKEN = 'glpat-bot-token';
const JDOE_TOKEN = 'glpat-jdoe-token';

let sandbox: GitLabSandbox;
let bot: InstanceType<typeof Gitlab>;
let jdoe: InstanceType<typeof Gitlab>;
let clockMs = Date.parse('2026-10-01T09:00:00.000Z');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  sandbox = createGitLabSandbox({
    projectPath: PROJECT,
    users: [
      { id: 10, username: 'audit-bot', name: 'Audit Bot', bot: true },
      { id: 11, username: 'jdoe', name: 'Jane Doe' },
      { id: 12, username: 'msmith', name: 'Mark Smith' },
    ],
    tokens: { [BOT_TOKEN]: 'audit-bot', [JDOE_TOKEN]: 'jdoe' },
    templates: { zendesk: '## Zendesk audit\n\n- [ ] run the script\n' },
    now: () => new Date((clockMs += 1000)),
  });
  await sandbox.start();
  bot = new Gitlab({ host: sandbox.url, token: BOT_TOKEN });
  jdoe = new Gitlab({ host: sandbox.url, token: JDOE_TOKEN });
});

afterAll(async () => {
  await sandbox.stop();
});

afterEach(() => {
  sandbox.clearFaults();
  sandbox.rateLimitPerMinute = undefined;
});

async function newIssue(title: string, labels = 'audit::zendesk'): Promise<Json> {
  return await bot.Issues.create(PROJECT, title, { labels, description: 'body' });
}

test('current user, user lookup and project by id or encoded path', async () => {
  const me = (await bot.Users.showCurrentUser()) as Json;
  expect(me).toMatchObject({ id: 10, username: 'audit-bot', name: 'Audit Bot', state: 'active', bot: true });
  const found = (await bot.Users.all({ username: 'jdoe' })) as Json[];
  expect(found.map((u) => u.username)).toEqual(['jdoe']);
  expect(await bot.Users.all({ username: 'nobody' })).toEqual([]);

  const byPath = (await bot.Projects.show(PROJECT)) as Json;
  const byId = (await bot.Projects.show(1)) as Json;
  expect(byPath).toMatchObject({ id: 1, path_with_namespace: PROJECT });
  expect(byId.id).toBe(1);
  expect(sandbox.log.some((entry) => entry.path === '/api/v4/projects/support-ops%2Faudits')).toBe(true);
});

test('creates an issue with labels and confidential, like GitLab renders it', async () => {
  const issue = (await bot.Issues.create(PROJECT, 'Zendesk audit 2026-Q4', {
    description: 'Audit body',
    labels: 'audit::zendesk,audit-quarter::2026-Q4',
    confidential: true,
  })) as Json;
  expect(issue).toMatchObject({
    project_id: 1,
    title: 'Zendesk audit 2026-Q4',
    description: 'Audit body',
    state: 'opened',
    labels: ['audit-quarter::2026-Q4', 'audit::zendesk'],
    confidential: true,
    author: { id: 10, username: 'audit-bot', name: 'Audit Bot' },
    closed_at: null,
    closed_by: null,
    user_notes_count: 0,
  });
  expect(issue.id).not.toBe(issue.iid);
  expect(issue.web_url).toBe(`${sandbox.url}/${PROJECT}/-/issues/${issue.iid}`);
  expect(issue.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // unknown labels were created; GitLab adds no note on create
  const labels = (await bot.ProjectLabels.all(PROJECT)) as Json[];
  expect(labels.map((l) => l.name)).toEqual(expect.arrayContaining(['audit::zendesk', 'audit-quarter::2026-Q4']));
  expect(sandbox.notesOf(issue.iid)).toEqual([]);
  // shown by iid
  expect(((await bot.Issues.show(issue.iid, { projectId: PROJECT })) as Json).title).toBe('Zendesk audit 2026-Q4');
});

test('missing or blank title is a 400 with GitLab error bodies', async () => {
  const res = await fetch(`${sandbox.url}/api/v4/projects/1/issues`, {
    method: 'POST',
    headers: { 'private-token': BOT_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'x' }),
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: 'title is missing' });
  const blank = await bot.Issues.create(PROJECT, '  ').catch((e: unknown) => e);
  expect(blank).toBeInstanceOf(GitbeakerRequestError);
  expect((blank as GitbeakerRequestError).message).toBe('{"title":["can\'t be blank"]}');
});

test('Issues.all filters by all labels, state and iids, newest first by default', async () => {
  const a = await newIssue('filter A', 'fx::one,fx-common');
  const b = await newIssue('filter B', 'fx::two,fx-common');
  const c = await newIssue('filter C', 'fx-common');
  await bot.Issues.edit(PROJECT, c.iid, { stateEvent: 'close' });

  const all = (await bot.Issues.all({ projectId: PROJECT, labels: 'fx-common' })) as Json[];
  expect(all.map((i) => i.title)).toEqual(['filter C', 'filter B', 'filter A']);
  const opened = (await bot.Issues.all({
    projectId: PROJECT,
    labels: 'fx-common',
    state: 'opened',
    orderBy: 'created_at',
    sort: 'asc',
  })) as Json[];
  expect(opened.map((i) => i.title)).toEqual(['filter A', 'filter B']);
  const both = (await bot.Issues.all({ projectId: PROJECT, labels: 'fx-common,fx::two' })) as Json[];
  expect(both.map((i) => i.iid)).toEqual([b.iid]);
  const closed = (await bot.Issues.all({ projectId: 1, labels: 'fx-common', state: 'closed' })) as Json[];
  expect(closed.map((i) => i.iid)).toEqual([c.iid]);
  const byIid = (await bot.Issues.all({ projectId: PROJECT, iids: [a.iid, c.iid] })) as Json[];
  expect(byIid.map((i) => i.iid).sort()).toEqual([a.iid, c.iid].sort());
  const searched = (await bot.Issues.all({ projectId: PROJECT, search: 'FILTER b' })) as Json[];
  expect(searched.map((i) => i.iid)).toEqual([b.iid]);
});

test('IssueNotes.create and .all (default newest first, sort asc on request)', async () => {
  const issue = await newIssue('notes');
  const first = (await bot.IssueNotes.create(PROJECT, issue.iid, 'first <!-- audit-bot {"v":1} -->')) as Json;
  await jdoe.IssueNotes.create(PROJECT, issue.iid, 'second');
  expect(first).toMatchObject({
    body: 'first <!-- audit-bot {"v":1} -->',
    author: { id: 10, username: 'audit-bot', name: 'Audit Bot' },
    system: false,
    noteable_id: issue.id,
    noteable_iid: issue.iid,
    noteable_type: 'Issue',
    confidential: false,
    internal: false,
  });
  const desc = (await bot.IssueNotes.all(PROJECT, issue.iid)) as Json[];
  expect(desc.map((n) => n.body)).toEqual(['second', first.body]);
  const asc = (await bot.IssueNotes.all(PROJECT, issue.iid, { sort: 'asc', orderBy: 'created_at' })) as Json[];
  expect(asc.map((n) => n.author.username)).toEqual(['audit-bot', 'jdoe']);
  expect(((await bot.Issues.show(issue.iid, { projectId: PROJECT })) as Json).user_notes_count).toBe(2);
});

test('a /close at a line start closes the issue; mid-line or in a code block it does not', async () => {
  const issue = await newIssue('quick actions');
  await jdoe.IssueNotes.create(PROJECT, issue.iid, 'please do not run text /close here');
  await jdoe.IssueNotes.create(PROJECT, issue.iid, 'example:\n```\n/close\n```');
  await jdoe.IssueNotes.create(PROJECT, issue.iid, '> /close quoted\n/closed is not a command');
  expect(sandbox.issue(issue.iid)!.state).toBe('opened');

  const note = (await jdoe.IssueNotes.create(PROJECT, issue.iid, 'Fixed, removed the seat.\n/close')) as Json;
  expect(note.body).toBe('Fixed, removed the seat.');
  const closed = (await bot.Issues.show(issue.iid, { projectId: PROJECT })) as Json;
  expect(closed.state).toBe('closed');
  expect(closed.closed_by).toMatchObject({ username: 'jdoe' });
  expect(closed.closed_at).toEqual(expect.any(String));
  const notes = sandbox.notesOf(issue.iid);
  expect(notes.at(-1)).toMatchObject({ body: 'closed', system: true, author: { username: 'jdoe' } });
  expect(notes.map((n) => n.body).slice(0, 3)).toEqual([
    'please do not run text /close here',
    'example:\n```\n/close\n```',
    '> /close quoted\n/closed is not a command',
  ]);

  // Only quick actions: no note, 202 with commands_changes and summary (gitbeaker returns that body).
  const reopened = (await jdoe.IssueNotes.create(PROJECT, issue.iid, '/reopen\n/label ~"audit::zendesk"')) as Json;
  expect(reopened).toEqual({
    commands_changes: expect.objectContaining({ state_event: 'reopen' }),
    summary: expect.arrayContaining(['Reopened this issue.']),
  });
  expect(sandbox.log.at(-1)!.status).toBe(202);
  expect(sandbox.issue(issue.iid)!.state).toBe('opened');
  // /close on an already closed issue is not available: it stays in the text
  await bot.Issues.edit(PROJECT, issue.iid, { stateEvent: 'close' });
  const again = (await jdoe.IssueNotes.create(PROJECT, issue.iid, '/close')) as Json;
  expect(again.body).toBe('/close');
});

test('/label and /unlabel by a person; scoped labels replace their scope', async () => {
  const issue = await newIssue('labels', 'audit-status::waiting');
  await bot.ProjectLabels.create(PROJECT, 'needs review', '#ff0000');
  await bot.ProjectLabels.create(PROJECT, 'audit-status::done', '#00ff00');
  const res = sandbox.addNote(issue.iid, {
    author: 'jdoe',
    body: 'done\n/label ~"needs review" ~"audit-status::done" ~nonexistent',
  });
  expect(res.note!.body).toBe('done');
  expect(sandbox.issue(issue.iid)!.labels).toEqual(['audit-status::done', 'needs review']);
  const system = sandbox.notesOf(issue.iid).filter((n) => n.system);
  expect(system).toHaveLength(1);
  expect(system[0].body).toMatch(/^added ~\d+ ~\d+ and removed ~\d+ labels$/);
  sandbox.addNote(issue.iid, { author: 'jdoe', body: '/unlabel ~"needs review"' });
  expect(sandbox.issue(issue.iid)!.labels).toEqual(['audit-status::done']);
});

test('Issues.edit: add/remove labels, close and reopen leave system notes and resource events', async () => {
  const issue = await newIssue('edit', 'audit::zendesk,audit-status::pinged');
  const edited = (await bot.Issues.edit(PROJECT, issue.iid, {
    addLabels: 'audit-status::waiting',
    removeLabels: 'audit::zendesk',
  })) as Json;
  expect(edited.labels).toEqual(['audit-status::waiting']);
  const closed = (await bot.Issues.edit(PROJECT, issue.iid, { stateEvent: 'close' })) as Json;
  expect(closed).toMatchObject({ state: 'closed', closed_by: { username: 'audit-bot' } });
  const reopened = (await bot.Issues.edit(PROJECT, issue.iid, { stateEvent: 'reopen' })) as Json;
  expect(reopened).toMatchObject({ state: 'opened', closed_at: null, closed_by: null });
  expect(sandbox.notesOf(issue.iid).map((n) => [n.system, n.body.replace(/\d+/g, 'N')])).toEqual([
    [true, 'added ~N and removed ~N ~N labels'],
    [true, 'closed'],
    [true, 'reopened'],
  ]);
  const events = (await bot.IssueStateEvents.all(PROJECT, issue.iid)) as Json[];
  expect(events.map((e) => e.state)).toEqual(['closed', 'reopened']);
});

test('quick actions in a description run on create', async () => {
  await bot.ProjectLabels.create(PROJECT, 'from-template', '#123456');
  const issue = (await bot.Issues.create(PROJECT, 'templated', {
    description: 'Checklist\n/label ~from-template',
  })) as Json;
  expect(issue.description).toBe('Checklist');
  expect(issue.labels).toEqual(['from-template']);
});

test('note edit only by its author (403 otherwise), delete answers 204', async () => {
  const issue = await newIssue('note edits');
  const note = (await bot.IssueNotes.create(PROJECT, issue.iid, 'v1')) as Json;
  const denied = await jdoe.IssueNotes.edit(PROJECT, issue.iid, note.id, { body: 'hijack' }).catch((e: unknown) => e);
  expect((denied as GitbeakerRequestError).cause?.response.status).toBe(403);
  expect((denied as GitbeakerRequestError).message).toBe('403 Forbidden');
  const edited = (await bot.IssueNotes.edit(PROJECT, issue.iid, note.id, { body: 'v2' })) as Json;
  expect(edited.body).toBe('v2');
  await bot.IssueNotes.remove(PROJECT, issue.iid, note.id);
  expect(sandbox.log.at(-1)).toMatchObject({ method: 'DELETE', status: 204 });
  expect(sandbox.notesOf(issue.iid)).toEqual([]);
});

test('labels and templates', async () => {
  await bot.ProjectLabels.create(PROJECT, 'lbl-x', '#abcdef', { description: 'x' });
  const dup = await bot.ProjectLabels.create(PROJECT, 'lbl-x', '#abcdef').catch((e: unknown) => e);
  expect((dup as GitbeakerRequestError).cause?.response.status).toBe(409);
  const template = (await bot.ProjectTemplates.show(PROJECT, 'issues', 'zendesk')) as Json;
  expect(template).toEqual({ name: 'zendesk', content: '## Zendesk audit\n\n- [ ] run the script\n' });
  const missing = await bot.ProjectTemplates.show(PROJECT, 'issues', 'nope').catch((e: unknown) => e);
  expect((missing as GitbeakerRequestError).cause?.response.status).toBe(404);
  expect(await bot.ProjectTemplates.all(PROJECT, 'issues')).toEqual([{ key: 'zendesk', name: 'zendesk' }]);
});

test('401 on a bad or missing token, 404 on unknown things; JSON content type everywhere', async () => {
  const stranger = new Gitlab({ host: sandbox.url, token: 'wrong' });
  const error = await stranger.Users.showCurrentUser().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitbeakerRequestError);
  const cause = (error as GitbeakerRequestError).cause!;
  expect(cause.response.status).toBe(401);
  expect(cause.description).toBe('401 Unauthorized');
  expect((error as Error).message).toBe('401 Unauthorized');

  const noToken = await fetch(`${sandbox.url}/api/v4/projects/1/issues`);
  expect(noToken.status).toBe(401);
  expect(noToken.headers.get('content-type')).toBe('application/json');
  const bearer = await fetch(`${sandbox.url}/api/v4/user`, { headers: { authorization: `Bearer ${JDOE_TOKEN}` } });
  expect(((await bearer.json()) as Json).username).toBe('jdoe');

  const noIssue = await bot.Issues.show(99999, { projectId: PROJECT }).catch((e: unknown) => e);
  expect((noIssue as GitbeakerRequestError).message).toBe('404 Issue Not Found');
  const noProject = await bot.Projects.show('other/project').catch((e: unknown) => e);
  expect((noProject as GitbeakerRequestError).message).toBe('404 Project Not Found');
  const noRoute = await fetch(`${sandbox.url}/api/v4/nothing/here`, { headers: { 'private-token': BOT_TOKEN } });
  expect(noRoute.status).toBe(404);
  expect(noRoute.headers.get('content-type')).toBe('application/json');
});

describe('pagination', () => {
  beforeAll(() => {
    for (let i = 1; i <= 250; i++) sandbox.addIssue({ title: `bulk ${i}`, labels: ['bulk'] });
  });

  test('headers and a Link header that preserves the other query params', async () => {
    const res = await fetch(
      `${sandbox.url}/api/v4/projects/${encodeURIComponent(PROJECT)}/issues` +
        '?labels=bulk&state=opened&per_page=100&page=2',
      {
        headers: { 'private-token': BOT_TOKEN },
      },
    );
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-page')).toBe('2');
    expect(res.headers.get('x-per-page')).toBe('100');
    expect(res.headers.get('x-next-page')).toBe('3');
    expect(res.headers.get('x-prev-page')).toBe('1');
    expect(res.headers.get('x-total')).toBe('250');
    expect(res.headers.get('x-total-pages')).toBe('3');
    const links = Object.fromEntries(
      [...res.headers.get('link')!.matchAll(/<([^>]+)>; rel="([^"]+)"/g)].map((m) => [m[2], new URL(m[1])]),
    );
    expect(Object.keys(links)).toEqual(['prev', 'next', 'first', 'last']);
    expect(links.next.origin).toBe(sandbox.url);
    expect(links.next.searchParams.get('page')).toBe('3');
    expect(links.next.searchParams.get('labels')).toBe('bulk');
    expect(links.next.searchParams.get('state')).toBe('opened');
    expect(links.last.searchParams.get('page')).toBe('3');
    expect(((await res.json()) as Json[]).length).toBe(100);

    const last = await fetch(links.last.href, { headers: { 'private-token': BOT_TOKEN } });
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).not.toContain('rel="next"');
    expect(((await last.json()) as Json[]).length).toBe(50);
  });

  test('gitbeaker .all() follows Link across pages; maxPages with perPage stops early', async () => {
    const before = sandbox.requestsTo('/api/v4/projects/').length;
    const all = (await bot.Issues.all({ projectId: PROJECT, labels: 'bulk', perPage: 100 })) as Json[];
    expect(all).toHaveLength(250);
    expect(new Set(all.map((i) => i.iid)).size).toBe(250);
    const calls = sandbox.requestsTo('/api/v4/projects/').slice(before);
    expect(calls.map((c) => new URLSearchParams(c.query).get('page') ?? '1')).toEqual(['1', '2', '3']);
    expect(calls.every((c) => new URLSearchParams(c.query).get('labels') === 'bulk')).toBe(true);

    const mark = sandbox.log.length;
    const limited = (await bot.Issues.all({ projectId: PROJECT, labels: 'bulk', perPage: 100, maxPages: 2 })) as Json[];
    expect(limited).toHaveLength(200);
    expect(sandbox.log.length - mark).toBe(2);

    const expanded = (await bot.Issues.all({
      projectId: PROJECT,
      labels: 'bulk',
      perPage: 100,
      page: 3,
      showExpanded: true,
    })) as unknown as {
      data: Json[];
      paginationInfo: Json;
    };
    expect(expanded.data).toHaveLength(50);
    expect(expanded.paginationInfo).toEqual({
      total: 250,
      next: null,
      current: 3,
      previous: 2,
      perPage: 100,
      totalPages: 3,
    });
  });
});

test('injected 429 carries GitLab throttle headers; gitbeaker retries it on its own', async () => {
  sandbox.retryAfterSeconds = 7;
  sandbox.failNext(1);
  const res = await fetch(`${sandbox.url}/api/v4/user`, { headers: { 'private-token': BOT_TOKEN } });
  expect(res.status).toBe(429);
  expect(await res.text()).toBe('Retry later\n');
  expect(res.headers.get('content-type')).toBe('text/plain');
  expect(res.headers.get('retry-after')).toBe('7');
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(res.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
  expect(Number(res.headers.get('ratelimit-observed'))).toBeGreaterThan(0);
  expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  expect(Date.parse(res.headers.get('ratelimit-resettime')!)).toBeGreaterThan(Date.now() - 1000);
  sandbox.retryAfterSeconds = 1;

  sandbox.failNext(1);
  const mark = sandbox.log.length;
  expect(((await bot.Users.showCurrentUser()) as Json).username).toBe('audit-bot');
  expect(sandbox.log.slice(mark).map((e) => e.status)).toEqual([429, 200]);
});

test('rateLimitPerMinute answers 429 once the sliding window budget is spent', async () => {
  sandbox.rateLimitPerMinute = 2;
  const get = () => fetch(`${sandbox.url}/api/v4/user`, { headers: { 'private-token': BOT_TOKEN } });
  const first = await get();
  expect(first.headers.get('ratelimit-remaining')).toBe('1');
  expect((await get()).status).toBe(200);
  const third = await get();
  expect(third.status).toBe(429);
  expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
  // gitbeaker's own retry gives up within ~a quarter second, ignoring Retry-After
  const started = Date.now();
  const error = await bot.Users.showCurrentUser().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitbeakerRetryError);
  expect(Date.now() - started).toBeLessThan(2000);
});

test('direct helpers: addNote with createdAt, notesOf in creation order, setNow', async () => {
  const issue = await newIssue('helpers');
  sandbox.setNow(() => new Date('2026-12-01T12:00:00.000Z'));
  const posted = (await bot.IssueNotes.create(PROJECT, issue.iid, 'ping @jdoe')) as Json;
  expect(posted.created_at).toBe('2026-12-01T12:00:00.000Z');
  const reply = sandbox.addNote(issue.iid, {
    author: 'jdoe',
    body: 'intentional\n/close',
    createdAt: new Date('2026-12-02T08:00:00.000Z'),
  });
  expect(reply.note).toMatchObject({ body: 'intentional', created_at: '2026-12-02T08:00:00.000Z' });
  const only = sandbox.addNote(issue.iid, {
    author: 'msmith',
    body: '/reopen',
    createdAt: new Date('2026-12-03T08:00:00.000Z'),
  });
  expect(only.note).toBeNull();
  expect(only.summary).toEqual(['Reopened this issue.']);
  expect(sandbox.notesOf(issue.iid).map((n) => `${n.author.username}:${n.body}`)).toEqual([
    'audit-bot:ping @jdoe',
    'jdoe:intentional',
    'jdoe:closed',
    'msmith:reopened',
  ]);
  const closedAt = sandbox.notesOf(issue.iid)[2].created_at;
  expect(closedAt).toBe('2026-12-02T08:00:00.000Z');
  sandbox.setNow(() => new Date((clockMs += 1000)));
});

test('listLabelAndStateNotes: false hides label/state system notes from the API, like modern GitLab', async () => {
  const strict = createGitLabSandbox({
    projectPath: PROJECT,
    users: [{ id: 10, username: 'audit-bot', name: 'Audit Bot' }],
    tokens: { t: 'audit-bot' },
    listLabelAndStateNotes: false,
  });
  await strict.start();
  try {
    const api = new Gitlab({ host: strict.url, token: 't' });
    const issue = (await api.Issues.create(1, 'strict')) as Json;
    await api.IssueNotes.create(1, issue.iid, 'hello');
    await api.Issues.edit(1, issue.iid, { addLabels: 'x', stateEvent: 'close' });
    expect(((await api.IssueNotes.all(1, issue.iid)) as Json[]).map((n) => n.body)).toEqual(['hello']);
    expect(strict.notesOf(issue.iid).map((n) => n.body)).toEqual([
      'hello',
      expect.stringMatching(/^added ~\d+ label$/),
      'closed',
    ]);
    expect(((await api.IssueLabelEvents.all(1, issue.iid)) as Json[]).map((e) => [e.action, e.label.name])).toEqual([
      ['add', 'x'],
    ]);
    const outOfRange = await fetch(`${strict.url}/api/v4/projects/1/issues?page=5`, {
      headers: { 'private-token': 't' },
    });
    expect(await outOfRange.json()).toEqual([]);
    expect([
      outOfRange.headers.get('x-prev-page'),
      outOfRange.headers.get('x-next-page'),
      outOfRange.headers.get('x-total-pages'),
    ]).toEqual(['', '', '1']);
  } finally {
    await strict.stop();
  }
});
