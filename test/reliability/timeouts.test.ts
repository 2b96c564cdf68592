/**
 * Answers slower than the HTTP timeout (AUDIT_HTTP_TIMEOUT_MS, 200 ms here): reads are retried;
 * a write whose answer timed out may have landed, so it is never simply sent again: the issue is
 * read again, and a write that landed counts as done. Nothing is posted twice either way.
 */
import { expireLeases, runAuditBot, withSandbox } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import type { FakeRequest } from '../../src/sandbox/fake-server.js';
import { duplicateNotes, FAST_ENV, isWrite, settle, SLOW_MS, snapshot, snapshotDiff, TIMEOUT_MS } from './support.js';
import { reportFigures } from './figures.js';

const OPEN = ['open', '--platform', 'zendesk-us-federal'];
const figures = { cases: 0, timedOut: 0, duplicates: 0, leasesLeft: 0 };

let expected: string[];
beforeAll(async () => {
  expected = await withSandbox(async (sandbox) => {
    expect((await runAuditBot(sandbox, OPEN, FAST_ENV)).code).toBe(0);
    return snapshot(sandbox);
  });
});

/** The `n`-th request matching `which` is answered `SLOW_MS` late, after (or before) the server acted. */
function slow(sandbox: Sandbox, which: (req: FakeRequest) => boolean, afterProcessing: boolean, n = 1): void {
  let seen = 0;
  sandbox.gitlab.setFaultPlan((req) => {
    if (!which(req) || ++seen !== n) return undefined;
    figures.timedOut += 1;
    return { type: 'delay', ms: SLOW_MS, afterProcessing };
  });
}

const notePost = (req: FakeRequest) => req.method === 'POST' && req.url.pathname.endsWith('/notes');

function check(sandbox: Sandbox): void {
  figures.cases += 1;
  const duplicates = duplicateNotes(sandbox);
  figures.duplicates += duplicates.length;
  expect(duplicates).toEqual([]);
  expect(snapshotDiff(snapshot(sandbox), expected)).toBe('');
  expect(sandbox.gitlab.labels().filter((label) => label.name.startsWith('audit-bot-lock'))).toEqual([]);
}

describe(`answers slower than the ${TIMEOUT_MS} ms timeout`, () => {
  test.concurrent(
    'a note that landed before its answer timed out is found on re-reading, not posted again',
    async () => {
      await withSandbox(async (sandbox) => {
        slow(sandbox, notePost, true, 3);
        const run = await runAuditBot(sandbox, OPEN, FAST_ENV);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.logs).toMatch(/"code":"ETIMEDOUT".*"msg":"the answer to a note was lost, but the note is there/);
        await settle(sandbox);
        check(sandbox);
      });
    },
  );

  test.concurrent(
    'a note that lands only after the run gave up: exit 1 naming the timeout; the re-run does not post it again',
    async () => {
      await withSandbox(async (sandbox) => {
        slow(sandbox, notePost, false, 3);
        const run = await runAuditBot(sandbox, OPEN, FAST_ENV);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(
          new RegExp(
            '^zendesk-us-federal: FAILED, the check found \\d+ finding\\(s\\) but the audit issue is not complete; ' +
              're-run to finish it \\(nothing is posted twice\\): ' +
              'gitlab POST \\S+/notes failed without an answer \\(ETIMEDOUT\\)',
            'm',
          ),
        );
        await settle(sandbox); // the slow note has landed by the time anyone re-runs
        sandbox.gitlab.clearFaults();
        const rerun = await runAuditBot(sandbox, OPEN, FAST_ENV);
        expect(rerun.code).toBe(0);
        check(sandbox);
      });
    },
  );

  test.concurrent('an issue created before its answer timed out is found again, not created twice', async () => {
    await withSandbox(async (sandbox) => {
      slow(sandbox, (req) => req.method === 'POST' && req.url.pathname.endsWith('/issues'), true);
      const run = await runAuditBot(sandbox, OPEN, FAST_ENV);
      expect(run.code).toBe(0);
      await settle(sandbox);
      check(sandbox);
    });
  });

  test.concurrent(
    'the lease, the board update and the lease release are safe to repeat: timed out, they are sent again',
    async () => {
      const label = (req: FakeRequest) => req.method === 'POST' && req.url.pathname.endsWith('/labels');
      const cases: [(req: FakeRequest) => boolean, boolean][] = [
        [label, true],
        [label, false],
        [(req) => req.method === 'PUT', false],
        [(req) => req.method === 'DELETE', true],
      ];
      for (const [which, afterProcessing] of cases) {
        {
          await withSandbox(async (sandbox) => {
            slow(sandbox, which, afterProcessing);
            const run = await runAuditBot(sandbox, OPEN, FAST_ENV);
            expect(run.stderr).toBe('');
            expect(run.code).toBe(0);
            await settle(sandbox);
            // A slow lease create processed after the run released it leaves a lease behind, which expires.
            if (sandbox.gitlab.labels().some((candidate) => candidate.name.startsWith('audit-bot-lock')))
              figures.leasesLeft += 1;
            await expireLeases(sandbox);
            check(sandbox);
          });
        }
      }
    },
  );

  test.concurrent(
    'slow reads are retried, and AUDIT_HTTP_TIMEOUT_MS sets how long a request may take (GitLab and platforms)',
    async () => {
      await withSandbox(async (sandbox) => {
        const slowReads = () => {
          let slowed = 0;
          return (req: FakeRequest) =>
            !isWrite(req.method) && ++slowed <= 2 ? { type: 'delay' as const, ms: SLOW_MS } : undefined;
        };
        sandbox.gitlab.setFaultPlan(slowReads());
        sandbox.zendeskUsFederal.setFaultPlan(slowReads());
        const fast = await runAuditBot(sandbox, OPEN, FAST_ENV);
        expect(fast.code).toBe(0);
        expect(fast.logs).toMatch(/"vendor":"zendesk".*ETIMEDOUT|ETIMEDOUT.*"vendor":"zendesk"/);
        expect(fast.logs).toMatch(/"vendor":"gitlab".*ETIMEDOUT|ETIMEDOUT.*"vendor":"gitlab"/);
        expect(fast.sleeps.length).toBeGreaterThan(2);
        const patient = await runAuditBot(sandbox, ['check', '--platform', 'zendesk-us-federal'], {
          ...FAST_ENV,
          AUDIT_HTTP_TIMEOUT_MS: String(SLOW_MS * 4),
        });
        expect(patient.code).toBe(0);
        expect(patient.sleeps).toEqual([]);
        await settle(sandbox);
        figures.cases += 1;
      });
    },
  );
});

afterAll(() => {
  reportFigures('8. timeouts (AUDIT_HTTP_TIMEOUT_MS)', [
    ['cases', figures.cases],
    ['writes answered after the timeout', figures.timedOut],
    ['duplicate notes or issues', figures.duplicates],
    ['leases left by a create processed after the release (expire in 15 min)', figures.leasesLeft],
  ]);
});
