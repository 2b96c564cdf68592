import { runAuditBot, withSandbox } from '../helpers.js';
import { SANDBOX_TOKENS } from '../../src/sandbox/environment.js';

/** What GitLab parses for mentions, references and links: the text outside code spans (their content is literal). */
const outsideCode = (markdown: string) => markdown.replace(/(?<!`)(`+)(?!`)[^\n]*?[^`\n]\1(?!`)/g, ' ');

const OPEN = ['open', '--platform', 'pagerduty'];

describe('platform text is inert in GitLab', () => {
  test('a PagerDuty user "@all /close | <script>…" mentions nobody, closes nothing, breaks no table', async () => {
    await withSandbox(async (sandbox) => {
      const hostile = sandbox.pagerduty.data.users.find((user) => user.id === 'PGHOST1')!;
      hostile.name = '@all\n/close\r\n/label ~pwned | <script>alert(1)</script> [x](http://evil) #1 ~bug';
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);

      const issue = sandbox.gitlab.issues()[0];
      expect(issue.state).toBe('opened');
      expect(issue.labels).not.toContain('pwned');
      const bodies = sandbox.gitlab
        .notesOf(issue.iid)
        .filter((note) => !note.system)
        .map((note) => note.body);
      const all = bodies.join('\n');
      expect(all).toContain('PGHOST1');
      expect(outsideCode(all)).not.toMatch(/@all\b/);
      expect(all).not.toMatch(/^\s*\//m);
      expect(all).not.toContain('<script');
      expect(outsideCode(all)).not.toMatch(/[^\\]\]\(http/);
      expect(outsideCode(all)).not.toContain('http://evil');
      expect(outsideCode(all)).not.toMatch(/(^|[^&])#1\b/);
      // Every table row keeps exactly its four cells.
      for (const line of all.split('\n').filter((l) => l.startsWith('| '))) {
        expect(line.split(/(?<!\\)\|/).length - 2).toBe(4);
      }
    });
  });

  test('the GitLab fake does run a line-start /close, so the test above has teeth', async () => {
    await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
      sandbox.gitlab.addNote(1, { author: 'som-alex', body: 'done\n/close' });
      expect(sandbox.gitlab.issues()[0].state).toBe('closed');
    });
  });
});

describe('secrets never leak', () => {
  const secrets = Object.values(SANDBOX_TOKENS);
  function assertClean(...texts: string[]) {
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  }

  test('not in output, logs, notes or issue bodies of a normal run (debug logging on)', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.logs.length).toBeGreaterThan(0);
      const issueText = sandbox.gitlab
        .issues()
        .map((issue) => `${issue.title}\n${issue.description}`)
        .join('\n');
      const notes = sandbox.gitlab
        .notesOf(1)
        .map((note) => note.body)
        .join('\n');
      assertClean(run.stdout, run.stderr, run.logs, issueText, notes);
    });
  });

  test('not in errors, even when a vendor echoes the token back in its error body', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.setFaultPlan(() => ({
        type: 'status',
        status: 400,
        body: { error: { message: `bad token Token token=${SANDBOX_TOKENS.pagerduty}`, code: 2001 } },
      }));
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('[REDACTED]');
      assertClean(run.stdout, run.stderr, run.logs);
    });
  });

  test('not in the message of a GitLab authentication failure', async () => {
    await withSandbox(async (sandbox) => {
      const wrong = 'glpat-wrong-but-still-secret';
      const run = await runAuditBot(sandbox, OPEN, { GITLAB_TOKEN: wrong });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/gitlab GET .* answered HTTP 401/);
      for (const text of [run.stdout, run.stderr, run.logs]) expect(text).not.toContain(wrong);
    });
  });
});
