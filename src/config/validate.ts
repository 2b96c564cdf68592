import { isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import { ConfigError } from './errors.js';
import {
  type Path,
  type PathSegment,
  type YamlSource,
  formatProblem,
  isEmptyScalar,
  keyText,
  lineOfNode,
  resolveNode,
} from './yaml-source.js';

/** A value found at a path of a YAML document, with the lines to report against. */
export interface At {
  /** The value's node (aliases resolved); a null scalar when the key is written with no value. */
  node: YamlNode | null;
  path: PathSegment[];
  /** Line of the value (of its key when the value is empty). */
  line: number;
  /** Line to report missing children against: the key's line for a mapping value, else the value's. */
  ownerLine: number;
}

interface Problem {
  line: number;
  order: number;
  text: string;
}

/**
 * Walks a YAML document and collects every problem (never stopping at the first), then throws
 * them all at once as a ConfigError, sorted by line.
 */
export class Checker {
  private readonly problems: Problem[] = [];

  constructor(readonly source: YamlSource) {}

  get file(): string {
    return this.source.file;
  }

  get count(): number {
    return this.problems.length;
  }

  root(): At {
    const node = resolveNode(this.source, this.source.doc.contents);
    const line = node ? lineOfNode(this.source, node) : 1;
    return { node, path: [], line, ownerLine: line };
  }

  report(line: number, path: Path, message: string): void {
    this.problems.push({ line, order: this.problems.length, text: formatProblem(this.file, line, path, message) });
  }

  /** Reports a problem with the value at `at`. */
  fail(at: At, message: string): void {
    this.report(at.line, at.path, message);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const sorted = [...this.problems].sort((a, b) => a.line - b.line || a.order - b.order);
    throw new ConfigError(sorted.map((problem) => problem.text));
  }

  /** The text of the node as written, for messages: `"abc"`, `12`, `true`, `a mapping`, `a list`. */
  describe(node: YamlNode | null): string {
    if (node === null || isEmptyScalar(node)) return 'nothing';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      if (typeof node.value === 'string') return quote(node.value);
      const range = node.range;
      if (range) return this.source.text.slice(range[0], range[1]).trim();
      return String(node.value);
    }
    return 'an unsupported value';
  }

  /**
   * Expects a mapping with only `keys`. Unknown keys are reported (with a suggestion for near
   * misses); the returned view reads the known ones. Returns undefined (after reporting) otherwise.
   */
  mapping(at: At, keys: readonly string[], what?: string, noun = 'key'): Fields | undefined {
    if (!isMap(at.node)) {
      this.fail(at, `must be a mapping${what ? ` (${what})` : ''}, got ${this.describe(at.node)}`);
      return undefined;
    }
    const map = at.node as YAMLMap;
    const fields = new Fields(this, at);
    for (const pair of map.items) {
      const key = keyText(pair.key);
      const keyNode = resolveNode(this.source, pair.key);
      const keyLine = keyNode ? lineOfNode(this.source, keyNode) : at.line;
      if (!keys.includes(key)) {
        this.report(keyLine, [...at.path, key], unknownKeyMessage(key, keys, noun));
        continue;
      }
      const value = resolveNode(this.source, pair.value);
      const line = value && !isEmptyScalar(value) ? lineOfNode(this.source, value) : keyLine;
      fields.set(key, { node: value, path: [...at.path, key], line, ownerLine: keyLine });
    }
    return fields;
  }

  /** Expects a list; returns its items. */
  list(at: At, what?: string): At[] | undefined {
    if (!isSeq(at.node)) {
      this.fail(at, `must be a list${what ? ` of ${what}` : ''}, got ${this.describe(at.node)}`);
      return undefined;
    }
    return (at.node as YAMLSeq).items.map((item, index) => {
      const node = resolveNode(this.source, item);
      const line = node && !isEmptyScalar(node) ? lineOfNode(this.source, node) : at.line;
      return { node, path: [...at.path, index], line, ownerLine: line };
    });
  }

  /** A string with something other than white space in it. */
  string(at: At, what = 'a non-empty string'): string | undefined {
    const value = isScalar(at.node) ? at.node.value : undefined;
    if (typeof value !== 'string') {
      this.fail(at, `must be ${what}, got ${this.describe(at.node)}`);
      return undefined;
    }
    if (value.trim() === '') {
      this.fail(at, 'must not be empty');
      return undefined;
    }
    return value.trim();
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
  stringList(
    at: At,
    item: (itemAt: At) => string | undefined = (itemAt) => this.string(itemAt),
    what = 'strings',
  ): string[] | undefined {
    const items = this.list(at, what);
    if (!items) return undefined;
    const values: string[] = [];
    let ok = true;
    for (const itemAt of items) {
      const value = item(itemAt);
      if (value === undefined) ok = false;
      else values.push(value);
    }
    return ok ? values : undefined;
  }

  /** `stringList` where no two items may be the same (compared by `key`, default case-insensitive); a repeat names the first line. */
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
        if (first) this.fail(itemAt, `duplicate ${quote(value)}, also at line ${first.line}`);
        else seen.set(key(value), itemAt);
        return value;
      },
      what,
    );
  }

  boolean(at: At): boolean | undefined {
    const value = isScalar(at.node) ? at.node.value : undefined;
    if (typeof value !== 'boolean') {
      this.fail(at, `must be true or false, got ${this.describe(at.node)}`);
      return undefined;
    }
    return value;
  }

  positiveInteger(at: At): number | undefined {
    const value = isScalar(at.node) ? at.node.value : undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    const hint = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? ' (write it without quotes)' : '';
    this.fail(at, `must be a positive integer, got ${this.describe(at.node)}${hint}`);
    return undefined;
  }

  oneOf<T extends string>(at: At, options: readonly T[]): T | undefined {
    const value = isScalar(at.node) ? at.node.value : undefined;
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    const near = typeof value === 'string' ? suggest(value, options) : undefined;
    this.fail(
      at,
      `must be one of ${options.join(', ')}, got ${this.describe(at.node)}${near ? ` (did you mean ${quote(near)}?)` : ''}`,
    );
    return undefined;
  }
}

/** The known keys of a mapping being checked. */
export class Fields {
  private readonly values = new Map<string, At>();

  constructor(
    private readonly checker: Checker,
    readonly at: At,
  ) {}

  set(key: string, at: At): void {
    this.values.set(key, at);
  }

  /** The value at `key`, or undefined when the key is absent or has no value (`key:`, `~`, `null`). */
  get(key: string): At | undefined {
    const at = this.values.get(key);
    if (!at || at.node === null || isEmptyScalar(at.node)) return undefined;
    return at;
  }

  /** Like get, but reports `required` (against the mapping's line, or the empty key's line). */
  require(key: string): At | undefined {
    const at = this.get(key);
    if (at) return at;
    const written = this.values.get(key);
    this.checker.report(written ? written.line : this.at.ownerLine, [...this.at.path, key], 'required');
    return undefined;
  }
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
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
