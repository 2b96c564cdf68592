/**
 * The container image's Dockerfile, read without Docker (which cannot run here): multi-stage, Node
 * 24 slim, the build in the first stage, production dependencies and the build only in the last,
 * a non-root user, the audit-bot entrypoint, no secret. .ci/image-check carries the same steps out
 * in a temp dir and runs the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/paths.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

const TEXT = fs.readFileSync(path.join(PACKAGE_ROOT, 'Dockerfile'), 'utf8');

/** The instructions, continuation lines joined, comments left out. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword, ...rest] = full.split(/\s+/);
    out.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start });
  });
  return out;
}

const ALL = instructions(TEXT);
const stages: Instruction[][] = [];
for (const instruction of ALL) {
  if (instruction.keyword === 'FROM') stages.push([]);
  stages.at(-1)?.push(instruction);
}
const [build, runtime] = [stages[0], stages.at(-1)!];
const runs = (stage: Instruction[]) => stage.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (stage: Instruction[]) => stage.filter((i) => i.keyword === 'COPY').map((i) => i.args);
/** A COPY's sources (its last word is the destination), less its --from flag. */
const sourcesOf = (args: string) =>
  args
    .split(/\s+/)
    .filter((word) => !word.startsWith('--'))
    .slice(0, -1);

describe('Dockerfile', () => {
  test('is multi-stage, every stage on Node 24 LTS slim', () => {
    expect(ALL[0].keyword).toBe('FROM');
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages)
      expect(stage[0].args).toMatch(/^node:24(\.\d+){0,2}-[a-z]+-slim(@sha256:[0-9a-f]{64})?( AS \w+)?$/i);
    expect(build[0].args).toMatch(/ AS build$/i);
  });

  test('first stage: npm ci with every dependency, then the build', () => {
    expect(runs(build)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci\b(?!.*--omit)/), 'npm run build']),
    );
    expect(runs(build).findIndex((run) => run.startsWith('npm ci'))).toBeLessThan(runs(build).indexOf('npm run build'));
  });

  test('last stage: production dependencies only, built dist/, issue_templates/ and templates/, no sources', () => {
    expect(runs(runtime).some((run) => /^npm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(copies(runtime)).toEqual(
      expect.arrayContaining([
        '--from=build /app/dist/ dist/',
        'issue_templates/ issue_templates/',
        'templates/ templates/',
      ]),
    );
    for (const copy of copies(runtime)) {
      for (const source of sourcesOf(copy)) expect(source).not.toMatch(/^(\.|\.\/|src\/?|test\/?|\/app\/src\/?)$/);
      expect(copy).not.toMatch(/--from=build \/app\/node_modules/);
    }
  });

  test('runs as a non-root user, with audit-bot as its entrypoint', () => {
    const users = ALL.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const last = users.at(-1)!;
    expect(runtime).toContain(last);
    expect(last.args).not.toMatch(/^(root|0)(:|$)/);
    const entrypoint = runtime.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)!;
    expect(['["audit-bot"]', '["node", "/app/dist/cli.js"]']).toContain(entrypoint.args);
    expect(last.line).toBeLessThan(entrypoint.line);
    // The audit-bot on PATH is the built CLI.
    expect(runs(runtime).some((run) => run.includes('ln -s /app/dist/cli.js /usr/local/bin/audit-bot'))).toBe(true);
  });

  test("sets node's heap limit and semi-space size, the ones the benchmark measures the runs with", () => {
    const options = runtime.filter((i) => i.keyword === 'ENV' && i.args.startsWith('NODE_OPTIONS='));
    expect(options.map((i) => i.args)).toEqual(['NODE_OPTIONS="--max-old-space-size=1024 --max-semi-space-size=4"']);
    // Node accepts both in NODE_OPTIONS (a job's own NODE_OPTIONS replaces them); bench/run.ts reads this line.
    for (const flag of ['--max-old-space-size', '--max-semi-space-size'])
      expect(process.allowedNodeEnvironmentFlags.has(flag)).toBe(true);
  });

  test('no secret: no ARG or ENV that names one, no credential-looking value, no .env or whole-context copy', () => {
    for (const i of ALL.filter((instruction) => ['ARG', 'ENV', 'LABEL'].includes(instruction.keyword))) {
      expect({
        line: i.line,
        args: i.args,
        secret: /TOKEN|SECRET|PASSWORD|API_KEY|SEAL_KEY|NPM_AUTH|_AUTH/i.test(i.args),
      }).toEqual({ line: i.line, args: i.args, secret: false });
    }
    const looksLikeCredential =
      /glpat-|glptt-|npm_[A-Za-z0-9]{20,}|(?=[A-Za-z0-9+/_=-]*\d)(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{32,}/;
    TEXT.split('\n').forEach((text, index) =>
      expect({ line: index + 1, credential: looksLikeCredential.test(text) }).toEqual({
        line: index + 1,
        credential: false,
      }),
    );
    for (const copy of copies(build).concat(copies(runtime)))
      for (const source of sourcesOf(copy)) expect(source).not.toMatch(/^(\.|\.\/|\.env\S*|\.npmrc|\*)$/);
    const ignored = fs.readFileSync(path.join(PACKAGE_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '.env', 'node_modules/', 'dist/', 'test/']) expect(ignored).toContain(entry);
  });

  test('every file it copies from the build context exists', () => {
    for (const copy of [...copies(build), ...copies(runtime)].filter((args) => !args.startsWith('--from'))) {
      const sources = sourcesOf(copy);
      for (const source of sources) {
        const dir = path.join(PACKAGE_ROOT, path.dirname(source));
        const exists = source.includes('*')
          ? fs
              .readdirSync(dir)
              .some((name) =>
                new RegExp(`^${path.basename(source).replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(name),
              )
          : fs.existsSync(path.join(PACKAGE_ROOT, source));
        expect({ source, exists }).toEqual({ source, exists: true });
      }
    }
  });

  test('.ci/image-check, which carries the build out without Docker, is there and executable', () => {
    const stat = fs.statSync(path.join(PACKAGE_ROOT, '.ci', 'image-check'));
    expect(stat.mode & 0o111).not.toBe(0);
  });
});
