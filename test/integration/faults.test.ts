import { gitlabWrites, runAuditBot, threads, withSandbox } from '../helpers.js';

const OPEN = ['open', '--platform', 'pagerduty'];

async function uninterruptedThreads(): Promise<string[]> {
  return withSandbox(async (sandbox) => {
    expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
    return threads(sandbox);
  });
}

describe('platform faults', () => {
  test('a PagerDuty 429 is retried after its ratelimit-reset', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.failNext(1, sandbox.pagerduty.rateLimitedFault(7));
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.sleeps).toEqual([7000]);
      // users, schedules, escalation policies, the 3 rendered schedules, and the shift-based (v3)
      // listing and schedule a policy targets
      expect(sandbox.pagerduty.log.map((entry) => entry.status)).toEqual([429, 200, 200, 200, 200, 200, 200, 200, 200]);
    });
  });

  test('a PagerDuty 429 without headers backs off and succeeds', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.failNext(2, sandbox.pagerduty.rateLimitedWithoutHeaders());
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.sleeps).toEqual([500, 1000]);
    });
  });

  test.each([
    ['500', { type: 'status', status: 500 } as const],
    ['502', { type: 'status', status: 502 } as const],
    ['503', { type: 'status', status: 503 } as const],
    ['connection reset', { type: 'reset' } as const],
  ])('a PagerDuty %s is retried and the audit completes with the same findings', async (_name, fault) => {
    const expected = await uninterruptedThreads();
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.failNext(2, fault);
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.sleeps).toHaveLength(2);
      expect(threads(sandbox)).toEqual(expected);
    });
  });

  test('a persistent PagerDuty 500 exits 1, names the failure, and reports nothing as clean', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.setFaultPlan(() => ({
        type: 'status',
        status: 500,
        body: { error: { message: 'Internal Server Error', code: 2000 } },
      }));
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(
          /pagerduty: FAILED, no findings were produced: /.source +
            /pagerduty GET \/users\?limit=100&offset=0&total=true answered HTTP 500/.source,
        ),
      );
      expect(run.stdout).toMatch(/gave up after 7 attempts/);
      expect(run.stdout).not.toMatch(/\*\*No findings/);
      expect(sandbox.gitlab.issues()).toHaveLength(0);
      expect(gitlabWrites(sandbox)).toHaveLength(0);

      const check = await runAuditBot(sandbox, ['check', '--platform', 'pagerduty']);
      expect(check.code).toBe(1);
      expect(check.stdout).toBe('');
    });
  });

  test('a wrong PagerDuty token is a 401, not retried, exit 1', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, OPEN, { PAGERDUTY_TOKEN: 'not-the-right-token' });
      expect(run.code).toBe(1);
      expect(run.sleeps).toEqual([]);
      expect(run.stdout).toMatch(/answered HTTP 401/);
      expect(sandbox.pagerduty.log).toHaveLength(1);
    });
  });
});

describe('GitLab faults', () => {
  test('a GitLab 429 on a note is retried after Retry-After, and the note is posted once', async () => {
    const expected = await uninterruptedThreads();
    await withSandbox(async (sandbox) => {
      sandbox.gitlab.retryAfterSeconds = 3;
      let notePosts = 0;
      sandbox.gitlab.setFaultPlan((req) => {
        if (req.method === 'POST' && req.url.pathname.endsWith('/notes') && ++notePosts === 2)
          return sandbox.gitlab.rateLimited();
        return undefined;
      });
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.sleeps).toEqual([3000]);
      expect(threads(sandbox)).toEqual(expected);
    });
  });

  test('GitLab 502s on reads are retried', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.gitlab.failNext(3, { type: 'status', status: 502 });
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(run.sleeps).toHaveLength(3);
      expect(sandbox.gitlab.issues()).toHaveLength(1);
    });
  });

  test('a note that landed but whose answer was lost is not posted twice', async () => {
    const expected = await uninterruptedThreads();
    await withSandbox(async (sandbox) => {
      let notePosts = 0;
      sandbox.gitlab.setFaultPlan((req) => {
        if (req.method === 'POST' && req.url.pathname.endsWith('/notes') && ++notePosts === 2)
          return { type: 'reset-after-processing' };
        return undefined;
      });
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(threads(sandbox)).toEqual(expected);
    });
  });

  test('an issue created but whose answer was lost is found again, not created twice', async () => {
    const expected = await uninterruptedThreads();
    await withSandbox(async (sandbox) => {
      sandbox.gitlab.setFaultPlan((req) =>
        req.method === 'POST' && req.url.pathname.endsWith('/issues') ? { type: 'reset-after-processing' } : undefined,
      );
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(threads(sandbox)).toEqual(expected);
    });
  });

  test("an issue found after a lost create may be another run's, notes and all: read, none posted twice", async () => {
    const finished = await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
      return { state: sandbox.gitlab.saveState(), threads: threads(sandbox) };
    });
    await withSandbox(async (sandbox) => {
      // While this run's create is lost, another run (one whose lease had run out) has done the whole audit.
      let raced = false;
      sandbox.gitlab.setFaultPlan((req) => {
        if (raced || req.method !== 'POST' || !req.url.pathname.endsWith('/issues')) return undefined;
        raced = true;
        sandbox.gitlab.restoreState(finished.state);
        return { type: 'reset' };
      });
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      expect(raced).toBe(true);
      expect(threads(sandbox)).toEqual(finished.threads);
    });
  });

  // Killed after every write, then re-run: test/reliability/crash.test.ts (every write point of
  // `open --platform all` and of a follow-up night).
});
