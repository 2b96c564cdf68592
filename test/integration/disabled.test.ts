import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withSandbox } from '../helpers.js';
import { SANDBOX_CONFIG } from '../../src/sandbox/environment.js';

test('an audit disabled in the config is skipped with exit 0 even when named, and needs no credentials', async () => {
  await withSandbox(async (sandbox) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-'));
    const config = path.join(dir, 'audit.config.yml');
    fs.writeFileSync(
      config,
      fs.readFileSync(SANDBOX_CONFIG, 'utf8').replace(/^ {2}pagerduty:\n/m, '  pagerduty:\n    enabled: false\n'),
    );
    for (const command of [
      ['open', '--platform', 'pagerduty'],
      ['followup', '--platform', 'pagerduty'],
    ]) {
      const run = await runAuditBot(sandbox, command, { AUDIT_CONFIG: config, PAGERDUTY_TOKEN: '' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`pagerduty: skipped, disabled in ${config}`);
    }
    expect(gitlabWrites(sandbox)).toHaveLength(0);
    expect(sandbox.pagerduty.log).toHaveLength(0);
  });
});
