import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {}, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('the CLI follows the usual conventions', () => {
  test('--version and -v print the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v'])
      expect(await cli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('--help, -h and help print the usage and exit 0; no command is a usage error (exit 2)', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const run = await cli(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^usage:\n {2}audit-bot open/);
      expect(run.stdout).toContain('audit-bot <command> --help, audit-bot --version');
    }
    expect((await cli([])).code).toBe(2);
  });

  test.each(['open', 'followup', 'check', 'demo', 'validate', 'init'])(
    "%s --help and -h print that command's usage and exit 0, doing nothing else",
    async (command) => {
      for (const flag of ['--help', '-h']) {
        const run = await cli([command, flag]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^usage: audit-bot ${command}\\b`));
        expect(run.stderr).toBe('');
      }
    },
  );

  test('an unknown option or command exits 2 with the usage on stderr', async () => {
    for (const argv of [['open', '--bogus'], ['frobnicate']]) {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^audit-bot: .*\nusage:\n/);
      expect(run.stdout).toBe('');
    }
  });
});
