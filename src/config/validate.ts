import { ConfigError } from './errors.js';
import { formatProblem, type Path, type PathSegment, type SourceMap } from './yaml-source.js';

/** A value being checked, and where it sits in its document: its parent and its key or index there. */
export interface At {
  readonly value: unknown;
  readonly parent?: At;
  readonly key?: PathSegment;
}

/** The keys and indexes that lead from the document's root to `at`. */
export function pathOf(at: At): PathSegment[] {
  const path: PathSegment[] = [];
  for (let place: At = at; place.parent; place = place.parent) path.push(place.key!);
  return path.reverse();
}

/** Reads where the values at `paths` were written; called once, when there are problems. */
type Locate = (paths: readonly Path[]) => SourceMap;

/** A problem's text, or how to write it from the source (a value as written, the line of another value). */
type Message = string | ((source: SourceMap) => string);

interface Problem {
  path: Path;
  /** Whether the problem is with the key at `path` (unknown keys) rather than its value. */
  onKey: boolean;
  message: Message;
}

/**
 * Checks the plain values of a document and collects every problem (never stopping at the first),
 * then throws them all at once as a ConfigError, sorted by line. Lines are looked up only then.
 */
export class Checker {
  private readonly problems: Problem[] = [];
  /** Paths that messages read besides their own (the first of two duplicates). */
  private readonly consulted: Path[] = [];

  constructor(
    readonly file: string,
    private readonly locate: Locate,
  ) {}

  root(value: unknown): At {
    return { value };
  }

  get hasProblems(): boolean {
    return this.problems.length > 0;
  }

  /** Reports a problem with the value at `at`; `consults` are the paths of other values `message` reads. */
  fail(at: At, message: Message, consults: readonly Path[] = []): void {
    this.problems.push({ path: pathOf(at), onKey: false, message });
    this.consulted.push(...consults);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const source = this.locate([...this.problems.map((problem) => problem.path), ...this.consulted]);
    const found = this.problems.map((problem, order) => {
      const line = problem.onKey ? source.keyLine(problem.path) : source.line(problem.path);
      const message = typeof problem.message === 'string' ? problem.message : problem.message(source);
      return { line, order, text: formatProblem(this.file, line, problem.path, message) };
    });
    found.sort((a, b) => a.line - b.line || a.order - b.order);
    throw new ConfigError(found.map((problem) => problem.text));
  }

  /**
   * Expects a mapping with only `keys`. Unknown keys are reported (with a suggestion for near
   * misses); the returned view reads the known ones. Returns undefined (after reporting) otherwise.
   */
  mapping(at: At, keys: readonly string[], what?: string, noun = 'key'): Fields | undefined {
    if (!isMapping(at.value)) {
      this.mustBe(at, `a mapping${what ? ` (${what})` : ''}`);
      return undefined;
    }
    for (const key of Object.keys(at.value)) {
      if (keys.includes(key)) continue;
      this.problems.push({
        path: [...pathOf(at), key],
        onKey: true,
        message: unknownKeyMessage(key, keys, noun),
      });
    }
    return new Fields(this, at, at.value);
  }

  /** Expects a list; returns its items. */
  list(at: At, what?: string): At[] | undefined {
    if (!Array.isArray(at.value)) {
      this.mustBe(at, `a list${what ? ` of ${what}` : ''}`);
      return undefined;
    }
    return at.value.map((value: unknown, index) => ({ value, parent: at, key: index }));
  }

  /** A string with something other than white space in it. */
  string(at: At, what = 'a non-empty string'): string | undefined {
    if (typeof at.value !== 'string') {
      this.mustBe(at, what);
      return undefined;
    }
    const value = at.value.trim();
    if (value === '') {
      this.fail(at, 'must not be empty');
      return undefined;
    }
    return ownCopy(value);
  }

  /** A string that passes `test`; `message(value)` explains a failure. */
  matching(
    at: At,
    test: (value: string) => boolean,
    message: (value: string) => string,
    what?: string,
  ): string | undefined {
    const value = this.string(at, what);
    if (value === undefined) return undefined;
    if (!test(value)) {
      this.fail(at, message(value));
      return undefined;
    }
    return value;
  }

  /** A list of strings, each checked by `item` (default: non-empty string). */
  stringList(at: At, item?: (itemAt: At) => string | undefined, what = 'strings'): string[] | undefined {
    const items = this.list(at, what);
    if (!items) return undefined;
    // Every item is checked (each problem is reported); map makes an array of the list's size.
    const values = items.map((itemAt) => (item ? item(itemAt) : this.string(itemAt)));
    return values.includes(undefined) ? undefined : (values as string[]);
  }

  /**
   * `stringList` where no two items may be the same (compared by `key`, default case-insensitive);
   * a repeat names the first one's line.
   */
  uniqueStringList(
    at: At,
    item: (itemAt: At) => string | undefined,
    what: string,
    key: (value: string) => string = (value) => value.toLowerCase(),
  ): string[] | undefined {
    const seen = new Map<string, At>();
    return this.stringList(
      at,
      (itemAt) => {
        const value = item(itemAt);
        if (value === undefined) return undefined;
        const first = seen.get(key(value));
        if (first) this.failDuplicate(itemAt, quote(value), pathOf(first));
        else seen.set(key(value), itemAt);
        return value;
      },
      what,
    );
  }

  /** Reports that `at` repeats the value at `first`: `duplicate <shown>, also at line <first's line><after>`. */
  failDuplicate(at: At, shown: string, first: Path, after = ''): void {
    this.fail(at, (source) => `duplicate ${shown}, also at line ${source.line(first)}${after}`, [first]);
  }

  boolean(at: At): boolean | undefined {
    if (typeof at.value === 'boolean') return at.value;
    this.mustBe(at, 'true or false');
    return undefined;
  }

  positiveInteger(at: At): number | undefined {
    const value = at.value;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    const hint = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? ' (write it without quotes)' : '';
    this.mustBe(at, 'a positive integer', hint);
    return undefined;
  }

  oneOf<T extends string>(at: At, options: readonly T[]): T | undefined {
    const value = at.value;
    // The option itself, not the value read: a roster's thousands of roles share one string each.
    const option = options.find((candidate) => candidate === value);
    if (option !== undefined) return option;
    const near = typeof value === 'string' ? suggest(value, options) : undefined;
    this.mustBe(at, `one of ${options.join(', ')}`, near ? ` (did you mean ${quote(near)}?)` : '');
    return undefined;
  }

  /** Reports `must be <what>, got <the value><hint>`. */
  mustBe(at: At, what: string, hint = ''): void {
    const shown = describe(at);
    this.fail(at, (source) => `must be ${what}, got ${shown(source)}${hint}`);
  }
}

/** The known keys of a mapping being checked. */
export class Fields {
  constructor(
    private readonly checker: Checker,
    readonly at: At,
    private readonly values: Readonly<Record<string, unknown>>,
  ) {}

  /** The value at `key`, or undefined when the key is absent or has no value (`key:`, `~`, `null`). */
  get(key: string): At | undefined {
    if (!Object.hasOwn(this.values, key)) return undefined;
    const value = this.values[key];
    return value === null || value === undefined ? undefined : { value, parent: this.at, key };
  }

  /** Like get, but reports `required` (against the mapping's line, or the empty key's line). */
  require(key: string): At | undefined {
    const at = this.get(key);
    if (!at) this.checker.fail({ value: undefined, parent: this.at, key }, 'required');
    return at;
  }
}

/** A mapping as the YAML readers give it: a plain object. */
function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How messages show the value at `at`: `"abc"`, `12` (as written), `true`, `a mapping`, `a list`, `nothing`. */
function describe(at: At): (source: SourceMap) => string {
  const value = at.value;
  if (value === null || value === undefined) return () => 'nothing';
  if (typeof value === 'string') return () => quote(value);
  if (Array.isArray(value)) return () => 'a list';
  if (isMapping(value)) return () => 'a mapping';
  const path = pathOf(at);
  const shown = typeof value === 'number' || typeof value === 'boolean' ? String(value) : 'an unsupported value';
  return (source) => source.written(path) ?? shown;
}

/**
 * `value` as a string of its own. js-yaml's strings are slices of the text it reads, and V8 keeps a
 * whole text in memory for as long as one slice of it lives (a 50,000-person roster's 16 MB, for the
 * whole run); it copies the shorter ones, under 13 characters, already.
 */
function ownCopy(value: string): string {
  return value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);
}

export function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}

function unknownKeyMessage(key: string, keys: readonly string[], noun: string): string {
  const near = suggest(key, keys);
  if (near) return `unknown ${noun} (did you mean ${quote(near)}?)`;
  return `unknown ${noun} (expected one of: ${keys.join(', ')})`;
}

/** The closest candidate when it is a plausible typo of `value`. */
export function suggest(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(value.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}
