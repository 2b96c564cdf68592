/**
 * .gitlab-ci.yml, checked without a GitLab: the file is parsed with `yaml` (both documents, the
 * `spec: inputs` header and the pipeline), the inputs are interpolated as GitLab would, and the
 * `workflow` and job `rules` are evaluated for each kind of pipeline (schedule, web, api, merge
 * request, push). The evaluator (test/ci-eval.ts) implements only the subset of GitLab's CI/CD variable
 * expressions and of shell syntax that the file uses, and throws on anything else, so the file
 * has to stay inside what this test understands. Every `node dist/cli.js …` call each job would
 * run is then checked against the CLI's own option parser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { parseOptions } from '../src/cli.js';
import { PLATFORM_ENV, SECRET_ENV_NAMES } from '../src/config/env.js';
import { isQuarter } from '../src/domain/quarter.js';
import { PLATFORM_IDS, type PlatformId } from '../src/domain/types.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { implementedPlatforms } from '../src/platforms/index.js';
import {
  checkCall,
  cliCallsOf as cliCallsWith,
  decide,
  inputValues as inputValuesOf,
  instancesOf,
  interpolate,
  INTERPOLATION,
  jobsOf,
  splitSpec,
  writes,
  type CliCall,
  type InputValues,
  type Job,
  type Pipeline,
  type Vars,
} from './ci-eval.js';

const RAW = fs.readFileSync(path.join(PACKAGE_ROOT, '.gitlab-ci.yml'), 'utf8');

// ---------------------------------------------------------------------------------------------
// Loading: header, inputs, interpolation, jobs (the evaluators are in ci-eval.ts)

const { header: HEADER_TEXT, body: BODY_TEXT, inputs: INPUTS } = splitSpec(RAW, '.gitlab-ci.yml');

/** The inputs a pipeline gets: the defaults, overridden by `given`, validated like GitLab does. */
const inputValues = (given: Partial<InputValues> = {}): InputValues => inputValuesOf(INPUTS, given);

function loadPipeline(given: Partial<InputValues> = {}): Pipeline {
  return parse(interpolate(BODY_TEXT, inputValues(given))) as Pipeline;
}

/** The audit-bot calls in a script line, expanded with the job's variables. */
const cliCallsOf = (line: string, vars: Vars) =>
  cliCallsWith(line, vars, [
    ['node', 'dist/cli.js'],
    ['npx', 'audit-bot'],
  ]);

// ---------------------------------------------------------------------------------------------
// Pipelines: which jobs run for a given source, variables and inputs

interface Scenario {
  source: string;
  vars?: Record<string, string>;
  inputs?: Partial<InputValues>;
}
interface Run {
  name: string;
  job: Job;
  matrix: Record<string, string>;
  vars: Vars;
  lines: string[];
  calls: CliCall[];
}

function pipelineFor(scenario: Scenario): Run[] {
  const pipeline = loadPipeline(scenario.inputs);
  const predefined: Vars = { CI_PIPELINE_SOURCE: scenario.source, ...scenario.vars };
  const globals: Vars = { ...(pipeline.variables ?? {}) };
  if (!decide(pipeline.workflow?.rules, { ...globals, ...predefined }).included) return [];
  const runs: Run[] = [];
  for (const [name, job] of jobsOf(pipeline)) {
    for (const instance of instancesOf(name, job)) {
      const base: Vars = { ...globals, ...(job.variables ?? {}), ...instance.matrix };
      const decision = decide(job.rules, { ...base, ...predefined });
      if (!decision.included) continue;
      const vars: Vars = { ...base, ...decision.variables, ...predefined };
      const lines = [...(job.before_script ?? pipeline.default?.before_script ?? []), ...(job.script ?? [])];
      runs.push({
        name: instance.name,
        job,
        matrix: instance.matrix,
        vars,
        lines,
        calls: lines.flatMap((line) => cliCallsOf(line, vars)),
      });
    }
  }
  return runs.sort((a, b) => a.name.localeCompare(b.name));
}

const names = (runs: Run[]) => runs.map((run) => run.name);
const IMPLEMENTED = PLATFORM_IDS.filter((platform) => implementedPlatforms().includes(platform));
const jobNames = (job: string, platforms: readonly string[]) =>
  platforms.map((platform) => `${job}: [${platform}]`).sort();

/** The secret each implemented platform needs (the URLs have defaults). */
const PLATFORM_SECRETS = (platform: PlatformId): string[] =>
  PLATFORM_ENV[platform].filter((name) => (SECRET_ENV_NAMES as readonly string[]).includes(name));
const IMPLEMENTED_SECRETS: Record<string, string> = Object.fromEntries(
  IMPLEMENTED.flatMap(PLATFORM_SECRETS).map((name) => [name, 'masked-in-ci']),
);

const SCHEDULE_OPEN: Scenario = { source: 'schedule', vars: { AUDIT_JOB: 'open', CI_COMMIT_BRANCH: 'main' } };
const SCHEDULE_FOLLOWUP: Scenario = { source: 'schedule', vars: { AUDIT_JOB: 'followup', CI_COMMIT_BRANCH: 'main' } };
const MERGE_REQUEST: Scenario = { source: 'merge_request_event', vars: { CI_MERGE_REQUEST_IID: '7' } };

/** Every kind of pipeline the file handles, with a grid of the form's inputs. */
function allScenarios(): Scenario[] {
  const scenarios: Scenario[] = [
    SCHEDULE_OPEN,
    SCHEDULE_FOLLOWUP,
    { ...SCHEDULE_OPEN, inputs: { 'dry-run': true, platform: 'calendly', command: 'followup', quarter: '2020-Q1' } },
    MERGE_REQUEST,
    { ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' } },
    { source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } },
  ];
  for (const source of ['web', 'api']) {
    for (const command of INPUTS.command.options as string[]) {
      for (const platform of INPUTS.platform.options as string[]) {
        for (const dryRun of [true, false]) {
          for (const quarter of ['', '2026-Q4'])
            scenarios.push({ source, inputs: { command, platform, 'dry-run': dryRun, quarter } });
        }
      }
    }
  }
  return scenarios;
}

// ---------------------------------------------------------------------------------------------

describe('.gitlab-ci.yml', () => {
  test('is two YAML documents, the spec header and the pipeline, both clean', () => {
    const documents = parseAllDocuments(RAW);
    expect(Array.isArray(documents)).toBe(true);
    const docs = documents as ReturnType<typeof parseAllDocuments> & unknown[];
    expect(docs).toHaveLength(2);
    for (const doc of docs as { errors: unknown[]; warnings: unknown[] }[]) {
      expect(doc.errors).toEqual([]);
      expect(doc.warnings).toEqual([]);
    }
    expect(Object.keys(parse(HEADER_TEXT) as object)).toEqual(['spec']);
    const body = loadPipeline();
    expect(body).not.toHaveProperty('spec');
    expect(body.stages).toEqual(['test', 'audit']);
  });

  test('inputs: command, platform, quarter and dry-run, each typed, with options and a default', () => {
    expect(Object.keys(INPUTS)).toEqual(['command', 'platform', 'quarter', 'dry-run']);
    for (const [name, spec] of Object.entries(INPUTS)) {
      // Merge request, push and scheduled pipelines cannot set inputs: without a default they would not start.
      expect({ name, hasDefault: spec.default !== undefined && spec.default !== null }).toEqual({
        name,
        hasDefault: true,
      });
      expect(spec.description).toEqual(expect.any(String));
    }
    expect(INPUTS.command).toMatchObject({ type: 'string', options: ['open', 'followup'], default: 'open' });
    for (const command of INPUTS.command.options as string[]) expect(() => parseOptions(command, [])).not.toThrow();

    expect(INPUTS.platform).toMatchObject({ type: 'string', default: 'all' });
    expect(INPUTS.platform.options).toEqual(['all', ...PLATFORM_IDS]);

    expect(INPUTS['dry-run']).toMatchObject({ type: 'boolean', default: true });

    expect(INPUTS.quarter).toMatchObject({ type: 'string', default: '' });
    const regex = new RegExp(INPUTS.quarter.regex!);
    expect(regex.test('')).toBe(true);
    for (const sample of [
      '2026-Q4',
      '1999-Q1',
      '2026-Q5',
      '2026-Q0',
      '26-Q1',
      '2026Q1',
      '2026-q1',
      ' 2026-Q1',
      '2026-Q1; rm -rf /',
      '2026-Q1\n',
    ]) {
      expect({ sample, accepted: regex.test(sample) }).toEqual({ sample, accepted: isQuarter(sample) });
    }
  });

  test('every $[[ inputs.* ]] names a declared input, and every input is used', () => {
    const used = new Set([...BODY_TEXT.matchAll(INTERPOLATION)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(INPUTS).sort());
    expect(HEADER_TEXT).not.toMatch(INTERPOLATION);
    expect(() => inputValues({ platform: 'jira' })).toThrow(/not an option/);
    expect(() => inputValues({ quarter: '2026-Q4; curl evil' })).toThrow(/does not match/);
  });

  test('the audit jobs are one parallel job per platform id, named like `open: [pagerduty]`', () => {
    const jobs = jobsOf(loadPipeline());
    for (const name of ['open', 'followup']) {
      const job = jobs.get(name)!;
      expect(job.parallel?.matrix).toEqual([{ PLATFORM: [...PLATFORM_IDS] }]);
      expect(
        instancesOf(name, job)
          .map((instance) => instance.name)
          .sort(),
      ).toEqual(jobNames(name, PLATFORM_IDS));
    }
  });

  test('quarterly schedule (AUDIT_JOB=open): opens every implemented audit for real, one job per platform', () => {
    const runs = pipelineFor(SCHEDULE_OPEN);
    // When an audit is implemented (issue #3), drop its `when: never` rule in .gitlab-ci.yml.
    expect(names(runs)).toEqual(jobNames('open', IMPLEMENTED));
    for (const run of runs) {
      const platform = run.matrix.PLATFORM;
      expect(run.calls.map((call) => call.argv)).toContainEqual(['open', '--platform', platform]);
    }
    // A schedule ignores the form's inputs (they still get their defaults, like a dry run).
    const calls = (list: Run[]) => list.map((run) => [run.name, run.calls.map((call) => call.argv)]);
    expect(
      calls(
        pipelineFor({
          ...SCHEDULE_OPEN,
          inputs: { 'dry-run': true, command: 'followup', platform: 'calendly', quarter: '2020-Q1' },
        }),
      ),
    ).toEqual(calls(runs));
  });

  test('nightly schedule (AUDIT_JOB=followup): follows up every implemented audit, one job per platform', () => {
    const runs = pipelineFor(SCHEDULE_FOLLOWUP);
    expect(names(runs)).toEqual(jobNames('followup', IMPLEMENTED));
    for (const run of runs)
      expect(run.calls.map((call) => call.argv)).toEqual([['followup', '--platform', run.matrix.PLATFORM]]);
  });

  test('a schedule without AUDIT_JOB, or with another value, runs nothing', () => {
    expect(pipelineFor({ source: 'schedule' })).toEqual([]);
    expect(pipelineFor({ source: 'schedule', vars: { AUDIT_JOB: 'demo' } })).toEqual([]);
  });

  test.each(['web', 'api'])(
    'Run pipeline form / pipelines API (%s): runs the chosen command and platform, dry run honoured',
    (source) => {
      const defaults = pipelineFor({ source });
      expect(names(defaults)).toEqual(jobNames('open', IMPLEMENTED));
      for (const run of defaults)
        expect(run.calls[0].argv).toEqual(['open', '--platform', run.matrix.PLATFORM, '--dry-run']);

      const followup = pipelineFor({
        source,
        inputs: { command: 'followup', platform: 'pagerduty', 'dry-run': false },
      });
      expect(names(followup)).toEqual(['followup: [pagerduty]']);
      expect(followup[0].calls.map((call) => call.argv)).toEqual([['followup', '--platform', 'pagerduty']]);

      const open = pipelineFor({
        source,
        inputs: { command: 'open', platform: 'calendly', quarter: '2026-Q3', 'dry-run': false },
      });
      expect(names(open)).toEqual(['open: [calendly]']);
      expect(open[0].calls[0].argv).toEqual(['open', '--platform', 'calendly', '--quarter', '2026-Q3']);

      const allFollowups = pipelineFor({ source, inputs: { command: 'followup', 'dry-run': true } });
      expect(names(allFollowups)).toEqual(jobNames('followup', IMPLEMENTED));
      for (const run of allFollowups) expect(run.calls[0].argv).toContain('--dry-run');

      for (const platform of PLATFORM_IDS.filter((id) => !IMPLEMENTED.includes(id))) {
        expect(pipelineFor({ source, inputs: { platform } })).toEqual([]);
      }
    },
  );

  test('other pipeline sources (a trigger token, a parent pipeline) run no audit', () => {
    for (const source of ['trigger', 'pipeline', 'parent_pipeline', 'chat'])
      expect(pipelineFor({ source })).toEqual([]);
  });

  test('merge requests: typecheck and tests; a dry run per platform that writes nothing, only where that platform has its token', () => {
    const without = pipelineFor(MERGE_REQUEST);
    expect(names(without)).toEqual(['test', 'validate']);
    expect(without[0].lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run typecheck', 'npm test']),
    );
    expect(without[0].job.interruptible).toBe(true);

    const withTokens = pipelineFor({
      ...MERGE_REQUEST,
      vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' },
    });
    expect(names(withTokens)).toEqual([...jobNames('dry-run', IMPLEMENTED), 'test', 'validate']);
    for (const run of withTokens.filter((candidate) => candidate.name.startsWith('dry-run'))) {
      expect(run.calls.map((call) => call.argv)).toEqual([
        ['open', '--platform', run.matrix.PLATFORM, '--dry-run'],
        ['followup', '--platform', run.matrix.PLATFORM, '--dry-run'],
      ]);
      expect(run.job.interruptible).toBe(true);
      expect(run.job.resource_group).toBeUndefined();
    }
    for (const run of withTokens) expect(run.calls.filter(writes)).toEqual([]);

    // Without its token a platform's run stops with exit 2, so each job waits for its own token.
    for (const platform of IMPLEMENTED) {
      const own = Object.fromEntries(PLATFORM_SECRETS(platform).map((name) => [name, 'masked-in-ci']));
      expect({
        platform,
        jobs: names(pipelineFor({ ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...own } })),
      }).toEqual({ platform, jobs: [`dry-run: [${platform}]`, 'test', 'validate'] });
    }
  });

  test('every change (merge request or push) runs `validate` offline after the build: no token, no option, never a write', () => {
    for (const scenario of [
      MERGE_REQUEST,
      { ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' } },
      { source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } },
    ]) {
      const run = pipelineFor(scenario).find((candidate) => candidate.name === 'validate')!;
      expect(run.job.stage).toBe('test');
      expect(run.job.interruptible).toBe(true);
      expect(run.job.resource_group).toBeUndefined();
      // `--online` would need the tokens, which unprotected branches' pipelines do not see.
      expect(run.calls.map((call) => call.argv)).toEqual([['validate']]);
      expect(run.lines.indexOf('npm run build')).toBeGreaterThanOrEqual(0);
      expect(run.lines.indexOf('npm run build')).toBeLessThan(run.lines.indexOf('node dist/cli.js validate'));
    }
    // The schedules and the Run pipeline form run the audits only.
    for (const scenario of [
      SCHEDULE_OPEN,
      SCHEDULE_FOLLOWUP,
      { source: 'web' },
      { source: 'api', inputs: { command: 'followup' } },
    ]) {
      expect(names(pipelineFor(scenario))).not.toContain('validate');
    }
  });

  test('pushes run the tests once: no branch pipeline next to a merge request pipeline', () => {
    expect(names(pipelineFor({ source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } }))).toEqual(['test', 'validate']);
    expect(
      pipelineFor({
        source: 'push',
        vars: { CI_COMMIT_BRANCH: 'feature', CI_OPEN_MERGE_REQUESTS: 'group/audit-bot!7' },
      }),
    ).toEqual([]);
  });

  test('rules name the pipeline sources schedule, web, api and merge_request_event, and only real ones', () => {
    const sources = new Set(
      [...BODY_TEXT.matchAll(/\$CI_PIPELINE_SOURCE\s*[!=]=\s*"([^"]+)"/g)].map((match) => match[1]),
    );
    for (const source of ['schedule', 'web', 'api', 'merge_request_event']) expect(sources).toContain(source);
    const known = [
      'api',
      'chat',
      'external',
      'external_pull_request_event',
      'merge_request_event',
      'ondemand_dast_scan',
      'ondemand_dast_validation',
      'parent_pipeline',
      'pipeline',
      'push',
      'schedule',
      'security_orchestration_policy',
      'trigger',
      'web',
      'webide',
    ];
    for (const source of sources) expect(known).toContain(source);
  });

  test('every job runs in some pipeline, and every audit-bot call uses only commands and options the CLI has', () => {
    const seen = new Set<string>();
    const commands = new Set<string>();
    for (const scenario of allScenarios()) {
      for (const run of pipelineFor(scenario)) {
        seen.add(run.name.replace(/: \[.*\]$/, ''));
        for (const call of run.calls) {
          checkCall(call, `${scenario.source} ${JSON.stringify(scenario.inputs ?? {})} ${run.name}`);
          commands.add(call.argv[0]);
        }
      }
    }
    expect([...seen].sort()).toEqual([...jobsOf(loadPipeline()).keys()].sort());
    expect([...commands].sort()).toEqual(['followup', 'open', 'validate']);
  });

  test('every job that writes runs in a per-platform resource group shared by open and followup, and is never interrupted', () => {
    const groups = new Map<string, Set<string>>();
    for (const scenario of allScenarios()) {
      for (const run of pipelineFor(scenario)) {
        if (!run.calls.some(writes)) continue;
        expect({ job: run.name, group: run.job.resource_group, interruptible: run.job.interruptible }).toEqual({
          job: run.name,
          group: 'audit-$PLATFORM',
          interruptible: false,
        });
        const group = run.job.resource_group!.replace('$PLATFORM', run.matrix.PLATFORM);
        for (const call of run.calls.filter(writes))
          expect(call.argv.slice(1, 3)).toEqual(['--platform', run.matrix.PLATFORM]);
        const jobName = run.name.replace(/: \[.*\]$/, '');
        if (!groups.has(jobName)) groups.set(jobName, new Set());
        groups.get(jobName)!.add(group);
      }
    }
    const expected = IMPLEMENTED.map((platform) => `audit-${platform}`).sort();
    expect([...groups.keys()].sort()).toEqual(['followup', 'open']);
    expect([...groups.get('open')!].sort()).toEqual(expected);
    expect([...groups.get('followup')!].sort()).toEqual(expected);
  });

  test("open and followup keep each audit's JSON evidence (--report) as an artifact, even when the job fails", () => {
    for (const [job, schedule, file] of [
      ['open', SCHEDULE_OPEN, (platform: string) => `evidence/${platform}.json`],
      ['followup', SCHEDULE_FOLLOWUP, (platform: string) => `evidence/followup-${platform}.json`],
    ] as const) {
      expect(jobsOf(loadPipeline()).get(job)!.artifacts).toMatchObject({
        when: 'always',
        paths: ['evidence/'],
        expire_in: expect.any(String),
      });
      for (const run of pipelineFor(schedule)) {
        expect(run.calls.map((call) => call.report)).toEqual([file(run.matrix.PLATFORM)]);
      }
    }
  });

  test('no token values: secrets come only from masked CI/CD variables, and no script touches them', () => {
    const pipeline = loadPipeline();
    const secretName = (name: string) =>
      (SECRET_ENV_NAMES as readonly string[]).includes(name) || /TOKEN|SECRET|PASSWORD|API_KEY/i.test(name);
    const variableMaps: Record<string, string>[] = [pipeline.variables ?? {}];
    for (const job of jobsOf(pipeline).values()) {
      variableMaps.push(job.variables ?? {});
      for (const rule of job.rules ?? []) variableMaps.push(rule.variables ?? {});
    }
    for (const map of variableMaps) {
      for (const [name, value] of Object.entries(map)) {
        expect({ name, secret: secretName(name) }).toEqual({ name, secret: false });
        expect(String(value)).not.toMatch(/\$\{?(CI_JOB_TOKEN|[A-Z_]*TOKEN)\b/);
      }
    }
    for (const job of jobsOf(pipeline).values()) {
      for (const line of [...(job.before_script ?? pipeline.default?.before_script ?? []), ...(job.script ?? [])]) {
        for (const name of SECRET_ENV_NAMES)
          expect({ line, uses: new RegExp(`\\$\\{?${name}\\b`).test(line) }).toEqual({ line, uses: false });
      }
    }
    const looksLikeCredential =
      /glpat-|glptt-|(?=[A-Za-z0-9+/_=-]*\d)(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{20,}/;
    for (const sample of ['glpat-abc', 'u+Xk3v9QzR7pLm2NwT8yB', 'dGhpc2lzYXRva2VuMTIzNDU2Nzg='])
      expect(sample).toMatch(looksLikeCredential);
    RAW.split('\n').forEach((text, index) =>
      expect({ line: index + 1, text, credential: looksLikeCredential.test(text) }).toEqual({
        line: index + 1,
        text,
        credential: false,
      }),
    );
  });
});
