/**
 * The CI/CD component (templates/audit.yml), checked without a GitLab like test/ci-config.test.ts
 * checks .gitlab-ci.yml, with the same evaluators (ci-eval.ts): both YAML documents read, the
 * inputs validated and interpolated as GitLab does (after the YAML is read, typed), `extends`
 * resolved, and the `workflow` and job `rules` evaluated for every kind of pipeline. The pipelines
 * are those of an including project: the .gitlab-ci.yml that `audit-bot init` writes (its own
 * pipeline inputs passed to the component's), merged with the component as GitLab merges an
 * include (the including file wins). Every `audit-bot …` call a job would run is then checked
 * against the CLI's own option parser. Both files, and this repository's .gitlab-ci.yml, are also
 * validated against GitLab's CI JSON schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PLATFORM_ENV, SECRET_ENV_NAMES } from '../src/config/env.js';
import { isQuarter } from '../src/domain/quarter.js';
import { PLATFORM_IDS } from '../src/domain/platforms.js';
import type { PlatformId } from '../src/domain/types.js';
import { COMPONENT_PROJECT, IMAGE_REPOSITORY, initFiles, packageVersion } from '../src/commands/init.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { implementedPlatforms } from '../src/platforms/index.js';
import {
  checkCall,
  cliCallsOf,
  decide,
  deepMerge,
  evaluate,
  gitlabCiSchema,
  inputValues,
  interpolateTree,
  INTERPOLATION,
  isPlainObject,
  jobsOf,
  splitSpec,
  writes,
  type CliCall,
  type InputValues,
  type Job,
  type Pipeline,
  type Rule,
  type Vars,
  scriptLines,
} from './ci-eval.js';

const COMPONENT_FILE = 'templates/audit.yml';
const COMPONENT_RAW = fs.readFileSync(path.join(PACKAGE_ROOT, COMPONENT_FILE), 'utf8');
const COMPONENT = splitSpec(COMPONENT_RAW, COMPONENT_FILE);
/** The component's jobs as read, before interpolation (interpolateTree copies, never changes it). */
const COMPONENT_TREE: unknown = parse(COMPONENT.body);
const VERSION = packageVersion();
/** What `audit-bot init` writes as the including project's .gitlab-ci.yml. */
const INCLUDER_RAW = initFiles(VERSION).find((file) => file.path === '.gitlab-ci.yml')!.content;
const INCLUDER = splitSpec(INCLUDER_RAW, 'init: .gitlab-ci.yml');
const REPO_RAW = fs.readFileSync(path.join(PACKAGE_ROOT, '.gitlab-ci.yml'), 'utf8');

interface IncludeEntry {
  component?: string;
  inputs?: Record<string, unknown>;
  rules?: Rule[];
}

/** The component's jobs for the given include inputs (defaults for the rest), interpolated. */
function componentBody(given: Record<string, unknown> = {}): Pipeline {
  const values = inputValues(COMPONENT.inputs, given as Partial<InputValues>);
  return interpolateTree(COMPONENT_TREE, values) as Pipeline;
}

/** An including file's pipeline: its own inputs interpolated, each component include merged under it. */
function includingPipeline(
  raw: string,
  pipelineInputs: Partial<InputValues>,
  vars: Vars,
  edit: (body: Pipeline) => Pipeline = (body) => body,
): Pipeline {
  const file = splitSpec(raw, 'including .gitlab-ci.yml');
  const body = edit(interpolateTree(parse(file.body), inputValues(file.inputs, pipelineInputs)) as Pipeline);
  const includes = ([] as IncludeEntry[]).concat((body.include as IncludeEntry | IncludeEntry[] | undefined) ?? []);
  let merged: Record<string, unknown> = {};
  for (const entry of includes) {
    if (!entry.component) throw new Error('only component includes are expected');
    // include:rules see the pipeline's variables (not job variables); no rules means always included.
    if (entry.rules && !decide(entry.rules, vars).included) continue;
    if (!/\/audit@[^@/]+$/.test(entry.component)) throw new Error(`not the audit component: ${entry.component}`);
    merged = deepMerge(merged, componentBody(entry.inputs));
  }
  const local: Pipeline = { ...body };
  delete local.include;
  return deepMerge(merged, local);
}

interface Scenario {
  source: string;
  vars?: Record<string, string>;
  inputs?: Partial<InputValues>;
}
interface Run {
  name: string;
  job: Job;
  vars: Vars;
  lines: string[];
  calls: CliCall[];
}

/** The jobs of one pipeline, with what each would run. */
function pipelineFor(
  scenario: Scenario,
  options: { raw?: string; edit?: (body: Pipeline) => Pipeline; launchers?: string[][] } = {},
): Run[] {
  const predefined: Vars = { CI_PIPELINE_SOURCE: scenario.source, ...scenario.vars };
  const pipeline = includingPipeline(options.raw ?? INCLUDER_RAW, scenario.inputs ?? {}, predefined, options.edit);
  const globals: Vars = { ...((pipeline.variables as Record<string, string>) ?? {}) };
  if (!decide(pipeline.workflow?.rules, { ...globals, ...predefined }).included) return [];
  const runs: Run[] = [];
  for (const [name, job] of jobsOf(pipeline)) {
    const base: Vars = { ...globals, ...(job.variables ?? {}) };
    const decision = decide(job.rules, { ...base, ...predefined });
    if (!decision.included) continue;
    const vars: Vars = { ...base, ...decision.variables, ...predefined };
    const lines = scriptLines(job, pipeline);
    runs.push({
      name,
      job,
      vars,
      lines,
      calls: lines.flatMap((line) => cliCallsOf(line, vars, options.launchers ?? [['audit-bot']])),
    });
  }
  return runs.sort((a, b) => a.name.localeCompare(b.name));
}

const names = (runs: Run[]) => runs.map((run) => run.name);
const IMPLEMENTED = PLATFORM_IDS.filter((platform) => implementedPlatforms().includes(platform));
const jobNames = (job: string, platforms: readonly string[]) =>
  platforms.map((platform) => `audit-${job}-${platform}`).sort();
const PLATFORM_SECRETS = (platform: PlatformId): string[] =>
  PLATFORM_ENV[platform].filter((name) => SECRET_ENV_NAMES.includes(name));
const IMPLEMENTED_SECRETS: Record<string, string> = Object.fromEntries(
  IMPLEMENTED.flatMap(PLATFORM_SECRETS).map((name) => [name, 'masked-in-ci']),
);

const SCHEDULE_OPEN: Scenario = { source: 'schedule', vars: { AUDIT_JOB: 'open', CI_COMMIT_BRANCH: 'main' } };
const SCHEDULE_FOLLOWUP: Scenario = { source: 'schedule', vars: { AUDIT_JOB: 'followup', CI_COMMIT_BRANCH: 'main' } };
const MERGE_REQUEST: Scenario = { source: 'merge_request_event', vars: { CI_MERGE_REQUEST_IID: '7' } };
const MERGE_REQUEST_WITH_TOKENS: Scenario = {
  ...MERGE_REQUEST,
  vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' },
};
const PUSH: Scenario = { source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } };

function allScenarios(): Scenario[] {
  const scenarios: Scenario[] = [
    SCHEDULE_OPEN,
    SCHEDULE_FOLLOWUP,
    { ...SCHEDULE_OPEN, inputs: { 'dry-run': true, platform: 'calendly', command: 'followup', quarter: '2020-Q1' } },
    MERGE_REQUEST,
    MERGE_REQUEST_WITH_TOKENS,
    PUSH,
  ];
  for (const source of ['web', 'api']) {
    for (const command of INCLUDER.inputs.command.options as string[]) {
      for (const platform of INCLUDER.inputs.platform.options as string[]) {
        for (const dryRun of [true, false]) {
          for (const quarter of ['', '2026-Q4'])
            scenarios.push({ source, inputs: { command, platform, 'dry-run': dryRun, quarter } });
        }
      }
    }
  }
  return scenarios;
}

/** Sets the component include's inputs of the including file (as a user would edit them). */
const withIncludeInputs =
  (inputs: Record<string, unknown>) =>
  (body: Pipeline): Pipeline => {
    const [entry] = body.include as IncludeEntry[];
    return { ...body, include: [{ ...entry, inputs: { ...entry.inputs, ...inputs } }] };
  };

const platformOf = (run: Run) => run.vars.PLATFORM!;

// ---------------------------------------------------------------------------------------------

describe('templates/audit.yml, the CI/CD component', () => {
  test('sits where the CI/CD catalog looks (templates/<name>.yml); two clean YAML documents: spec header, jobs', () => {
    const docs = parseAllDocuments(COMPONENT_RAW) as unknown as { errors: unknown[]; warnings: unknown[] }[];
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc.errors).toEqual([]);
      expect(doc.warnings).toEqual([]);
    }
    expect(Object.keys(parse(COMPONENT.header) as object)).toEqual(['spec']);
    // A component brings jobs only: no workflow, stages, defaults or global variables imposed on the
    // including pipeline.
    const body = componentBody();
    for (const key of ['workflow', 'stages', 'default', 'variables', 'include', 'image', 'before_script', 'spec'])
      expect(body).not.toHaveProperty(key);
  });

  test("inputs: stage, platforms, image, config, roster, the manual run's form; typed, described, defaulted", () => {
    const inputs = COMPONENT.inputs;
    expect(Object.keys(inputs)).toEqual([
      'stage',
      'platforms',
      'image',
      'config',
      'roster',
      'command',
      'platform',
      'quarter',
      'dry-run',
    ]);
    for (const [name, spec] of Object.entries(inputs)) {
      expect({
        name,
        type: spec.type,
        described: typeof spec.description === 'string',
        hasDefault: spec.default !== undefined && spec.default !== null,
      }).toEqual({
        name,
        type: name === 'dry-run' ? 'boolean' : 'string',
        described: true,
        hasDefault: true,
      });
    }
    expect(inputs.stage.default).toBe('test');
    expect(inputs.config.default).toBe('audit.config.yml');
    expect(inputs.roster.default).toBe('roster.yml');
    // The image this project's Dockerfile builds, at this version (a placeholder registry path, see init.ts).
    expect(inputs.image.default).toBe(`${IMAGE_REPOSITORY}:${VERSION}`);
    // The manual run's inputs are those of the .gitlab-ci.yml `audit-bot init` writes, exactly.
    for (const name of ['command', 'platform', 'quarter', 'dry-run'])
      expect({ name, ...inputs[name], description: undefined }).toEqual({
        name,
        ...INCLUDER.inputs[name],
        description: undefined,
      });

    const quarter = new RegExp(inputs.quarter.regex!);
    for (const sample of ['', '2026-Q4', '2026-Q5', '26-Q1', '2026-q1', '2026-Q1; rm -rf /', '2026-Q1\n'])
      expect({ sample, accepted: quarter.test(sample) }).toEqual({
        sample,
        accepted: sample === '' || isQuarter(sample),
      });

    const platforms = new RegExp(inputs.platforms.regex!);
    expect(platforms.test(String(inputs.platforms.default))).toBe(true);
    for (const ok of ['pagerduty', 'zendesk,calendly', 'zendesk, zendesk-us-federal', ' calendly , pagerduty '])
      expect({ ok, accepted: platforms.test(ok) }).toEqual({ ok, accepted: true });
    for (const bad of [
      '',
      'jira',
      'zendesk;calendly',
      'zendesk calendly',
      'pagerduty,',
      'zendesk-us',
      '.*',
      'pagerduty/ || $X',
    ])
      expect({ bad, accepted: platforms.test(bad) }).toEqual({ bad, accepted: false });
  });

  test('every $[[ inputs.* ]] names a declared input, and every input is used', () => {
    const used = new Set([...COMPONENT.body.matchAll(INTERPOLATION)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(COMPONENT.inputs).sort());
    expect(COMPONENT.header).not.toMatch(INTERPOLATION);
    expect(() => componentBody({ platforms: 'jira' })).toThrow(/does not match/);
    expect(() => componentBody({ platform: 'jira' })).toThrow(/not an option/);
    expect(() => componentBody({ 'dry-run': 'false' })).toThrow(/wrong type/);
  });

  test('one job per platform and kind, no parallel:matrix, no rules:if reads a variable the job sets itself', () => {
    const jobs = jobsOf(componentBody());
    expect([...jobs.keys()].sort()).toEqual(
      [
        'audit-validate',
        ...jobNames('open', PLATFORM_IDS),
        ...jobNames('followup', PLATFORM_IDS),
        ...jobNames('dry-run', PLATFORM_IDS),
      ].sort(),
    );
    expect(COMPONENT.body).not.toMatch(/\bparallel\s*:/);
    for (const [name, job] of jobs) {
      const own = Object.keys(job.variables ?? {});
      for (const rule of job.rules ?? []) {
        for (const variable of own)
          expect({ name, rule: rule.if, reads: new RegExp(`\\$\\{?${variable}\\b`).test(rule.if ?? '') }).toEqual({
            name,
            rule: rule.if,
            reads: false,
          });
      }
      if (name !== 'audit-validate')
        expect({ name, platform: job.variables?.PLATFORM }).toEqual({
          name,
          platform: name.replace(/^audit-(open|followup|dry-run)-/, ''),
        });
    }
    // Every platform's open and followup job is the pagerduty one with the platform's name in place.
    const raw = parse(COMPONENT.body) as Record<string, unknown>;
    for (const kind of ['open', 'followup']) {
      const model = JSON.stringify(raw[`audit-${kind}-pagerduty`]);
      for (const platform of PLATFORM_IDS)
        expect(raw[`audit-${kind}-${platform}`]).toEqual(JSON.parse(model.replaceAll('pagerduty', platform)));
    }
  });

  test('quarterly schedule (AUDIT_JOB=open): opens every audit for real, a job per platform, the form ignored', () => {
    const runs = pipelineFor(SCHEDULE_OPEN);
    expect(names(runs)).toEqual(jobNames('open', IMPLEMENTED));
    for (const run of runs) {
      expect(run.calls.map((call) => call.argv)).toEqual([['open', '--platform', platformOf(run)]]);
      expect(run.lines).toEqual(['mkdir -p evidence', expect.stringMatching(/^audit-bot open /)]);
    }
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

  test('nightly schedule (AUDIT_JOB=followup): follows up every audit, one job per platform', () => {
    const runs = pipelineFor(SCHEDULE_FOLLOWUP);
    expect(names(runs)).toEqual(jobNames('followup', IMPLEMENTED));
    for (const run of runs)
      expect(run.calls.map((call) => call.argv)).toEqual([['followup', '--platform', platformOf(run)]]);
  });

  test('a schedule without AUDIT_JOB, or with another value, and other pipeline sources run nothing', () => {
    expect(pipelineFor({ source: 'schedule' })).toEqual([]);
    expect(pipelineFor({ source: 'schedule', vars: { AUDIT_JOB: 'demo' } })).toEqual([]);
    for (const source of ['trigger', 'pipeline', 'parent_pipeline', 'chat'])
      expect(pipelineFor({ source })).toEqual([]);
  });

  test.each(['web', 'api'])(
    "Run pipeline form / pipelines API (%s): the including pipeline's inputs reach the component",
    (source) => {
      const defaults = pipelineFor({ source });
      expect(names(defaults)).toEqual(jobNames('open', IMPLEMENTED));
      for (const run of defaults)
        expect(run.calls.map((call) => call.argv)).toEqual([['open', '--platform', platformOf(run), '--dry-run']]);

      const followup = pipelineFor({
        source,
        inputs: { command: 'followup', platform: 'pagerduty', 'dry-run': false },
      });
      expect(names(followup)).toEqual(['audit-followup-pagerduty']);
      expect(followup[0].calls.map((call) => call.argv)).toEqual([['followup', '--platform', 'pagerduty']]);

      const open = pipelineFor({
        source,
        inputs: { command: 'open', platform: 'calendly', quarter: '2026-Q3', 'dry-run': false },
      });
      expect(names(open)).toEqual(['audit-open-calendly']);
      expect(open[0].calls.map((call) => call.argv)).toEqual([
        ['open', '--platform', 'calendly', '--quarter', '2026-Q3'],
      ]);

      const zendesk = pipelineFor({ source, inputs: { platform: 'zendesk' } });
      expect(names(zendesk)).toEqual(['audit-open-zendesk']);

      const allFollowups = pipelineFor({ source, inputs: { command: 'followup', 'dry-run': true } });
      expect(names(allFollowups)).toEqual(jobNames('followup', IMPLEMENTED));
      for (const run of allFollowups) expect(run.calls[0].argv).toContain('--dry-run');
    },
  );

  test('merge requests: validate offline; a dry run per platform that has its token, writing nothing', () => {
    expect(names(pipelineFor(MERGE_REQUEST))).toEqual(['audit-validate']);
    const withTokens = pipelineFor(MERGE_REQUEST_WITH_TOKENS);
    expect(names(withTokens)).toEqual([...jobNames('dry-run', IMPLEMENTED), 'audit-validate'].sort());
    for (const run of withTokens.filter((candidate) => candidate.name.startsWith('audit-dry-run-'))) {
      expect(run.calls.map((call) => call.argv)).toEqual([
        ['open', '--platform', platformOf(run), '--dry-run'],
        ['followup', '--platform', platformOf(run), '--dry-run'],
      ]);
      expect(run.job.interruptible).toBe(true);
      expect(run.job.resource_group).toBeUndefined();
    }
    for (const run of withTokens) expect(run.calls.filter(writes)).toEqual([]);
    for (const platform of IMPLEMENTED) {
      const own = Object.fromEntries(PLATFORM_SECRETS(platform).map((name) => [name, 'masked-in-ci']));
      expect({
        platform,
        jobs: names(pipelineFor({ ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...own } })),
      }).toEqual({ platform, jobs: [`audit-dry-run-${platform}`, 'audit-validate'].sort() });
    }
    // The Zendesk instances' API-token pair (until 2027-04-30) counts as their token too.
    expect(
      names(pipelineFor({ ...MERGE_REQUEST, vars: { ZENDESK_API_TOKEN: 'x', ZENDESK_US_FEDERAL_API_TOKEN: 'y' } })),
    ).toEqual(['audit-dry-run-zendesk', 'audit-dry-run-zendesk-us-federal', 'audit-validate']);
  });

  test('pushes validate once (no branch pipeline beside a merge request one); schedules and the form never do', () => {
    const push = pipelineFor(PUSH);
    expect(names(push)).toEqual(['audit-validate']);
    expect(push[0].calls.map((call) => call.argv)).toEqual([['validate']]);
    expect(push[0].job.interruptible).toBe(true);
    expect(
      pipelineFor({ source: 'push', vars: { CI_COMMIT_BRANCH: 'feature', CI_OPEN_MERGE_REQUESTS: 'group/audits!7' } }),
    ).toEqual([]);
    for (const scenario of [
      SCHEDULE_OPEN,
      SCHEDULE_FOLLOWUP,
      { source: 'web' },
      { source: 'api', inputs: { command: 'followup' } },
    ])
      expect(names(pipelineFor(scenario))).not.toContain('audit-validate');
  });

  test('the platforms input limits every kind of job to those audits', () => {
    const edit = withIncludeInputs({ platforms: 'pagerduty, calendly' });
    const chosen = ['calendly', 'pagerduty'];
    expect(names(pipelineFor(SCHEDULE_OPEN, { edit }))).toEqual(jobNames('open', chosen));
    expect(names(pipelineFor(SCHEDULE_FOLLOWUP, { edit }))).toEqual(jobNames('followup', chosen));
    expect(names(pipelineFor(MERGE_REQUEST_WITH_TOKENS, { edit }))).toEqual(
      [...jobNames('dry-run', chosen), 'audit-validate'].sort(),
    );
    expect(names(pipelineFor({ source: 'web', inputs: { platform: 'zendesk' } }, { edit }))).toEqual([]);
    // zendesk alone is not zendesk-us-federal, and the other way round.
    expect(names(pipelineFor(SCHEDULE_OPEN, { edit: withIncludeInputs({ platforms: 'zendesk' }) }))).toEqual([
      'audit-open-zendesk',
    ]);
    expect(names(pipelineFor(SCHEDULE_OPEN, { edit: withIncludeInputs({ platforms: 'zendesk-us-federal' }) }))).toEqual(
      ['audit-open-zendesk-us-federal'],
    );
  });

  test("stage, image, config and roster reach every job; the including pipeline's default before_script not", () => {
    const edit = (body: Pipeline) =>
      withIncludeInputs({
        stage: 'audits',
        image: 'registry.example.com/ops/audit-bot:9.9.9',
        config: 'ops/audit.yml',
        roster: 'ops/team.yml',
      })({ ...body, default: { before_script: ['npm ci'], tags: ['linux'] } as Job });
    for (const scenario of allScenarios()) {
      for (const run of pipelineFor(scenario, { edit })) {
        expect({
          name: run.name,
          stage: run.job.stage,
          image: run.job.image,
          config: run.vars.AUDIT_CONFIG,
          roster: run.vars.AUDIT_ROSTER,
        }).toEqual({
          name: run.name,
          stage: 'audits',
          image: { name: 'registry.example.com/ops/audit-bot:9.9.9', entrypoint: [''] },
          config: 'ops/audit.yml',
          roster: 'ops/team.yml',
        });
        expect(run.lines).not.toContain('npm ci');
        expect(run.job.inherit).toEqual({ default: ['tags', 'retry', 'timeout'] });
      }
    }
    for (const run of pipelineFor(MERGE_REQUEST_WITH_TOKENS)) {
      expect(run.job).toMatchObject({
        stage: 'test',
        image: { name: `${IMAGE_REPOSITORY}:${VERSION}`, entrypoint: [''] },
      });
      expect(run.vars).toMatchObject({ AUDIT_CONFIG: 'audit.config.yml', AUDIT_ROSTER: 'roster.yml' });
    }
  });

  test('every job runs in some pipeline, and every audit-bot call uses only commands and options the CLI has', () => {
    const seen = new Set<string>();
    const commands = new Set<string>();
    for (const scenario of allScenarios()) {
      for (const run of pipelineFor(scenario)) {
        seen.add(run.name);
        for (const call of run.calls) {
          checkCall(call, `${scenario.source} ${JSON.stringify(scenario.inputs ?? {})} ${run.name}`);
          commands.add(call.argv[0]);
          if (call.argv[0] !== 'validate') expect(call.argv.slice(1, 3)).toEqual(['--platform', platformOf(run)]);
        }
      }
    }
    expect([...seen].sort()).toEqual(
      [...jobsOf(componentBody()).keys()]
        .filter((name) => IMPLEMENTED.some((platform) => name.endsWith(`-${platform}`)) || name === 'audit-validate')
        .sort(),
    );
    expect([...commands].sort()).toEqual(['followup', 'open', 'validate']);
  });

  test('every job that writes runs in resource group audit-<platform> (open and followup), never interrupted', () => {
    const groups = new Map<string, Set<string>>();
    for (const scenario of allScenarios()) {
      for (const run of pipelineFor(scenario)) {
        // open and followup (dry runs from the form too) hold the group; validate and the merge request
        // dry runs never write, and never wait for it.
        if (!/^audit-(open|followup)-/.test(run.name)) {
          expect({
            job: run.name,
            group: run.job.resource_group,
            interruptible: run.job.interruptible,
            writes: run.calls.some(writes),
          }).toEqual({ job: run.name, group: undefined, interruptible: true, writes: false });
          continue;
        }
        expect({ job: run.name, group: run.job.resource_group, interruptible: run.job.interruptible }).toEqual({
          job: run.name,
          group: 'audit-$PLATFORM',
          interruptible: false,
        });
        const kind = run.name.replace(/^audit-(open|followup)-.*$/, '$1');
        if (!groups.has(kind)) groups.set(kind, new Set());
        groups.get(kind)!.add(run.job.resource_group!.replace('$PLATFORM', platformOf(run)));
      }
    }
    const expected = IMPLEMENTED.map((platform) => `audit-${platform}`).sort();
    expect([...groups.keys()].sort()).toEqual(['followup', 'open']);
    expect([...groups.get('open')!].sort()).toEqual(expected);
    expect([...groups.get('followup')!].sort()).toEqual(expected);
  });

  test("open and followup keep each audit's --report JSON as an artifact, even on failure, as long as today", () => {
    const kept = {
      open: { name: 'audit-evidence-$PLATFORM', when: 'always', paths: ['evidence/'], expire_in: '1 year' },
      followup: { name: 'followup-evidence-$PLATFORM', when: 'always', paths: ['evidence/'], expire_in: '90 days' },
    };
    for (const [kind, schedule, file] of [
      ['open', SCHEDULE_OPEN, (platform: string) => `evidence/${platform}.json`],
      ['followup', SCHEDULE_FOLLOWUP, (platform: string) => `evidence/followup-${platform}.json`],
    ] as const) {
      for (const run of pipelineFor(schedule)) {
        expect(run.job.artifacts).toEqual(kept[kind]);
        expect(run.calls.map((call) => call.report)).toEqual([file(platformOf(run))]);
      }
    }
  });

  test('no token values: secrets come only from masked CI/CD variables, and no script touches them', () => {
    const secretName = (name: string) => SECRET_ENV_NAMES.includes(name) || /TOKEN|SECRET|PASSWORD|API_KEY/i.test(name);
    const pipeline = includingPipeline(INCLUDER_RAW, {}, { CI_PIPELINE_SOURCE: 'push' });
    const variableMaps: Record<string, string>[] = [(pipeline.variables as Record<string, string>) ?? {}];
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
      for (const line of [
        ...(job.before_script ?? []),
        ...(job.script ?? []),
        ...((job as { after_script?: string[] }).after_script ?? []),
      ]) {
        for (const name of SECRET_ENV_NAMES)
          expect({ line, uses: new RegExp(`\\$\\{?${name}\\b`).test(line) }).toEqual({ line, uses: false });
      }
    }
    const looksLikeCredential =
      /glpat-|glptt-|(?=[A-Za-z0-9+/_=-]*\d)(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{20,}/;
    for (const [file, raw] of [
      [COMPONENT_FILE, COMPONENT_RAW],
      ['init: .gitlab-ci.yml', INCLUDER_RAW],
    ]) {
      raw.split('\n').forEach((text, index) =>
        expect({ file, line: index + 1, text, credential: looksLikeCredential.test(text) }).toEqual({
          file,
          line: index + 1,
          text,
          credential: false,
        }),
      );
    }
  });
});

describe('the including .gitlab-ci.yml that `audit-bot init` writes', () => {
  test("has the component's Run pipeline form and passes each input on to the component", () => {
    const withoutDescriptions = (inputs: typeof INCLUDER.inputs) =>
      Object.fromEntries(
        Object.entries(inputs).map(([name, spec]) => [name, { ...spec, description: typeof spec.description }]),
      );
    const manualRun = ['command', 'platform', 'quarter', 'dry-run'].map(
      (name) => [name, COMPONENT.inputs[name]] as const,
    );
    expect(withoutDescriptions(INCLUDER.inputs)).toEqual(withoutDescriptions(Object.fromEntries(manualRun)));
    const body = parse(INCLUDER.body) as Pipeline;
    // One pipeline per change, as in this repository's own pipeline.
    expect(body.workflow).toEqual((parse(REPO_RAW) as Pipeline).workflow);
    const include = body.include as IncludeEntry[];
    expect(include).toHaveLength(1);
    expect(include[0].component).toBe(`${COMPONENT_PROJECT}/audit@${VERSION}`);
    for (const name of Object.keys(INCLUDER.inputs)) expect(include[0].inputs![name]).toBe(`$[[ inputs.${name} ]]`);
    // Every include input is one the component declares, and the values are valid for it.
    for (const name of Object.keys(include[0].inputs!)) expect(Object.keys(COMPONENT.inputs)).toContain(name);
    expect(() =>
      componentBody((interpolateTree(include[0], inputValues(INCLUDER.inputs, {})) as IncludeEntry).inputs),
    ).not.toThrow();
    // Typed as GitLab passes them: a boolean stays a boolean, an empty quarter an empty string.
    expect(
      (interpolateTree(include[0], inputValues(INCLUDER.inputs, { 'dry-run': false })) as IncludeEntry).inputs,
    ).toMatchObject({ 'dry-run': false, quarter: '' });
    // No jobs of its own: everything comes from the component.
    expect([...jobsOf(body).keys()]).toEqual([]);
  });
});

describe("GitLab's CI JSON schema (offline, from the pinned gitlab-ci-local devDependency)", () => {
  const validate = gitlabCiSchema();
  const documents = (raw: string) => parseAllDocuments(raw) as unknown as { toJS: () => unknown }[];

  test('accepts a valid pipeline and rejects broken ones (the schema is really applied)', () => {
    expect(validate({ job: { script: ['true'] } })).toEqual([]);
    expect(validate({ job: { script: ['true'], rules: [{ iff: '$X' }] } })).not.toEqual([]);
    expect(validate({ job: { script: ['true'], resource_group: ['not', 'a', 'string'] } })).not.toEqual([]);
    expect(validate({ spec: { inputs: { x: { type: 'text' } } } })).not.toEqual([]);
  });

  test.each([
    ['templates/audit.yml', () => COMPONENT_RAW],
    ['the .gitlab-ci.yml init writes', () => INCLUDER_RAW],
    ["this repository's .gitlab-ci.yml", () => REPO_RAW],
  ])('%s: its spec header and its body as written', (_name, raw) => {
    for (const doc of documents(raw())) expect(validate(doc.toJS())).toEqual([]);
  });

  test('the component with its inputs interpolated (defaults, and others), and the merged including pipeline', () => {
    expect(validate(componentBody())).toEqual([]);
    expect(
      validate(componentBody({ stage: 'audits', platforms: 'calendly', 'dry-run': false, quarter: '2026-Q1' })),
    ).toEqual([]);
    const merged = includingPipeline(INCLUDER_RAW, {}, { CI_PIPELINE_SOURCE: 'push' });
    expect(Object.keys(merged).filter((key) => !isPlainObject(merged[key]) && !['stages'].includes(key))).toEqual([]);
    expect(validate(merged)).toEqual([]);
    // The expressions in the rules are ones the evaluator reads (it throws on anything else).
    for (const job of jobsOf(merged).values())
      for (const rule of job.rules ?? []) if (rule.if) expect(() => evaluate(rule.if!, {})).not.toThrow();
  });
});
