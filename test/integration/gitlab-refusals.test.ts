import { runAuditBot, withSandbox } from '../helpers.js';

describe('refused credentials name the variable to fix', () => {
  test('a refused GITLAB_TOKEN: open and followup say what to set, never "re-run to finish it", exit 1', async () => {
    await withSandbox(async (sandbox) => {
      const open = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {
        GITLAB_TOKEN: 'glpat-not-the-right-one',
      });
      expect(open.code).toBe(1);
      expect(open.stdout).toContain(
        'GitLab refused GITLAB_TOKEN (wrong, expired or revoked): ' +
          'create a project access token with the api scope and set GITLAB_TOKEN.',
      );
      expect(open.stdout).not.toContain('re-run');
      const followup = await runAuditBot(sandbox, ['followup'], { GITLAB_TOKEN: 'glpat-not-the-right-one' });
      expect(followup.code).toBe(1);
      expect(followup.stdout + followup.stderr).toContain('set GITLAB_TOKEN');
      expect(followup.stdout + followup.stderr + followup.logs).not.toContain('glpat-not-the-right-one');
    });
  });

  test('a wrong AUDIT_PROJECT says the project was not found with that token', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {
        AUDIT_PROJECT: 'support-ops/no-such-project',
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        'the project in AUDIT_PROJECT (default CI_PROJECT_PATH) was not found with that token',
      );
      expect(run.stdout).not.toContain('re-run');
    });
  });

  test('a vendor refusing its token names the variable too (PagerDuty 401, Zendesk API-token pair 401)', async () => {
    await withSandbox(async (sandbox) => {
      const pagerduty = await runAuditBot(sandbox, ['check', '--platform', 'pagerduty'], {
        PAGERDUTY_TOKEN: 'not-the-token',
      });
      expect(pagerduty.code).toBe(1);
      expect(pagerduty.stderr).toContain(
        'pagerduty refused the credentials (wrong, expired or revoked): ' +
          'check PAGERDUTY_TOKEN (a REST API key: read-only is enough).',
      );
      const zendesk = await runAuditBot(sandbox, ['check', '--platform', 'zendesk'], {
        ZENDESK_CLIENT_ID: '',
        ZENDESK_CLIENT_SECRET: '',
        ZENDESK_EMAIL: 'alex.rivera@example.com',
        ZENDESK_API_TOKEN: 'not-the-token',
      });
      expect(zendesk.code).toBe(1);
      expect(zendesk.stderr).toContain("check ZENDESK_EMAIL and ZENDESK_API_TOKEN (an admin's email and API token).");
    });
  });
});
