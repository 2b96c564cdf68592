/**
 * GitLab CI/CD configuration, evaluated without a GitLab: the `spec: inputs` header and its
 * interpolation, `extends`, `parallel: matrix`, `include: component`, the CI/CD variable
 * expressions of `rules:if`, and the few shell constructs the scripts use. Shared by
 * test/ci-config.test.ts (this repository's .gitlab-ci.yml) and test/ci-component.test.ts (the
 * CI/CD component, templates/audit.yml). Each evaluator implements only the subset the files use,
 * and throws on anything else.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { parseOptions } from '../src/cli.js';
import { isQuarter } from '../src/domain/quarter.js';
import { isPlatformId } from '../src/domain/platforms.js';

// ---------------------------------------------------------------------------------------------
// Loading: header, inputs, interpolation, jobs

export interface InputSpec {
  description?: string;
  type?: string;
  options?: unknown[];
  default?: unknown;
  regex?: string;
}
export type InputValues = Record<string, string | boolean>;

export interface Rule {
  if?: string;
  when?: string;
  variables?: Record<string, string>;
}
export interface Job {
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
  image?: string | { name: string; entrypoint?: string[] };
  inherit?: { default?: boolean | string[]; variables?: boolean | string[] };
  services?: (string | { name: string; alias?: string })[];
  needs?: (string | { job: string })[];
  release?: { tag_name: string; description: string; name?: string };
}
export interface Pipeline {
  workflow?: { rules?: Rule[] };
  default?: Job;
  variables?: Record<string, string>;
  stages?: string[];
  [key: string]: unknown;
}

const SEPARATOR = /^---[ \t]*$/m;

/** A file with a `spec:` header: the header's text, the rest, and the declared inputs. */
export function splitSpec(
  raw: string,
  file: string,
): { header: string; body: string; inputs: Record<string, InputSpec> } {
  const separator = raw.match(SEPARATOR);
  if (!separator || separator.index === undefined) throw new Error(`${file} has no \`---\` after the spec header`);
  const header = raw.slice(0, separator.index);
  const body = raw.slice(separator.index + separator[0].length);
  return { header, body, inputs: (parse(header) as { spec: { inputs: Record<string, InputSpec> } }).spec.inputs };
}

export const INTERPOLATION = /\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g;

/** The inputs a pipeline gets: the defaults, overridden by `given`, validated like GitLab does. */
export function inputValues(declared: Record<string, InputSpec>, given: Partial<InputValues> = {}): InputValues {
  const values: InputValues = {};
  for (const name of Object.keys(given)) if (!(name in declared)) throw new Error(`unknown input "${name}"`);
  for (const [name, spec] of Object.entries(declared)) {
    const value = name in given ? given[name] : spec.default;
    if (value === undefined || value === null) throw new Error(`input "${name}" has no value and no default`);
    if (spec.type === 'boolean' ? typeof value !== 'boolean' : typeof value !== 'string')
      throw new Error(`input "${name}": wrong type`);
    const checked = value as string | boolean;
    if (spec.options && !spec.options.includes(checked))
      throw new Error(`input "${name}": "${checked}" is not an option`);
    if (spec.regex && !new RegExp(spec.regex).test(String(checked)))
      throw new Error(`input "${name}": "${checked}" does not match ${spec.regex}`);
    values[name] = checked;
  }
  return values;
}

/** Interpolates `$[[ inputs.x ]]` in the text (right where each use sits inside a larger string). */
export function interpolate(text: string, values: InputValues): string {
  return text.replace(INTERPOLATION, (_match, name: string) => {
    if (!(name in values)) throw new Error(`$[[ inputs.${name} ]] names no declared input`);
    return String(values[name]);
  });
}

/**
 * Interpolation as GitLab does it, after the YAML is read: in every key and string value; a string
 * that is one `$[[ inputs.x ]]` and nothing else takes the input's value with its type.
 */
export function interpolateTree(value: unknown, values: InputValues): unknown {
  if (Array.isArray(value)) return value.map((item) => interpolateTree(item, values));
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [interpolate(key, values), interpolateTree(item, values)]),
    );
  if (typeof value !== 'string') return value;
  const whole = /^\$\[\[\s*inputs\.([\w-]+)\s*\]\]$/.exec(value);
  if (whole) {
    if (!(whole[1] in values)) throw new Error(`$[[ inputs.${whole[1]} ]] names no declared input`);
    return values[whole[1]];
  }
  return interpolate(value, values);
}

export const RESERVED = new Set([
  'default',
  'workflow',
  'variables',
  'stages',
  'include',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GitLab's `extends`: a deep merge of hashes; arrays and scalars are replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isPlainObject(merged[key]) && isPlainObject(value) ? deepMerge(merged[key], value) : value;
  }
  return merged;
}

export function resolveJob(pipeline: Pipeline, name: string, depth = 0): Job {
  if (depth > 10) throw new Error(`extends too deep at ${name}`);
  const own = pipeline[name];
  if (!isPlainObject(own)) throw new Error(`no job or template "${name}"`);
  const parents = own.extends === undefined ? [] : ([] as string[]).concat(own.extends as string | string[]);
  let merged: Record<string, unknown> = {};
  for (const parent of parents)
    merged = deepMerge(merged, resolveJob(pipeline, parent, depth + 1) as Record<string, unknown>);
  const rest = { ...own };
  delete rest.extends;
  return deepMerge(merged, rest);
}

/** The lines a job runs: its before_script (or the default's, unless `inherit:default` opts out), then its script. */
export function scriptLines(job: Job, pipeline: Pipeline): string[] {
  const inherited = job.inherit?.default;
  const inheritsBeforeScript =
    inherited === undefined || inherited === true || (Array.isArray(inherited) && inherited.includes('before_script'));
  return [
    ...(job.before_script ?? (inheritsBeforeScript ? (pipeline.default?.before_script ?? []) : [])),
    ...(job.script ?? []),
  ];
}

export function jobsOf(pipeline: Pipeline): Map<string, Job> {
  const jobs = new Map<string, Job>();
  for (const name of Object.keys(pipeline)) {
    if (RESERVED.has(name) || name.startsWith('.')) continue;
    jobs.set(name, resolveJob(pipeline, name));
  }
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// Component includes

export interface ComponentInclude {
  component?: string;
  inputs?: Record<string, unknown>;
  rules?: Rule[];
}

/** A component's jobs for the given include inputs (defaults for the rest), interpolated as GitLab does. */
export function componentJobs(raw: string, file: string, given: Record<string, unknown> = {}): Pipeline {
  const { body, inputs } = splitSpec(raw, file);
  return interpolateTree(parse(body), inputValues(inputs, given as Partial<InputValues>)) as Pipeline;
}

/**
 * A pipeline with its `include: component` entries merged in, as GitLab merges an include: an
 * entry whose `include:rules` do not hold for the pipeline's variables is left out (no rules: always
 * in), and the including file wins over what the components bring. `load` gives an entry's jobs.
 */
export function withComponents(body: Pipeline, vars: Vars, load: (entry: ComponentInclude) => Pipeline): Pipeline {
  const includes = ([] as ComponentInclude[]).concat((body.include as ComponentInclude | ComponentInclude[]) ?? []);
  let merged: Record<string, unknown> = {};
  for (const entry of includes) {
    if (!entry.component) throw new Error('only component includes are expected');
    if (entry.rules && !decide(entry.rules, vars).included) continue;
    merged = deepMerge(merged, load(entry));
  }
  const local: Record<string, unknown> = { ...body };
  delete local.include;
  return deepMerge(merged, local);
}

export interface Instance {
  name: string;
  job: Job;
  matrix: Record<string, string>;
}

/** `parallel: matrix` expanded into the jobs GitLab creates, named like `open: [pagerduty]`. */
export function instancesOf(name: string, job: Job): Instance[] {
  if (!job.parallel) return [{ name, job, matrix: {} }];
  const instances: Instance[] = [];
  for (const entry of job.parallel.matrix) {
    let combos: Record<string, string>[] = [{}];
    for (const [key, value] of Object.entries(entry)) {
      const values = ([] as string[]).concat(value);
      combos = combos.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
    }
    for (const combo of combos)
      instances.push({ name: `${name}: [${Object.values(combo).join(', ')}]`, job, matrix: combo });
  }
  return instances;
}
// ---------------------------------------------------------------------------------------------
// CI/CD variable expressions (rules:if)

export type Vars = Record<string, string | undefined>;
export type Token =
  | { kind: 'var'; name: string }
  | { kind: 'str'; value: string }
  | { kind: 're'; value: RegExp }
  | { kind: 'null' }
  | { kind: 'op'; value: string };

export function tokenize(expression: string): Token[] {
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

export type Operand = string | null | RegExp | boolean;

export function evaluate(expression: string, vars: Vars): boolean {
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
      if (left instanceof RegExp || right instanceof RegExp || typeof left === 'boolean' || typeof right === 'boolean')
        throw new Error(`rules:if: bad comparison in: ${expression}`);
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

/**
 * A job's variables as its script sees them: GitLab expands `$NAME` and `${NAME}` in a variable's
 * value with the pipeline's variables (one level is all the files use; unknown names expand empty).
 */
export function expandVariables(vars: Vars, from: Vars): Vars {
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [
      name,
      value?.replace(
        /\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g,
        (_match, braced?: string, plain?: string) => from[braced ?? plain ?? ''] ?? '',
      ),
    ]),
  );
}

/** GitLab's `rules`: the first rule whose `if` holds (or that has none) decides. */
export function decide(
  rules: Rule[] | undefined,
  vars: Vars,
): { included: boolean; variables: Record<string, string> } {
  if (!rules) return { included: true, variables: {} };
  for (const rule of rules) {
    for (const key of Object.keys(rule))
      if (!['if', 'when', 'variables'].includes(key)) throw new Error(`rules: unexpected key ${key}`);
    if (rule.if === undefined && rule.when === undefined) throw new Error('rules: every rule needs `if` or `when`');
    if (rule.when !== undefined && !['on_success', 'always', 'never', 'manual'].includes(rule.when))
      throw new Error(`rules: when: ${rule.when}`);
    if (rule.if !== undefined && !evaluate(rule.if, vars)) continue;
    if (rule.when === 'never') return { included: false, variables: {} };
    return { included: true, variables: rule.variables ?? {} };
  }
  return { included: false, variables: {} };
}

// ---------------------------------------------------------------------------------------------
// Shell lines: the few constructs the file uses ($VAR, "…", ${VAR:+…}, > file, &&)

/** Splits a script line into commands at `&&`, `||`, `;` and `|` outside quotes and braces. */
export function commandsOf(line: string): string[] {
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

export interface Words {
  words: string[];
  redirects: string[];
}

/** Word expansion and field splitting, as sh would do them, for the constructs above. */
export function expandWords(text: string, vars: Vars): Words {
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
export interface CliCall {
  /** The call's arguments, less `--report <file>` (kept in `report`, checked on its own). */
  argv: string[];
  report?: string;
  redirects: string[];
  line: string;
}

export function cliCall(args: string[], redirects: string[], line: string): CliCall {
  const at = args.indexOf('--report');
  if (at < 0) return { argv: args, redirects, line };
  return { argv: [...args.slice(0, at), ...args.slice(at + 2)], report: args[at + 1], redirects, line };
}

/**
 * The audit-bot calls in a script line, expanded with the job's variables. `launchers` are the
 * words that start a call (like `node dist/cli.js`); any other mention of the CLI throws.
 */
export function cliCallsOf(line: string, vars: Vars, launchers: string[][]): CliCall[] {
  const calls: CliCall[] = [];
  for (const command of commandsOf(line)) {
    const { words, redirects } = expandWords(command, vars);
    const launcher = launchers.find((candidate) => candidate.every((word, index) => words[index] === word));
    if (launcher) calls.push(cliCall(words.slice(launcher.length), redirects, line));
    else if (words.some((word) => word.includes('cli.js') || word.includes('audit-bot')))
      throw new Error(`unrecognised audit-bot call: ${command}`);
  }
  return calls;
}

export const writes = (call: CliCall) =>
  (call.argv[0] === 'open' || call.argv[0] === 'followup') && !call.argv.includes('--dry-run');

/** Checks a call against the CLI's own parser and the values it accepts. */
export function checkCall(call: CliCall, where: string): void {
  const [command, ...args] = call.argv;
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(command, call.report === undefined ? args : [...args, '--report', call.report]);
  } catch (error) {
    throw new Error(
      `${where}: \`${call.line}\` expands to \`audit-bot ${call.argv.join(' ')}\`: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const problem = (message: string) => new Error(`${where}: audit-bot ${call.argv.join(' ')}: ${message}`);
  if (
    options.platform !== undefined &&
    !isPlatformId(options.platform) &&
    !(options.platform === 'all' && command !== 'check')
  )
    throw problem(`--platform ${options.platform}`);
  if ((command === 'open' || command === 'check') && options.platform === undefined)
    throw problem('--platform is required');
  if (options.quarter !== undefined && !isQuarter(options.quarter)) throw problem(`--quarter ${options.quarter}`);
  if (options.format !== undefined && !['json', 'markdown'].includes(options.format))
    throw problem(`--format ${options.format}`);
}

// ---------------------------------------------------------------------------------------------
// GitLab's CI JSON schema (app/assets/javascripts/editor/schema/ci.json), offline

/**
 * GitLab's own schema for CI/CD configuration files, as the devDependency gitlab-ci-local (pinned)
 * ships it: bundled into its dist/index.js as one object literal, which is read out of the bundle
 * by its `$id` and evaluated alone, in an empty context. Returns a validator that lists the
 * schema's complaints about one YAML document (empty: valid).
 */
export function gitlabCiSchema(): (document: unknown) => string[] {
  const bundle = fs.readFileSync(createRequire(import.meta.url).resolve('gitlab-ci-local'), 'utf8');
  const id = bundle.indexOf('$id:"https://gitlab.com/.gitlab-ci.yml"');
  const start = bundle.lastIndexOf('{$schema:', id);
  if (id < 0 || start < 0 || id - start > 200)
    throw new Error('gitlab-ci-local: the CI schema is not where it was; pin the version this test was written for');
  let depth = 0;
  let quote: string | null = null;
  let end = start;
  for (; end < bundle.length; end += 1) {
    const ch = bundle[end];
    if (quote) {
      if (ch === '\\') end += 1;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '{') depth += 1;
    else if (ch === '}' && --depth === 0) break;
  }
  const schema = vm.runInNewContext(`(${bundle.slice(start, end + 1)})`, {}, { timeout: 5000 }) as Record<
    string,
    unknown
  >;
  if (schema.$schema !== 'http://json-schema.org/draft-07/schema#' || !schema.definitions)
    throw new Error('gitlab-ci-local: not the CI schema');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  return (document) =>
    validate(document)
      ? []
      : (validate.errors ?? []).map(
          (error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
        );
}
