import { runAuditBot, withSandbox } from '../helpers.js';

describe('GitLab refusals name the variable to fix', () => {
  test('a refused GITLAB_TOKEN: open and followup say what to set, never "re-run to finish it", exit 1', async () => {
    await withSandbox(async (sandbox) => {
      const open = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], { GITLAB_TOKEN: 'glpat-not-the-right-one' });
      expect(open.code).toBe(1);
      expect(open.stdout).toContain('GitLab refused GITLAB_TOKEN (wrong, expired or revoked): create a project access token with the api scope and set GITLAB_TOKEN.');
      expect(open.stdout).not.toContain('re-run');
      const followup = await runAuditBot(sandbox, ['followup'], { GITLAB_TOKEN: 'glpat-not-the-right-one' });
      expect(followup.code).toBe(1);
      expect(followup.stdout + followup.stderr).toContain('set GITLAB_TOKEN');
      expect(followup.stdout + followup.stderr + followup.logs).not.toContain('glpat-not-the-right-one');
    });
  });

  test('a wrong AUDIT_PROJECT says the project was not found with that token', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], { AUDIT_PROJECT: 'support-ops/no-such-project' });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('the project in AUDIT_PROJECT (default CI_PROJECT_PATH) was not found with that token');
      expect(run.stdout).not.toContain('re-run');
    });
  });
});
