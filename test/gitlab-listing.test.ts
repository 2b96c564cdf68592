import { instantSleep } from '../src/clock.js';
import { GitLabTracker } from '../src/gitlab/gitbeaker-tracker.js';
import { snakeCaseKeys } from '../src/gitlab/requester.js';
import { createLogger } from '../src/log.js';
import { createGitLabSandbox, type GitLabSandbox } from '../src/sandbox/gitlab/index.js';

const PROJECT = 'support-ops/audits';
const TOKEN = 'glpat-bot-token';

let sandbox: GitLabSandbox;
let tracker: GitLabTracker;
let iid: number;

beforeAll(async () => {
  let clockMs = Date.parse('2026-10-01T09:00:00.000Z');
  sandbox = createGitLabSandbox({
    projectPath: PROJECT,
    users: [{ id: 10, username: 'audit-bot', name: 'Audit Bot', bot: true }],
    tokens: { [TOKEN]: 'audit-bot' },
    now: () => new Date((clockMs += 1000)),
  });
  await sandbox.start();
  tracker = new GitLabTracker({
    url: sandbox.url,
    token: TOKEN,
    project: PROJECT,
    clock: () => new Date(clockMs),
    sleep: instantSleep(),
    logger: createLogger({ secrets: [TOKEN], level: 'silent' }),
  });
  iid = sandbox.addIssue({ title: 'many notes', labels: ['audit'] }).iid;
  for (let n = 1; n <= 250; n++) sandbox.addNote(iid, { author: 'audit-bot', body: `note ${n}` });
});

afterAll(async () => {
  await sandbox.stop();
});

afterEach(() => {
  sandbox.countLimit = 10_000;
});

const notePages = (from: number) =>
  sandbox.log
    .slice(from)
    .filter((entry) => entry.path.endsWith(`/issues/${iid}/notes`))
    .map((entry) => new URLSearchParams(entry.query).get('page'));

test('a listing whose first page gives the page count: the rest read after it, each note once, in order', async () => {
  const from = sandbox.log.length;
  const notes = await tracker.listNotes(iid);
  expect(notes.map((note) => note.body)).toEqual(Array.from({ length: 250 }, (_, index) => `note ${index + 1}`));
  const pages = notePages(from);
  expect(pages[0]).toBe('1');
  expect(pages.slice(1).sort()).toEqual(['2', '3']);
});

test("past GitLab's count limit (no X-Total-Pages): the pages follow X-Next-Page one after the other", async () => {
  sandbox.countLimit = 100;
  const page = await fetch(
    `${sandbox.url}/api/v4/projects/${encodeURIComponent(PROJECT)}/issues/${iid}/notes?per_page=100`,
    { headers: { 'private-token': TOKEN } },
  );
  expect([page.headers.get('x-total'), page.headers.get('x-total-pages'), page.headers.get('x-next-page')]).toEqual([
    null,
    null,
    '2',
  ]);
  expect(page.headers.get('link')).not.toContain('rel="last"');
  const from = sandbox.log.length;
  const notes = await tracker.listNotes(iid);
  expect(notes.map((note) => note.body)).toEqual(Array.from({ length: 250 }, (_, index) => `note ${index + 1}`));
  expect(notePages(from)).toEqual(['1', '2', '3']);
});

test("a write is JSON in GitLab's field names (add_labels, state_event), bypassing gitbeaker's options", async () => {
  const { iid: target } = sandbox.addIssue({ title: 'to edit', labels: ['audit', 'old'] });
  const edited = await tracker.updateIssue(target, {
    description: 'board',
    addLabels: ['new'],
    removeLabels: ['old'],
    stateEvent: 'close',
  });
  expect(edited).toMatchObject({ description: 'board', state: 'closed' });
  expect(sandbox.issue(target)?.labels).toEqual(['audit', 'new']);
  expect(snakeCaseKeys({ addLabels: 'a', nested: [{ stateEvent: 'close' }] })).toEqual({
    add_labels: 'a',
    nested: [{ state_event: 'close' }],
  });
  expect(() => snakeCaseKeys({ file: new Blob(['x']) })).toThrow(/plain JSON bodies only, not \[object Blob\]/);
});
