/**
 * .gitlab-ci.yml, this component project's own pipeline, checked without a GitLab: the file is
 * parsed with `yaml`, validated against GitLab's CI JSON schema, its `include: component` merged
 * with the component (templates/audit.yml, its inputs interpolated as GitLab does), and the
 * `workflow`, `include` and job `rules` evaluated for each kind of pipeline (merge request, push
 * to a branch or to the default branch, tag, schedule, Run pipeline form, API, trigger). The
 * evaluators (test/ci-eval.ts) implement only the subset of GitLab's CI/CD variable expressions
 * and of shell syntax that the files use, and throw on anything else. Every `audit-bot …` call a
 * component job would run is checked against the CLI's own option parser; the image build and
 * push, and the catalog release, are checked word by word.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { COMPONENT_PROJECT, IMAGE_REPOSITORY, packageVersion } from '../src/commands/init.js';
import { loadAuditConfig } from '../src/config/audit-config.js';
import { PLATFORM_ENV, SECRET_ENV_NAMES } from '../src/config/env.js';
import { loadRoster } from '../src/config/roster.js';
import { PLATFORM_IDS } from '../src/domain/platforms.js';
import type { PlatformId } from '../src/domain/types.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { implementedPlatforms } from '../src/platforms/index.js';
import {
  checkCall,
  cliCallsOf,
  commandsOf,
  componentJobs,
  decide,
  evaluate,
  expandVariables,
  expandWords,
  gitlabCiSchema,
  INTERPOLATION,
  inputValues,
  jobsOf,
  splitSpec,
  tokenize,
  withComponents,
  writes,
  type CliCall,
  type ComponentInclude,
  type Job,
  type Pipeline,
  type Rule,
  type Vars,
  scriptLines,
} from './ci-eval.js';

const RAW = fs.readFileSync(path.join(PACKAGE_ROOT, '.gitlab-ci.yml'), 'utf8');
const PIPELINE = parse(RAW) as Pipeline;
const INCLUDES = ([] as ComponentInclude[]).concat((PIPELINE.include as ComponentInclude[] | undefined) ?? []);
const OWN_JOBS = [...jobsOf(PIPELINE).keys()];

const COMPONENT_FILE = 'templates/audit.yml';
const COMPONENT_RAW = fs.readFileSync(path.join(PACKAGE_ROOT, COMPONENT_FILE), 'utf8');
const COMPONENT = splitSpec(COMPONENT_RAW, COMPONENT_FILE);
/** The component's job names (its inputs change what the jobs do, never their names). */
const COMPONENT_JOBS = new Set(jobsOf(componentJobs(COMPONENT_RAW, COMPONENT_FILE)).keys());
const VERSION = packageVersion();

/** This project's own component (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/<name>@<ref>`), read from templates/. */
function loadComponent(entry: ComponentInclude): Pipeline {
  const match = /^\$CI_SERVER_FQDN\/\$CI_PROJECT_PATH\/([\w-]+)@\S+$/.exec(entry.component ?? '');
  if (!match) throw new Error(`not a component of this project: ${entry.component}`);
  const file = `templates/${match[1]}.yml`;
  return componentJobs(fs.readFileSync(path.join(PACKAGE_ROOT, file), 'utf8'), file, entry.inputs);
}

// ---------------------------------------------------------------------------------------------
// Pipelines: which jobs run for a given source and variables

const [SERVER_FQDN, ...PROJECT_PATH] = COMPONENT_PROJECT.split('/');
const SHA = '0123456789abcdef0123456789abcdef01234567';
/** Predefined variables of this project on gitlab.com, where init's component and image paths point. */
const PROJECT: Vars = {
  CI_SERVER_FQDN: SERVER_FQDN,
  CI_PROJECT_PATH: PROJECT_PATH.join('/'),
  CI_REGISTRY: IMAGE_REPOSITORY.split('/')[0],
  CI_REGISTRY_IMAGE: IMAGE_REPOSITORY,
  CI_REGISTRY_USER: 'gitlab-ci-token',
  CI_REGISTRY_PASSWORD: 'the-jobs-own-registry-password',
  CI_DEFAULT_BRANCH: 'main',
  CI_COMMIT_SHA: SHA,
};

interface Scenario {
  source: string;
  vars?: Record<string, string>;
}
interface Run {
  name: string;
  job: Job;
  /** Whether the job comes from the included component. */
  fromComponent: boolean;
  vars: Vars;
  lines: string[];
  calls: CliCall[];
}

const predefinedFor = (scenario: Scenario): Vars => ({
  ...PROJECT,
  CI_PIPELINE_SOURCE: scenario.source,
  ...scenario.vars,
});

/** The pipeline as GitLab would merge it for this scenario (the include's rules decide). */
const mergedFor = (scenario: Scenario): Pipeline => withComponents(PIPELINE, predefinedFor(scenario), loadComponent);

function pipelineFor(scenario: Scenario): Run[] {
  const predefined = predefinedFor(scenario);
  const pipeline = mergedFor(scenario);
  const globals: Vars = { ...(pipeline.variables ?? {}) };
  if (!decide(pipeline.workflow?.rules, { ...globals, ...predefined }).included) return [];
  const runs: Run[] = [];
  for (const [name, job] of jobsOf(pipeline)) {
    const base: Vars = { ...globals, ...(job.variables ?? {}) };
    const decision = decide(job.rules, { ...base, ...predefined });
    if (!decision.included) continue;
    const vars: Vars = expandVariables({ ...base, ...decision.variables, ...predefined }, predefined);
    const lines = scriptLines(job, pipeline);
    const fromComponent = COMPONENT_JOBS.has(name);
    // This file's own jobs run no audit-bot: read unexpanded, any mention of the CLI throws.
    const calls = fromComponent
      ? lines.flatMap((line) => cliCallsOf(line, vars, [['audit-bot']]))
      : lines.flatMap((line) => cliCallsOf(line, {}, [['audit-bot'], ['node', 'dist/cli.js'], ['npx', 'audit-bot']]));
    runs.push({ name, job, fromComponent, vars, lines, calls });
  }
  return runs.sort((a, b) => a.name.localeCompare(b.name));
}

const names = (runs: Run[]) => runs.map((run) => run.name);
const runOf = (runs: Run[], name: string): Run => {
  const run = runs.find((candidate) => candidate.name === name);
  if (!run) throw new Error(`no job ${name} in: ${names(runs).join(', ')}`);
  return run;
};
/** A run's script lines as the shell would run them: one word list per command, variables expanded. */
const commandsRun = (run: Run): string[][] =>
  run.lines.flatMap((line) => commandsOf(line).map((command) => expandWords(command, run.vars).words));
const dockerCommand = (run: Run, verb: string): string[][] =>
  commandsRun(run).filter((words) => words[0] === 'docker' && words[1] === verb);

const IMPLEMENTED = PLATFORM_IDS.filter((platform) => implementedPlatforms().includes(platform));
const PLATFORM_SECRETS = (platform: PlatformId): string[] =>
  PLATFORM_ENV[platform].filter((name) => SECRET_ENV_NAMES.includes(name));
const IMPLEMENTED_SECRETS: Record<string, string> = Object.fromEntries(
  IMPLEMENTED.flatMap(PLATFORM_SECRETS).map((name) => [name, 'masked-in-ci']),
);
const dryRuns = (platforms: readonly string[]) => platforms.map((platform) => `audit-dry-run-${platform}`);

const MERGE_REQUEST: Scenario = {
  source: 'merge_request_event',
  vars: { CI_MERGE_REQUEST_IID: '7', CI_COMMIT_REF_NAME: 'feature' },
};
const MERGE_REQUEST_WITH_TOKENS: Scenario = {
  ...MERGE_REQUEST,
  vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' },
};
const PUSH: Scenario = { source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } };
const PUSH_WITH_MERGE_REQUEST: Scenario = {
  source: 'push',
  vars: { CI_COMMIT_BRANCH: 'feature', CI_OPEN_MERGE_REQUESTS: 'support-ops/audit-bot!7' },
};
const PUSH_DEFAULT_BRANCH: Scenario = { source: 'push', vars: { CI_COMMIT_BRANCH: 'main' } };
/** A tag pipeline: source push, CI_COMMIT_TAG set and no CI_COMMIT_BRANCH. */
const tag = (name: string): Scenario => ({ source: 'push', vars: { CI_COMMIT_TAG: name } });
const VERSION_TAG = tag('0.2.0');
const NOT_VERSION_TAGS = ['v0.2.0', '0.2', '0.2.0-rc.1', '0.2.0.1', 'x0.2.0', '0.2.0 ', 'latest'];
const SCHEDULES: Scenario[] = [
  { source: 'schedule', vars: { AUDIT_JOB: 'open', CI_COMMIT_BRANCH: 'main' } },
  { source: 'schedule', vars: { AUDIT_JOB: 'followup', CI_COMMIT_BRANCH: 'main' } },
  { source: 'schedule', vars: { CI_COMMIT_BRANCH: 'main' } },
];
const OTHER_SOURCES: Scenario[] = ['web', 'api', 'trigger', 'pipeline', 'parent_pipeline', 'chat'].map((source) => ({
  source,
  vars: { CI_COMMIT_BRANCH: 'main' },
}));

function allScenarios(): Scenario[] {
  const perPlatform = IMPLEMENTED.map((platform) => ({
    ...MERGE_REQUEST,
    vars: {
      ...MERGE_REQUEST.vars,
      ...Object.fromEntries(PLATFORM_SECRETS(platform).map((name) => [name, 'masked-in-ci'])),
    },
  }));
  return [
    MERGE_REQUEST,
    MERGE_REQUEST_WITH_TOKENS,
    ...perPlatform,
    PUSH,
    PUSH_WITH_MERGE_REQUEST,
    PUSH_DEFAULT_BRANCH,
    VERSION_TAG,
    tag(VERSION),
    ...NOT_VERSION_TAGS.map(tag),
    ...SCHEDULES,
    ...OTHER_SOURCES,
  ];
}

/** The variables a `rules:if` reads. */
const variablesRead = (expression: string): string[] =>
  tokenize(expression).flatMap((token) => (token.kind === 'var' ? [token.name] : []));

// ---------------------------------------------------------------------------------------------

describe('.gitlab-ci.yml, the component project pipeline', () => {
  test('is one clean YAML document with no spec header or inputs: audits run in the audits projects', () => {
    const documents = parseAllDocuments(RAW) as unknown as { errors: unknown[]; warnings: unknown[] }[];
    expect(documents).toHaveLength(1);
    expect(documents[0].errors).toEqual([]);
    expect(documents[0].warnings).toEqual([]);
    expect(PIPELINE).not.toHaveProperty('spec');
    expect(RAW).not.toMatch(INTERPOLATION);
    expect(PIPELINE.stages).toEqual(['test', 'build', 'component', 'release']);
    expect([...OWN_JOBS].sort()).toEqual(['build-image', 'release', 'test']);
    for (const name of OWN_JOBS)
      expect({ name, inComponent: COMPONENT_JOBS.has(name) }).toEqual({ name, inComponent: false });
  });

  describe("GitLab's CI JSON schema (offline, from the pinned gitlab-ci-local devDependency)", () => {
    const validate = gitlabCiSchema();

    test('rejects a broken pipeline (the schema is really applied)', () => {
      expect(validate({ job: { script: ['true'], release: { description: 'no tag' } } })).not.toEqual([]);
      expect(validate({ job: { script: ['true'], services: [{ alias: 'docker' }] } })).not.toEqual([]);
    });

    test('accepts the file as written, and the pipeline of every scenario with the component merged in', () => {
      expect(validate(PIPELINE)).toEqual([]);
      for (const scenario of allScenarios()) {
        const merged = mergedFor(scenario);
        expect({ scenario, problems: validate(merged) }).toEqual({ scenario, problems: [] });
        // Every expression is one the evaluator reads (it throws on anything else).
        for (const job of jobsOf(merged).values())
          for (const rule of job.rules ?? []) if (rule.if) expect(() => evaluate(rule.if!, {})).not.toThrow();
      }
    });
  });

  test('merge requests: test, build-image, then the component: audit-validate, and dry runs where tokens show', () => {
    expect(names(pipelineFor(MERGE_REQUEST))).toEqual(['audit-validate', 'build-image', 'test']);
    const withTokens = pipelineFor(MERGE_REQUEST_WITH_TOKENS);
    expect(names(withTokens)).toEqual([...dryRuns(IMPLEMENTED), 'audit-validate', 'build-image', 'test'].sort());
    for (const platform of IMPLEMENTED) {
      const own = Object.fromEntries(PLATFORM_SECRETS(platform).map((name) => [name, 'masked-in-ci']));
      expect({
        platform,
        jobs: names(pipelineFor({ ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...own } })),
      }).toEqual({ platform, jobs: [`audit-dry-run-${platform}`, 'audit-validate', 'build-image', 'test'].sort() });
    }
    expect(runOf(withTokens, 'audit-validate').calls.map((call) => call.argv)).toEqual([['validate']]);
    for (const run of withTokens.filter((candidate) => candidate.name.startsWith('audit-dry-run-'))) {
      const platform = run.name.replace('audit-dry-run-', '');
      expect(run.calls.map((call) => call.argv)).toEqual([
        ['open', '--platform', platform, '--dry-run'],
        ['followup', '--platform', platform, '--dry-run'],
      ]);
    }
  });

  test('pushes: test, and build-image on the default branch; no branch pipeline next to a merge request', () => {
    expect(names(pipelineFor(PUSH))).toEqual(['test']);
    expect(names(pipelineFor(PUSH_DEFAULT_BRANCH))).toEqual(['build-image', 'test']);
    expect(pipelineFor(PUSH_WITH_MERGE_REQUEST)).toEqual([]);
  });

  test('tags: test and build-image; a version tag (1.2.3) also the release', () => {
    expect(names(pipelineFor(VERSION_TAG))).toEqual(['build-image', 'release', 'test']);
    expect(names(pipelineFor(tag('10.20.30')))).toEqual(['build-image', 'release', 'test']);
    for (const name of NOT_VERSION_TAGS)
      expect({ tag: name, jobs: names(pipelineFor(tag(name))) }).toEqual({ tag: name, jobs: ['build-image', 'test'] });
  });

  test('schedules, Run pipeline, the API and triggers run nothing: audits run in each audits project', () => {
    for (const scenario of [...SCHEDULES, ...OTHER_SOURCES])
      expect({ scenario, jobs: names(pipelineFor(scenario)) }).toEqual({ scenario, jobs: [] });
  });

  test("no parallel:matrix; no rules:if reads a variable its job sets, and this file's read only CI_ ones", () => {
    expect(RAW).not.toMatch(/^\s*parallel\s*:/m);
    expect(RAW).not.toMatch(/\$\{?PLATFORM\b/);
    for (const scenario of allScenarios()) {
      for (const [name, job] of jobsOf(mergedFor(scenario))) {
        expect(job.parallel).toBeUndefined();
        const own = new Set([
          ...Object.keys(job.variables ?? {}),
          ...(job.rules ?? []).flatMap((rule: Rule) => Object.keys(rule.variables ?? {})),
        ]);
        for (const rule of job.rules ?? []) {
          const read = variablesRead(rule.if ?? '');
          expect({ name, rule: rule.if, reads: read.filter((variable) => own.has(variable)) }).toEqual({
            name,
            rule: rule.if,
            reads: [],
          });
          // This file's rules depend on the pipeline only, never on a project's CI/CD variable.
          if (!COMPONENT_JOBS.has(name))
            expect({ name, rule: rule.if, read: read.filter((variable) => !variable.startsWith('CI_')) }).toEqual({
              name,
              rule: rule.if,
              read: [],
            });
        }
      }
    }
    for (const rule of [...(PIPELINE.workflow?.rules ?? []), ...INCLUDES.flatMap((entry) => entry.rules ?? [])])
      expect(variablesRead(rule.if ?? '').filter((variable) => !variable.startsWith('CI_'))).toEqual([]);
  });

  describe('the component, included as an audits project includes it', () => {
    test('from this very commit, with the image built from this commit and the sample files of examples/', () => {
      expect(INCLUDES).toHaveLength(1);
      const [entry] = INCLUDES;
      expect(entry.component).toBe('$CI_SERVER_FQDN/$CI_PROJECT_PATH/audit@$CI_COMMIT_SHA');
      // The path init gives the audits projects, at this commit.
      expect(expandWords(entry.component!, PROJECT).words).toEqual([`${COMPONENT_PROJECT}/audit@${SHA}`]);
      expect(fs.existsSync(path.join(PACKAGE_ROOT, COMPONENT_FILE))).toBe(true);
      expect(entry.inputs).toEqual({
        stage: 'component',
        image: '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA',
        config: 'examples/audit.config.yml',
        roster: 'examples/roster.yml',
      });
      for (const name of Object.keys(entry.inputs!)) expect(Object.keys(COMPONENT.inputs)).toContain(name);
      expect(() => inputValues(COMPONENT.inputs, entry.inputs as Record<string, string>)).not.toThrow();
      // The sample files load (test/integration/validate.test.ts runs `validate` on them).
      expect(() => loadAuditConfig(path.join(PACKAGE_ROOT, 'examples', 'audit.config.yml'))).not.toThrow();
      expect(() => loadRoster(path.join(PACKAGE_ROOT, 'examples', 'roster.yml'))).not.toThrow();
      // Its stage comes after the image's, and before the release.
      const stages = PIPELINE.stages!;
      const imageStage = jobsOf(PIPELINE).get('build-image')!.stage!;
      expect(stages.indexOf('component')).toBeGreaterThan(stages.indexOf(imageStage));
      expect(stages.indexOf('component')).toBeLessThan(stages.indexOf('release'));
    });

    test('only in merge request pipelines, where build-image pushes the very image the jobs run', () => {
      const included = (scenario: Scenario) => decide(INCLUDES[0].rules, predefinedFor(scenario)).included;
      expect(included(MERGE_REQUEST)).toBe(true);
      for (const scenario of [PUSH, PUSH_DEFAULT_BRANCH, VERSION_TAG, ...SCHEDULES, ...OTHER_SOURCES])
        expect({ scenario, included: included(scenario) }).toEqual({ scenario, included: false });

      const runs = pipelineFor(MERGE_REQUEST_WITH_TOKENS);
      const pushed = dockerCommand(runOf(runs, 'build-image'), 'push').map((words) => words[2]);
      const image = expandWords(String(INCLUDES[0].inputs!.image), PROJECT).words;
      expect(image).toEqual([`${IMAGE_REPOSITORY}:${SHA}`]);
      expect(pushed).toEqual(image);
      for (const run of runs.filter((candidate) => candidate.fromComponent)) {
        expect({
          name: run.name,
          stage: run.job.stage,
          image: run.job.image,
          config: run.vars.AUDIT_CONFIG,
          roster: run.vars.AUDIT_ROSTER,
        }).toEqual({
          name: run.name,
          stage: 'component',
          image: { name: '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', entrypoint: [''] },
          config: 'examples/audit.config.yml',
          roster: 'examples/roster.yml',
        });
        // The image's audit-bot, never this file's npm or docker steps; and nothing written to GitLab.
        expect(run.lines.every((line) => line.startsWith('audit-bot '))).toBe(true);
        expect(run.calls.filter(writes)).toEqual([]);
        expect(run.job.resource_group).toBeUndefined();
        expect(run.job.interruptible).toBe(true);
      }
    });
  });

  test('test: install, typecheck, lint, format check, build and the tests on every change, interruptible', () => {
    for (const scenario of [MERGE_REQUEST, PUSH, PUSH_DEFAULT_BRANCH, VERSION_TAG]) {
      const run = runOf(pipelineFor(scenario), 'test');
      expect(run.lines[0]).toMatch(/^npm ci\b/);
      expect(run.lines.slice(1)).toEqual([
        'npm run typecheck',
        'npm run lint',
        'npm run format:check',
        'npm run build',
        'npm test',
      ]);
      expect(run.job).toMatchObject({ stage: 'test', interruptible: true });
      expect(run.job.image).toMatch(/^node:24\b/);
      expect(run.job.resource_group).toBeUndefined();
    }
  });

  test("build-image: Docker-in-Docker over TLS, pinned; the job's registry login; the commit's or tag's image", () => {
    const job = jobsOf(PIPELINE).get('build-image')!;
    const version = /^docker:(\d+\.\d+\.\d+)-cli$/.exec(typeof job.image === 'string' ? job.image : '')?.[1];
    expect(version).toEqual(expect.any(String));
    expect(job.services).toEqual([{ name: `docker:${version}-dind`, alias: 'docker' }]);
    expect(job.variables).toMatchObject({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_CERTDIR: '/certs' });
    expect(job.stage).toBe('build');

    const pushes: [Scenario, string][] = [
      [MERGE_REQUEST, `${IMAGE_REPOSITORY}:${SHA}`],
      [PUSH_DEFAULT_BRANCH, `${IMAGE_REPOSITORY}:${SHA}`],
      [VERSION_TAG, `${IMAGE_REPOSITORY}:0.2.0`],
      [tag('v0.2.0'), `${IMAGE_REPOSITORY}:v0.2.0`],
      // This version's tag pushes the image the component's `image` input names by default.
      [tag(VERSION), String(COMPONENT.inputs.image.default)],
    ];
    for (const [scenario, image] of pushes) {
      const run = runOf(pipelineFor(scenario), 'build-image');
      expect({ scenario, commands: commandsRun(run) }).toEqual({
        scenario,
        commands: [
          ['echo', 'the-jobs-own-registry-password'],
          ['docker', 'login', '--username', 'gitlab-ci-token', '--password-stdin', PROJECT.CI_REGISTRY],
          ['docker', 'build', '--pull', '--tag', image, '.'],
          ['docker', 'push', image],
        ],
      });
    }
    expect(String(COMPONENT.inputs.image.default)).toBe(`${IMAGE_REPOSITORY}:${VERSION}`);
  });

  test('release: version tags only, after test and build-image; the release keyword, release-cli image', () => {
    const job = jobsOf(PIPELINE).get('release')!;
    expect(job.stage).toBe('release');
    expect(PIPELINE.stages!.at(-1)).toBe('release');
    expect(job.needs).toEqual(['test', 'build-image']);
    expect(job.interruptible).toBe(false);
    // Works on GitLab 17.11 (release-cli) and 18.0+ (the glab this image carries too).
    expect(job.image).toBe('registry.gitlab.com/gitlab-org/release-cli:latest');
    expect(Object.keys(job.release ?? {}).sort()).toEqual(['description', 'tag_name']);
    expect(job.release?.tag_name).toBe('$CI_COMMIT_TAG');
    expect(job.release?.description).toContain('$CI_COMMIT_TAG');

    const releaseRuns = (scenario: Scenario) => names(pipelineFor(scenario)).includes('release');
    for (const name of ['0.1.0', '1.20.3', '10.0.0', VERSION])
      expect({ tag: name, released: releaseRuns(tag(name)) }).toEqual({ tag: name, released: true });
    for (const name of NOT_VERSION_TAGS)
      expect({ tag: name, released: releaseRuns(tag(name)) }).toEqual({ tag: name, released: false });
    for (const scenario of [MERGE_REQUEST_WITH_TOKENS, PUSH, PUSH_DEFAULT_BRANCH, ...SCHEDULES, ...OTHER_SOURCES])
      expect({ scenario, released: releaseRuns(scenario) }).toEqual({ scenario, released: false });

    // The jobs it needs are in the same tag pipeline, and `build-image` pushes the tag's image there.
    const runs = pipelineFor(VERSION_TAG);
    for (const needed of job.needs!) expect(names(runs)).toContain(needed);
    expect(dockerCommand(runOf(runs, 'build-image'), 'push')).toEqual([
      ['docker', 'push', `${IMAGE_REPOSITORY}:0.2.0`],
    ]);
    expect(commandsRun(runOf(runs, 'release')).map((words) => words[0])).toEqual(['echo']);
  });

  test('every job runs in some pipeline, and every audit-bot call uses only commands and options the CLI has', () => {
    const seen = new Set<string>();
    const commands = new Set<string>();
    for (const scenario of allScenarios()) {
      for (const run of pipelineFor(scenario)) {
        seen.add(run.name);
        if (!run.fromComponent) expect({ job: run.name, calls: run.calls }).toEqual({ job: run.name, calls: [] });
        for (const call of run.calls) {
          checkCall(call, `${scenario.source} ${run.name}`);
          commands.add(call.argv[0]);
          // Nothing this pipeline runs writes to GitLab.
          expect({ job: run.name, call: call.argv, writes: writes(call) }).toEqual({
            job: run.name,
            call: call.argv,
            writes: false,
          });
        }
      }
    }
    expect([...seen].sort()).toEqual([...OWN_JOBS, 'audit-validate', ...dryRuns(IMPLEMENTED)].sort());
    expect([...commands].sort()).toEqual(['followup', 'open', 'validate']);
  });

  test('no secret: no secret-named variable, no platform token read, the registry password only on stdin', () => {
    const secretName = (name: string) => SECRET_ENV_NAMES.includes(name) || /TOKEN|SECRET|PASSWORD|API_KEY/i.test(name);
    const pipeline = mergedFor(MERGE_REQUEST_WITH_TOKENS);
    const variableMaps: Record<string, string>[] = [pipeline.variables ?? {}];
    for (const job of jobsOf(pipeline).values()) {
      variableMaps.push(job.variables ?? {});
      for (const rule of job.rules ?? []) variableMaps.push(rule.variables ?? {});
    }
    for (const map of variableMaps) {
      for (const [name, value] of Object.entries(map)) {
        expect({ name, secret: secretName(name) }).toEqual({ name, secret: false });
        expect(String(value)).not.toMatch(/\$\{?(CI_JOB_TOKEN|CI_REGISTRY_PASSWORD|[A-Z_]*TOKEN)\b/);
      }
    }
    for (const [name, job] of jobsOf(pipeline)) {
      for (const line of [...(job.before_script ?? []), ...(job.script ?? [])]) {
        for (const secret of [...SECRET_ENV_NAMES, 'CI_JOB_TOKEN'])
          expect({ name, line, uses: new RegExp(`\\$\\{?${secret}\\b`).test(line) }).toEqual({
            name,
            line,
            uses: false,
          });
        // The registry password reaches `docker login` on stdin only, never as an argument.
        if (line.includes('CI_REGISTRY_PASSWORD')) {
          const [echo, login] = commandsOf(line);
          expect(echo).toBe('echo "$CI_REGISTRY_PASSWORD"');
          expect(login).toMatch(/^docker login .*--password-stdin\b/);
          expect(login).not.toMatch(/(^|\s)(-p|--password)(\s|=|$)/);
        }
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
