/**
 * The npm package (issue #19): `npm pack` holds the build, the issue templates, the CI/CD component,
 * the sandbox seeds `audit-bot demo` reads, README, LICENSE and CHANGELOG, and nothing else: no
 * tests, no TypeScript sources, no source maps. Run after `npm run build` (as .ci/run does).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT, SANDBOX_SEED_DIR } from '../src/paths.js';
import { PLATFORM_IDS } from '../src/domain/platforms.js';

interface Pack {
  files: { path: string }[];
}

const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const packed = (): string[] => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(out) as Pack[])[0].files.map((file) => file.path).sort();
};

describe('the npm package', () => {
  const files = packed();

  test("holds the build, the issue templates, the component, the demo's seeds, README, LICENSE and CHANGELOG", () => {
    const required = [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      // The README's links point into docs/.
      'docs/configuration.md',
      'dist/cli.js',
      'dist/commands/init.js',
      'templates/audit.yml',
      ...PLATFORM_IDS.map((id) => `issue_templates/${id}.md`),
      // `audit-bot demo` runs against the sandbox, which reads its roster and config from here.
      ...['roster.yml', 'audit.config.yml'].map((name) =>
        path.relative(PACKAGE_ROOT, path.join(SANDBOX_SEED_DIR, name)).split(path.sep).join('/'),
      ),
    ];
    for (const file of required) expect({ file, packed: files.includes(file) }).toEqual({ file, packed: true });
  });

  test('and nothing else: no tests, no TypeScript sources, no source maps, no local output', () => {
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICENSE$/,
      /^CHANGELOG\.md$/,
      /^dist\/.+\.js$/,
      /^issue_templates\/[\w-]+\.md$/,
      /^templates\/[\w-]+\.yml$/,
      /^src\/sandbox\/seed\/[\w.-]+\.yml$/,
      /^docs\/[\w-]+\.md$/,
    ];
    for (const file of files)
      expect({ file, allowed: allowed.some((pattern) => pattern.test(file)) }).toEqual({ file, allowed: true });
    for (const file of files) {
      expect(file).not.toMatch(/(^|\/)(test|tests|__tests__|bench|node_modules|demo-output|dist-bench|evidence)\//);
      expect(file).not.toMatch(/\.test\.|\.map$|\.ts$|^\.env/);
    }
  });

  test('package.json: the audit-bot binary, Node 22 or later, a files list, and kept private', () => {
    expect(pkg.bin).toEqual({ 'audit-bot': 'dist/cli.js' });
    expect(pkg.engines).toEqual({ node: '>=22' });
    expect(pkg.files).toEqual([
      'dist/',
      '!dist/**/*.map',
      'issue_templates/',
      'templates/',
      'src/sandbox/seed/*.yml',
      'docs/',
      'CHANGELOG.md',
    ]);
    // Not published to npm yet: the component and the image are how projects adopt audit-bot, and
    // the npm name is not settled. `npm pack` still works; remove `private` to publish.
    expect(pkg.private).toBe(true);
  });

  test('the built CLI starts with a node shebang, so the `audit-bot` binary runs as it is', () => {
    expect(fs.readFileSync(path.join(PACKAGE_ROOT, 'src', 'cli.ts'), 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env node',
    );
    expect(fs.readFileSync(path.join(PACKAGE_ROOT, 'dist', 'cli.js'), 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env node',
    );
  });

  test('LICENSE is MIT, for audit-bot contributors; CHANGELOG keeps the Keep a Changelog shape', () => {
    const license = fs.readFileSync(path.join(PACKAGE_ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} audit-bot contributors\n/);
    expect(pkg.license ?? 'MIT').toBe('MIT');
    const changelog = fs.readFileSync(path.join(PACKAGE_ROOT, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('https://keepachangelog.com/');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(/^### Added$/m);
  });
});
