/**
 * .gitlab-ci.yml, checked without a GitLab: the file is parsed with `yaml` (both documents, the
 * `spec: inputs` header and the pipeline), the inputs are interpolated as GitLab would, and the
 * `workflow` and job `rules` are evaluated for each kind of pipeline (schedule, web, api, merge
 * request, push). The evaluator below implements only the subset of GitLab's CI/CD variable
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
import { PLATFORM_IDS, isPlatformId, type PlatformId } from '../src/domain/types.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { implementedPlatforms } from '../src/platforms/index.js';

const RAW = fs.readFileSync(path.join(PACKAGE_ROOT, '.gitlab-ci.yml'), 'utf8');

// ---------------------------------------------------------------------------------------------
// Loading: header, inputs, interpolation, jobs

interface InputSpec {
  description?: string;
  type?: string;
  options?: unknown[];
  default?: unknown;
  regex?: string;
}
type InputValues = Record<string, string | boolean>;

interface Rule {
  if?: string;
  when?: string;
  variables?: Record<string, string>;
}
interface Job {
  stage?: string;
  extends?: string | string[];
  script?: string[];
  before_script?: string[];
  rules?: Rule[];
  resource_group?: string;
  interruptible?: boolean;
  variables?: Record<string, string>;
  parallel?: { matrix: Record<string, string | string[]>[] };
  artifacts?: { name?: string; when?: string; paths?: string[]; expire_in?: string };
}
interface Pipeline {
  workflow?: { rules?: Rule[] };
  default?: Job;
  variables?: Record<string, string>;
  stages?: string[];
  [key: string]: unknown;
}

const SEPARATOR = /^---[ \t]*$/m;
const separator = RAW.match(SEPARATOR);
if (!separator || separator.index === undefined) throw new Error('.gitlab-ci.yml has no `---` after the spec header');
const HEADER_TEXT = RAW.slice(0, separator.index);
const BODY_TEXT = RAW.slice(separator.index + separator[0].length);
const INPUTS = (parse(HEADER_TEXT) as { spec: { inputs: Record<string, InputSpec> } }).spec.inputs;

const INTERPOLATION = /\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g;

/** The inputs a pipeline gets: the defaults, overridden by `given`, validated like GitLab does. */
function inputValues(given: Partial<InputValues> = {}): InputValues {
  const values: InputValues = {};
  for (const name of Object.keys(given)) if (!(name in INPUTS)) throw new Error(`unknown input "${name}"`);
  for (const [name, spec] of Object.entries(INPUTS)) {
    const value = name in given ? given[name] : spec.default;
    if (value === undefined || value === null) throw new Error(`input "${name}" has no value and no default`);
    if (spec.type === 'boolean' ? typeof value !== 'boolean' : typeof value !== 'string') throw new Error(`input "${name}": wrong type`);
    if (spec.options && !spec.options.includes(value)) throw new Error(`input "${name}": "${value}" is not an option`);
    if (spec.regex && !new RegExp(spec.regex).test(String(value))) throw new Error(`input "${name}": "${value}" does not match ${spec.regex}`);
    values[name] = value as string | boolean;
  }
  return values;
}

/** Interpolates `$[[ inputs.x ]]` (each use in this file sits inside a larger string). */
function interpolate(text: string, values: InputValues): string {
  return text.replace(INTERPOLATION, (_match, name: string) => {
    if (!(name in values)) throw new Error(`$[[ inputs.${name} ]] names no declared input`);
    return String(values[name]);
  });
}

function loadPipeline(given: Partial<InputValues> = {}): Pipeline {
  return parse(interpolate(BODY_TEXT, inputValues(given))) as Pipeline;
}

const RESERVED = new Set(['default', 'workflow', 'variables', 'stages', 'include', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GitLab's `extends`: a deep merge of hashes; arrays and scalars are replaced. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isPlainObject(merged[key]) && isPlainObject(value) ? deepMerge(merged[key] as Record<string, unknown>, value) : value;
  }
  return merged;
}

function resolveJob(pipeline: Pipeline, name: string, depth = 0): Job {
  if (depth > 10) throw new Error(`extends too deep at ${name}`);
  const own = pipeline[name];
  if (!isPlainObject(own)) throw new Error(`no job or template "${name}"`);
  const parents = own.extends === undefined ? [] : ([] as string[]).concat(own.extends as string | string[]);
  let merged: Record<string, unknown> = {};
  for (const parent of parents) merged = deepMerge(merged, resolveJob(pipeline, parent, depth + 1) as Record<string, unknown>);
  const { extends: _extends, ...rest } = own;
  return deepMerge(merged, rest) as Job;
}

function jobsOf(pipeline: Pipeline): Map<string, Job> {
  const jobs = new Map<string, Job>();
  for (const name of Object.keys(pipeline)) {
    if (RESERVED.has(name) || name.startsWith('.')) continue;
    jobs.set(name, resolveJob(pipeline, name));
  }
  return jobs;
}

interface Instance {
  name: string;
  job: Job;
  matrix: Record<string, string>;
}

/** `parallel: matrix` expanded into the jobs GitLab creates, named like `open: [pagerduty]`. */
function instancesOf(name: string, job: Job): Instance[] {
  if (!job.parallel) return [{ name, job, matrix: {} }];
  const instances: Instance[] = [];
  for (const entry of job.parallel.matrix) {
    let combos: Record<string, string>[] = [{}];
    for (const [key, value] of Object.entries(entry)) {
      const values = ([] as string[]).concat(value);
      combos = combos.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
    }
    for (const combo of combos) instances.push({ name: `${name}: [${Object.values(combo).join(', ')}]`, job, matrix: combo });
  }
  return instances;
}

// ---------------------------------------------------------------------------------------------
// CI/CD variable expressions (rules:if)

type Vars = Record<string, string | undefined>;
type Token = { kind: 'var'; name: string } | { kind: 'str'; value: string } | { kind: 're'; value: RegExp } | { kind: 'null' } | { kind: 'op'; value: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (variable) {
      tokens.push({ kind: 'var', name: variable[1] });
      i += variable[0].length;
      continue;
    }
    const string = /^"([^"]*)"|^'([^']*)'/.exec(rest);
    if (string) {
      tokens.push({ kind: 'str', value: string[1] ?? string[2] });
      i += string[0].length;
      continue;
    }
    const regex = /^\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(rest);
    if (regex) {
      tokens.push({ kind: 're', value: new RegExp(regex[1], regex[2]) });
      i += regex[0].length;
      continue;
    }
    const op = /^(==|!=|=~|!~|&&|\|\||\(|\))/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[1] });
      i += op[0].length;
      continue;
    }
    if (/^null\b/.test(rest)) {
      tokens.push({ kind: 'null' });
      i += 4;
      continue;
    }
    throw new Error(`rules:if: cannot read "${rest}" in: ${expression}`);
  }
  return tokens;
}

type Operand = string | null | RegExp | boolean;

function evaluate(expression: string, vars: Vars): boolean {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isOp = (value: string) => {
    const token = peek();
    return token?.kind === 'op' && token.value === value;
  };
  const truthy = (value: Operand) => value === true || (typeof value === 'string' && value !== '');

  function primary(): Operand {
    const token = tokens[position++];
    if (!token) throw new Error(`rules:if: unexpected end of: ${expression}`);
    if (token.kind === 'op' && token.value === '(') {
      const value = or();
      if (!isOp(')')) throw new Error(`rules:if: missing ) in: ${expression}`);
      position += 1;
      return value;
    }
    if (token.kind === 'var') return vars[token.name] ?? null;
    if (token.kind === 'str') return token.value;
    if (token.kind === 're') return token.value;
    if (token.kind === 'null') return null;
    throw new Error(`rules:if: unexpected "${token.value}" in: ${expression}`);
  }
  function comparison(): Operand {
    const left = primary();
    const token = peek();
    if (token?.kind !== 'op' || !['==', '!=', '=~', '!~'].includes(token.value)) return left;
    position += 1;
    const right = primary();
    if (token.value === '==' || token.value === '!=') {
      if (left instanceof RegExp || right instanceof RegExp || typeof left === 'boolean' || typeof right === 'boolean') throw new Error(`rules:if: bad comparison in: ${expression}`);
      return (left === right) === (token.value === '==');
    }
    if (!(right instanceof RegExp)) throw new Error(`rules:if: ${token.value} needs a /regex/ in: ${expression}`);
    const matches = typeof left === 'string' && right.test(left);
    return matches === (token.value === '=~');
  }
  function and(): Operand {
    let value = comparison();
    while (isOp('&&')) {
      position += 1;
      const right = comparison();
      value = truthy(value) && truthy(right);
    }
    return value;
  }
  function or(): Operand {
    let value = and();
    while (isOp('||')) {
      position += 1;
      const right = and();
      value = truthy(value) || truthy(right);
    }
    return value;
  }
  const result = or();
  if (position !== tokens.length) throw new Error(`rules:if: trailing tokens in: ${expression}`);
  return truthy(result);
}

/** GitLab's `rules`: the first rule whose `if` holds (or that has none) decides. */
function decide(rules: Rule[] | undefined, vars: Vars): { included: boolean; variables: Record<string, string> } {
  if (!rules) return { included: true, variables: {} };
  for (const rule of rules) {
    for (const key of Object.keys(rule)) if (!['if', 'when', 'variables'].includes(key)) throw new Error(`rules: unexpected key ${key}`);
    if (rule.if === undefined && rule.when === undefined) throw new Error('rules: every rule needs `if` or `when`');
    if (rule.when !== undefined && !['on_success', 'always', 'never', 'manual'].includes(rule.when)) throw new Error(`rules: when: ${rule.when}`);
    if (rule.if !== undefined && !evaluate(rule.if, vars)) continue;
    if (rule.when === 'never') return { included: false, variables: {} };
    return { included: true, variables: rule.variables ?? {} };
  }
  return { included: false, variables: {} };
}

// ---------------------------------------------------------------------------------------------
// Shell lines: the few constructs the file uses ($VAR, "…", ${VAR:+…}, > file, &&)

/** Splits a script line into commands at `&&`, `||`, `;` and `|` outside quotes and braces. */
function commandsOf(line: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  let braces = 0;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{') braces += 1;
    else if (ch === '}') braces -= 1;
    else if (braces === 0 && (ch === ';' || ch === '|' || ch === '&')) {
      if ((ch === '&' || ch === '|') && line[i + 1] === ch) i += 1;
      else if (ch === '&') throw new Error(`shell: background jobs are not expected: ${line}`);
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (quote || braces !== 0) throw new Error(`shell: unbalanced quotes or braces: ${line}`);
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

interface Words {
  words: string[];
  redirects: string[];
}

/** Word expansion and field splitting, as sh would do them, for the constructs above. */
function expandWords(text: string, vars: Vars): Words {
  const words: string[] = [];
  const redirects: string[] = [];
  let current: string | null = null;
  let redirectNext = false;
  const finish = () => {
    if (current === null) return;
    if (redirectNext) {
      redirects.push(current);
      redirectNext = false;
    } else words.push(current);
    current = null;
  };
  const appendFields = (fields: string[], splitAtStart: boolean) => {
    fields.forEach((field, index) => {
      if (index > 0 || splitAtStart) finish();
      if (field !== '') current = (current ?? '') + field;
    });
  };
  const readName = (at: number): { name: string; next: number; operator?: string; word?: string } => {
    if (text[at + 1] === '(') throw new Error(`shell: command substitution is not expected: ${text}`);
    if (text[at + 1] !== '{') {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at + 1));
      if (!match) throw new Error(`shell: bad $ in: ${text}`);
      return { name: match[0], next: at + 1 + match[0].length };
    }
    const match = /^\{([A-Za-z_][A-Za-z0-9_]*)(:\+)?/.exec(text.slice(at + 1));
    if (!match) throw new Error(`shell: bad \${ in: ${text}`);
    let i = at + 1 + match[0].length;
    let quote: string | null = null;
    const start = i;
    while (i < text.length && (quote || text[i] !== '}')) {
      if (quote && text[i] === quote) quote = null;
      else if (!quote && (text[i] === '"' || text[i] === "'")) quote = text[i];
      i += 1;
    }
    if (i >= text.length) throw new Error(`shell: unclosed \${ in: ${text}`);
    const word = text.slice(start, i);
    if (!match[2] && word !== '') throw new Error(`shell: only \${NAME} and \${NAME:+word} are expected: ${text}`);
    return { name: match[1], next: i + 1, operator: match[2], word };
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      finish();
      i += 1;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`shell: unclosed ' in: ${text}`);
      current = (current ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let buffer = '';
      while (text[j] !== '"') {
        if (j >= text.length) throw new Error(`shell: unclosed " in: ${text}`);
        if (text[j] === '$') {
          const { name, next, operator } = readName(j);
          if (operator) throw new Error(`shell: \${NAME:+…} inside quotes is not expected: ${text}`);
          buffer += vars[name] ?? '';
          j = next;
        } else if (text[j] === '`' || text[j] === '\\') throw new Error(`shell: unexpected ${text[j]} in: ${text}`);
        else buffer += text[j++];
      }
      current = (current ?? '') + buffer;
      i = j + 1;
    } else if (ch === '$') {
      const { name, next, operator, word } = readName(i);
      const value = vars[name] ?? '';
      if (operator === ':+') {
        if (value !== '') appendFields(expandWords(word ?? '', vars).words, false);
      } else appendFields(value.split(/\s+/), /^\s/.test(value));
      i = next;
    } else if (ch === '>') {
      finish();
      redirectNext = true;
      i += text[i + 1] === '>' ? 2 : 1;
    } else if (ch === '`' || ch === '\\' || ch === '<' || ch === '*' || ch === '?') {
      throw new Error(`shell: unexpected ${ch} in: ${text}`);
    } else {
      current = (current ?? '') + ch;
      i += 1;
    }
  }
  finish();
  if (redirectNext) throw new Error(`shell: redirect without a target: ${text}`);
  return { words, redirects };
}

interface CliCall {
  /** The call's arguments, less `--report <file>` (kept in `report`, checked on its own). */
  argv: string[];
  report?: string;
  redirects: string[];
  line: string;
}

function cliCall(args: string[], redirects: string[], line: string): CliCall {
  const at = args.indexOf('--report');
  if (at < 0) return { argv: args, redirects, line };
  return { argv: [...args.slice(0, at), ...args.slice(at + 2)], report: args[at + 1], redirects, line };
}

/** The audit-bot calls in a script line, expanded with the job's variables. */
function cliCallsOf(line: string, vars: Vars): CliCall[] {
  const calls: CliCall[] = [];
  for (const command of commandsOf(line)) {
    const { words, redirects } = expandWords(command, vars);
    if (words[0] === 'node' && words[1] === 'dist/cli.js') calls.push(cliCall(words.slice(2), redirects, line));
    else if (words[0] === 'npx' && words[1] === 'audit-bot') calls.push(cliCall(words.slice(2), redirects, line));
    else if (words.some((word) => word.includes('cli.js') || word.includes('audit-bot'))) throw new Error(`unrecognised audit-bot call: ${command}`);
  }
  return calls;
}

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
      runs.push({ name: instance.name, job, matrix: instance.matrix, vars, lines, calls: lines.flatMap((line) => cliCallsOf(line, vars)) });
    }
  }
  return runs.sort((a, b) => a.name.localeCompare(b.name));
}

const names = (runs: Run[]) => runs.map((run) => run.name);
const IMPLEMENTED = PLATFORM_IDS.filter((platform) => implementedPlatforms().includes(platform));
const jobNames = (job: string, platforms: readonly string[]) => platforms.map((platform) => `${job}: [${platform}]`).sort();

/** The secret each implemented platform needs (the URLs have defaults). */
const PLATFORM_SECRETS = (platform: PlatformId): string[] => PLATFORM_ENV[platform].filter((name) => (SECRET_ENV_NAMES as readonly string[]).includes(name));
const IMPLEMENTED_SECRETS: Record<string, string> = Object.fromEntries(IMPLEMENTED.flatMap(PLATFORM_SECRETS).map((name) => [name, 'masked-in-ci']));

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
          for (const quarter of ['', '2026-Q4']) scenarios.push({ source, inputs: { command, platform, 'dry-run': dryRun, quarter } });
        }
      }
    }
  }
  return scenarios;
}

const writes = (call: CliCall) => (call.argv[0] === 'open' || call.argv[0] === 'followup') && !call.argv.includes('--dry-run');

/** Checks a call against the CLI's own parser and the values it accepts. */
function checkCall(call: CliCall, where: string): void {
  const [command, ...args] = call.argv;
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(command, call.report === undefined ? args : [...args, '--report', call.report]);
  } catch (error) {
    throw new Error(`${where}: \`${call.line}\` expands to \`audit-bot ${call.argv.join(' ')}\`: ${(error as Error).message}`);
  }
  const problem = (message: string) => new Error(`${where}: audit-bot ${call.argv.join(' ')}: ${message}`);
  if (options.platform !== undefined && !isPlatformId(options.platform) && !(options.platform === 'all' && command !== 'check')) throw problem(`--platform ${options.platform}`);
  if ((command === 'open' || command === 'check') && options.platform === undefined) throw problem('--platform is required');
  if (options.quarter !== undefined && !isQuarter(options.quarter)) throw problem(`--quarter ${options.quarter}`);
  if (options.format !== undefined && !['json', 'markdown'].includes(options.format)) throw problem(`--format ${options.format}`);
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
      expect({ name, hasDefault: spec.default !== undefined && spec.default !== null }).toEqual({ name, hasDefault: true });
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
    for (const sample of ['2026-Q4', '1999-Q1', '2026-Q5', '2026-Q0', '26-Q1', '2026Q1', '2026-q1', ' 2026-Q1', '2026-Q1; rm -rf /', '2026-Q1\n']) {
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
      expect(instancesOf(name, job).map((instance) => instance.name).sort()).toEqual(jobNames(name, PLATFORM_IDS));
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
    expect(calls(pipelineFor({ ...SCHEDULE_OPEN, inputs: { 'dry-run': true, command: 'followup', platform: 'calendly', quarter: '2020-Q1' } }))).toEqual(calls(runs));
  });

  test('nightly schedule (AUDIT_JOB=followup): follows up every implemented audit, one job per platform', () => {
    const runs = pipelineFor(SCHEDULE_FOLLOWUP);
    expect(names(runs)).toEqual(jobNames('followup', IMPLEMENTED));
    for (const run of runs) expect(run.calls.map((call) => call.argv)).toEqual([['followup', '--platform', run.matrix.PLATFORM]]);
  });

  test('a schedule without AUDIT_JOB, or with another value, runs nothing', () => {
    expect(pipelineFor({ source: 'schedule' })).toEqual([]);
    expect(pipelineFor({ source: 'schedule', vars: { AUDIT_JOB: 'demo' } })).toEqual([]);
  });

  test.each(['web', 'api'])('Run pipeline form / pipelines API (%s): runs the chosen command and platform, dry run honoured', (source) => {
    const defaults = pipelineFor({ source });
    expect(names(defaults)).toEqual(jobNames('open', IMPLEMENTED));
    for (const run of defaults) expect(run.calls[0].argv).toEqual(['open', '--platform', run.matrix.PLATFORM, '--dry-run']);

    const followup = pipelineFor({ source, inputs: { command: 'followup', platform: 'pagerduty', 'dry-run': false } });
    expect(names(followup)).toEqual(['followup: [pagerduty]']);
    expect(followup[0].calls.map((call) => call.argv)).toEqual([['followup', '--platform', 'pagerduty']]);

    const open = pipelineFor({ source, inputs: { command: 'open', platform: 'calendly', quarter: '2026-Q3', 'dry-run': false } });
    expect(names(open)).toEqual(['open: [calendly]']);
    expect(open[0].calls[0].argv).toEqual(['open', '--platform', 'calendly', '--quarter', '2026-Q3']);

    const allFollowups = pipelineFor({ source, inputs: { command: 'followup', 'dry-run': true } });
    expect(names(allFollowups)).toEqual(jobNames('followup', IMPLEMENTED));
    for (const run of allFollowups) expect(run.calls[0].argv).toContain('--dry-run');

    for (const platform of PLATFORM_IDS.filter((id) => !IMPLEMENTED.includes(id))) {
      expect(pipelineFor({ source, inputs: { platform } })).toEqual([]);
    }
  });

  test('other pipeline sources (a trigger token, a parent pipeline) run no audit', () => {
    for (const source of ['trigger', 'pipeline', 'parent_pipeline', 'chat']) expect(pipelineFor({ source })).toEqual([]);
  });

  test('merge requests: typecheck and tests; a dry run per platform that writes nothing, only where that platform has its token', () => {
    const without = pipelineFor(MERGE_REQUEST);
    expect(names(without)).toEqual(['test', 'validate']);
    expect(without[0].lines).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run typecheck', 'npm test']));
    expect(without[0].job.interruptible).toBe(true);

    const withTokens = pipelineFor({ ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' } });
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
      expect({ platform, jobs: names(pipelineFor({ ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...own } })) }).toEqual({ platform, jobs: [`dry-run: [${platform}]`, 'test', 'validate'] });
    }
  });

  test('every change (merge request or push) runs `validate` offline after the build: no token, no option, never a write', () => {
    for (const scenario of [MERGE_REQUEST, { ...MERGE_REQUEST, vars: { ...MERGE_REQUEST.vars, ...IMPLEMENTED_SECRETS, GITLAB_TOKEN: 'masked-in-ci' } }, { source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } }]) {
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
    for (const scenario of [SCHEDULE_OPEN, SCHEDULE_FOLLOWUP, { source: 'web' }, { source: 'api', inputs: { command: 'followup' } }]) {
      expect(names(pipelineFor(scenario))).not.toContain('validate');
    }
  });

  test('pushes run the tests once: no branch pipeline next to a merge request pipeline', () => {
    expect(names(pipelineFor({ source: 'push', vars: { CI_COMMIT_BRANCH: 'feature' } }))).toEqual(['test', 'validate']);
    expect(pipelineFor({ source: 'push', vars: { CI_COMMIT_BRANCH: 'feature', CI_OPEN_MERGE_REQUESTS: 'group/audit-bot!7' } })).toEqual([]);
  });

  test('rules name the pipeline sources schedule, web, api and merge_request_event, and only real ones', () => {
    const sources = new Set([...BODY_TEXT.matchAll(/\$CI_PIPELINE_SOURCE\s*[!=]=\s*"([^"]+)"/g)].map((match) => match[1]));
    for (const source of ['schedule', 'web', 'api', 'merge_request_event']) expect(sources).toContain(source);
    const known = ['api', 'chat', 'external', 'external_pull_request_event', 'merge_request_event', 'ondemand_dast_scan', 'ondemand_dast_validation', 'parent_pipeline', 'pipeline', 'push', 'schedule', 'security_orchestration_policy', 'trigger', 'web', 'webide'];
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
        expect({ job: run.name, group: run.job.resource_group, interruptible: run.job.interruptible }).toEqual({ job: run.name, group: 'audit-$PLATFORM', interruptible: false });
        const group = run.job.resource_group!.replace('$PLATFORM', run.matrix.PLATFORM);
        for (const call of run.calls.filter(writes)) expect(call.argv.slice(1, 3)).toEqual(['--platform', run.matrix.PLATFORM]);
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

  test('open and followup keep each audit\'s JSON evidence (--report) as an artifact, even when the job fails', () => {
    for (const [job, schedule, file] of [
      ['open', SCHEDULE_OPEN, (platform: string) => `evidence/${platform}.json`],
      ['followup', SCHEDULE_FOLLOWUP, (platform: string) => `evidence/followup-${platform}.json`],
    ] as const) {
      expect(jobsOf(loadPipeline()).get(job)!.artifacts).toMatchObject({ when: 'always', paths: ['evidence/'], expire_in: expect.any(String) });
      for (const run of pipelineFor(schedule)) {
        expect(run.calls.map((call) => call.report)).toEqual([file(run.matrix.PLATFORM)]);
      }
    }
  });

  test('no token values: secrets come only from masked CI/CD variables, and no script touches them', () => {
    const pipeline = loadPipeline();
    const secretName = (name: string) => (SECRET_ENV_NAMES as readonly string[]).includes(name) || /TOKEN|SECRET|PASSWORD|API_KEY/i.test(name);
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
        for (const name of SECRET_ENV_NAMES) expect({ line, uses: new RegExp(`\\$\\{?${name}\\b`).test(line) }).toEqual({ line, uses: false });
      }
    }
    const looksLikeCredential = /glpat-|glptt-|(?=[A-Za-z0-9+/_=-]*\d)(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{20,}/;
    for (const sample of ['glpat-abc', 'u+Xk3v9QzR7pLm2NwT8yB', 'dGhpc2lzYXRva2VuMTIzNDU2Nzg=']) expect(sample).toMatch(looksLikeCredential);
    RAW.split('\n').forEach((text, index) => expect({ line: index + 1, text, credential: looksLikeCredential.test(text) }).toEqual({ line: index + 1, text, credential: false }));
  });
});
