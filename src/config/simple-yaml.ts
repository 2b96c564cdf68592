import { LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';

/*
 * Light nodes: yaml tells its node kinds apart (isScalar, isMap, ...) by a tag under a symbol,
 * which its classes set on every instance. These carry the same tag on their prototype and only
 * what the checks read (value, type, range; items; key and value), for a fraction of the cost of
 * the classes. Should yaml ever tag nodes otherwise, the checks see no mapping and report a
 * problem, and the caller reads the file with the full parser instead: slower, never wrong.
 */
function tagOf(node: object): [symbol, unknown] {
  const [symbol] = Object.getOwnPropertySymbols(node);
  return [symbol!, (node as Record<symbol, unknown>)[symbol!]];
}
const [NODE_TYPE, SCALAR] = tagOf(new Scalar(null));
const MAP = tagOf(new YAMLMap())[1];
const SEQ = tagOf(new YAMLSeq())[1];
const PAIR = tagOf(new Pair(null))[1];

type Range = [number, number, number];

class LightScalar {
  constructor(
    readonly value: unknown,
    readonly type: Scalar.Type,
    readonly range: Range,
  ) {}
}
class LightPair {
  constructor(
    readonly key: LightScalar,
    readonly value: LightNode,
  ) {}
}
class LightMap {
  readonly items: LightPair[] = [];
  range: Range = [0, 0, 0];
  constructor(readonly flow: boolean) {}
}
class LightSeq {
  readonly items: LightNode[] = [];
  range: Range = [0, 0, 0];
  constructor(readonly flow: boolean) {}
}
type LightNode = LightScalar | LightMap | LightSeq;
for (const [kind, tag] of [
  [LightScalar, SCALAR],
  [LightPair, PAIR],
  [LightMap, MAP],
  [LightSeq, SEQ],
] as const) {
  Object.defineProperty(kind.prototype, NODE_TYPE, { value: tag });
}

/**
 * A fast reader for the plain style a large YAML list of mappings (the roster) is written in, so
 * a 50,000-person roster loads in a fraction of a second and holds one entry's nodes at a time,
 * where the full parser takes seconds and over a gigabyte. It builds nodes with what the full
 * parser's would hold for the checks (kind, value, type, range), so the same checks run on them.
 *
 * It reads only a strict subset, line by line, and throws NotSimpleYaml on anything else, for
 * the caller to use the full parser instead: a top-level block sequence of block mappings;
 * `key: value` with identifier keys; nested block mappings and block sequences of scalars;
 * single-line flow mappings and sequences (`{ id: 1, groups: [A, B] }`); plain scalars of
 * letters, digits, spaces and `_ . - + @ ' ( ) /` that are strings, decimal integers or null;
 * quoted scalars without escapes or line breaks; comments and blank lines. No tabs (outside
 * comments), carriage returns or other control characters, anchors, aliases, tags, directives, document markers, block scalars, multi-line
 * values, duplicate keys, or plain scalars YAML would read as booleans, floats or other numbers.
 */
export class NotSimpleYaml extends Error {
  constructor(offset: number, why: string) {
    super(`not in the simple YAML subset at offset ${offset}: ${why}`);
    this.name = 'NotSimpleYaml';
  }
}

/** Lines as the full parser counts them (a new line after every `\n`), for `file:line` messages. */
export function lineCounterOf(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  return counter;
}

const KEY = /[A-Za-z_][A-Za-z0-9_-]*/y;
const TYPED_KEY = /^(true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
/** Plain scalars: a letter, digit or `_` first; then letters, marks, digits, spaces and a few safe signs. */
const PLAIN = /[\p{L}\p{N}_][\p{L}\p{M}\p{N} _.\-+@'()/]*/uy;
const NULLS = new Set(['~', 'null', 'Null', 'NULL']);
/** What the YAML 1.2 core schema reads as something other than a string, a decimal integer or null. */
const OTHER_TYPES = /^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN|true|True|TRUE|false|False|FALSE)$/;

interface Line {
  /** Offset of the line's first character and of its end (the `\n` or the end of the text). */
  start: number;
  end: number;
  /** Spaces before the first other character. */
  indent: number;
}

/**
 * The items of the top-level sequence, one at a time. Each is a YAMLMap with the full parser's
 * ranges (offsets into `text`). Throws NotSimpleYaml as soon as the text leaves the subset;
 * items already yielded were read correctly.
 */
export function* simpleSequenceOfMaps(text: string): Generator<YamlNode> {
  // Control characters (but tabs, which only comments may hold here, and line feeds).
  const control = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(text);
  if (control) throw new NotSimpleYaml(control.index, 'a control character');
  const reader = new Reader(text);
  let line = reader.significant();
  if (!line) throw new NotSimpleYaml(0, 'no list item');
  const seqIndent = line.indent;
  while (line) {
    if (line.indent !== seqIndent || !reader.startsItem(line)) throw new NotSimpleYaml(line.start, 'expected a list item');
    const at = line.start + seqIndent + 1;
    const first = reader.skipSpaces(at, line.end);
    if (first === at || first >= line.end || text[first] === '#') throw new NotSimpleYaml(at, 'a list item must hold a mapping on its first line');
    yield reader.blockMap(line, first - line.start) as unknown as YamlNode;
    line = reader.current;
  }
}

class Reader {
  /** The next significant line after the last one consumed, or undefined at the end. */
  current: Line | undefined;
  private next = 0;

  private readonly keys = new Map<string, string>();

  constructor(private readonly text: string) {}

  /**
   * A copy of a piece of the text that does not point into it: V8 keeps the whole text alive for
   * as long as any slice of it lives, and the roster's values live for the whole run.
   */
  own(value: string): string {
    return ` ${value}`.slice(1);
  }

  /** The one copy of a key (a few distinct ones, repeated in every entry). */
  key(value: string): string {
    let copy = this.keys.get(value);
    if (copy === undefined) this.keys.set(value, (copy = this.own(value)));
    return copy;
  }

  /** Advances to the next line that is neither blank nor a comment. */
  significant(): Line | undefined {
    const text = this.text;
    while (this.next <= text.length) {
      const start = this.next;
      if (start === text.length) {
        this.next += 1;
        break;
      }
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      this.next = end + 1;
      let first = start;
      while (first < end && text.charCodeAt(first) === 32) first++;
      if (first === end || text[first] === '#') continue;
      this.current = { start, end, indent: first - start };
      return this.current;
    }
    this.current = undefined;
    return undefined;
  }

  /** A sticky regex's match at `at`, within the line (which ends at `end`). */
  private match(pattern: RegExp, at: number, end: number): RegExpExecArray | null {
    pattern.lastIndex = at;
    const match = pattern.exec(this.text);
    if (match && at + match[0].length > end) {
      // Never across the line's end (a value never continues on the next line here).
      const cut = match[0].slice(0, end - at);
      return cut === '' ? null : (Object.assign([cut], { index: at, input: this.text }) as unknown as RegExpExecArray);
    }
    return match;
  }

  startsItem(line: Line): boolean {
    const dash = line.start + line.indent;
    return this.text[dash] === '-' && (dash + 1 === line.end || this.text[dash + 1] === ' ');
  }

  skipSpaces(from: number, end: number): number {
    while (from < end && this.text.charCodeAt(from) === 32) from++;
    return from;
  }

  /**
   * A block mapping whose keys sit at column `indent`; its first key is on `line` at that column
   * (after a `- ` for a list item). Leaves `current` on the first line after the mapping.
   */
  blockMap(line: Line, indent: number): LightMap {
    const map = new LightMap(false);
    const keys = new Set<string>();
    let first = true;
    let current: Line | undefined = line;
    let end = line.start + indent;
    while (current) {
      if (!first && (current.indent !== indent || this.startsItem(current))) break;
      first = false;
      const keyStart: number = current.start + indent;
      const keyMatch = this.match(KEY, keyStart, current.end);
      if (!keyMatch || TYPED_KEY.test(keyMatch[0])) throw new NotSimpleYaml(keyStart, 'expected a key');
      const name = this.key(keyMatch[0]);
      const colon = keyStart + name.length;
      if (this.text[colon] !== ':' || (colon + 1 < current.end && this.text[colon + 1] !== ' ')) throw new NotSimpleYaml(colon, 'expected `: ` after a key');
      if (keys.has(name)) throw new NotSimpleYaml(keyStart, 'duplicate key');
      keys.add(name);
      const key = scalar(name, 'PLAIN', keyStart, colon);
      const valueStart = this.skipSpaces(colon + 1, current.end);
      let value: LightNode;
      if (valueStart >= current.end || this.text[valueStart] === '#') {
        if (valueStart < current.end && this.text[valueStart - 1] !== ' ') throw new NotSimpleYaml(valueStart, 'comment');
        // `key:` with the value on the next lines, or nothing.
        const keyLine: Line = current;
        current = this.significant();
        if (current && current.indent > indent && !this.startsItem(current)) {
          value = this.blockMap(current, current.indent);
          current = this.current;
        } else if (current && current.indent >= indent && this.startsItem(current)) {
          value = this.blockSeqOfScalars(current.indent);
          current = this.current;
        } else {
          value = scalar(null, 'PLAIN', valueStart, valueStart);
          end = keyLine.end;
        }
      } else {
        const parsed = this.inlineValue(valueStart, current.end, false);
        value = parsed.node;
        this.lineEnd(parsed.next, current.end);
        end = parsed.next;
        current = this.significant();
      }
      map.items.push(new LightPair(key, value));
      if (value.range[2] > end) end = value.range[2];
    }
    if (current && current.indent > indent) throw new NotSimpleYaml(current.start, 'unexpected indentation');
    map.range = [line.start + indent, end, end];
    return map;
  }

  /** A block sequence of scalars with its dashes at column `indent`, starting at `current`. */
  private blockSeqOfScalars(indent: number): LightSeq {
    const seq = new LightSeq(false);
    let current = this.current!;
    const start = current.start + indent;
    let end = start;
    while (current && current.indent === indent && this.startsItem(current)) {
      const at = this.skipSpaces(current.start + indent + 1, current.end);
      if (at >= current.end || this.text[at] === '#' || '[{'.includes(this.text[at]!)) throw new NotSimpleYaml(at, 'only scalars in a block list');
      const parsed = this.inlineValue(at, current.end, false);
      this.lineEnd(parsed.next, current.end);
      seq.items.push(parsed.node);
      end = parsed.next;
      current = this.significant()!;
    }
    seq.range = [start, end, end];
    return seq;
  }

  /** Only spaces and a comment may follow a value on its line. */
  private lineEnd(from: number, end: number): void {
    const at = this.skipSpaces(from, end);
    if (at < end && !(this.text[at] === '#' && at > from)) throw new NotSimpleYaml(at, 'unexpected text after a value');
  }

  private inlineValue(at: number, end: number, flow: boolean): { node: LightNode; next: number } {
    const text = this.text;
    const char = text[at];
    if (char === '"') {
      const close = text.indexOf('"', at + 1);
      if (close === -1 || close >= end) throw new NotSimpleYaml(at, 'unterminated quote');
      const quoted = text.slice(at + 1, close);
      if (quoted.includes('\\')) throw new NotSimpleYaml(at, 'an escape in a quote');
      return { node: scalar(this.own(quoted), 'QUOTE_DOUBLE', at, close + 1), next: close + 1 };
    }
    if (char === "'") {
      let i = at + 1;
      for (;;) {
        const close = text.indexOf("'", i);
        if (close === -1 || close >= end) throw new NotSimpleYaml(at, 'unterminated quote');
        if (text[close + 1] === "'") {
          i = close + 2;
          continue;
        }
        return { node: scalar(this.own(text.slice(at + 1, close).replace(/''/g, "'")), 'QUOTE_SINGLE', at, close + 1), next: close + 1 };
      }
    }
    if (char === '{') return this.flowMap(at, end);
    if (char === '[') return this.flowSeq(at, end);
    const match = this.match(PLAIN, at, end);
    if (!match) throw new NotSimpleYaml(at, 'not a simple scalar');
    const source = match[0].replace(/ +$/, '');
    const stop = at + match[0].length;
    // A plain scalar ends at the line's end, a comment, or (in a flow) `,` `]` `}`.
    if (stop < end) {
      const next = text[stop]!;
      const ok = flow ? ',]}'.includes(next) || (next === '#' && stop > at + source.length) : next === '#' && stop > at + source.length;
      if (!ok) throw new NotSimpleYaml(stop, 'unexpected character in a plain scalar');
    }
    const valueEnd = at + source.length;
    if (NULLS.has(source)) return { node: scalar(null, 'PLAIN', at, valueEnd), next: valueEnd };
    if (/^[0-9]+$/.test(source)) return { node: scalar(Number(source), 'PLAIN', at, valueEnd), next: valueEnd };
    if (OTHER_TYPES.test(source)) throw new NotSimpleYaml(at, 'a scalar of another type');
    return { node: scalar(this.own(source), 'PLAIN', at, valueEnd), next: valueEnd };
  }

  private flowMap(open: number, end: number): { node: LightNode; next: number } {
    const map = new LightMap(true);
    const keys = new Set<string>();
    let at = this.skipSpaces(open + 1, end);
    if (this.text[at] === '}') throw new NotSimpleYaml(at, 'empty flow mapping');
    for (;;) {
      const keyMatch = this.match(KEY, at, end);
      if (!keyMatch || TYPED_KEY.test(keyMatch[0])) throw new NotSimpleYaml(at, 'expected a key');
      const name = this.key(keyMatch[0]);
      const colon = at + name.length;
      if (this.text[colon] !== ':' || this.text[colon + 1] !== ' ') throw new NotSimpleYaml(colon, 'expected `: ` after a key');
      if (keys.has(name)) throw new NotSimpleYaml(at, 'duplicate key');
      keys.add(name);
      const key = scalar(name, 'PLAIN', at, colon);
      const valueAt = this.skipSpaces(colon + 1, end);
      if (valueAt >= end || ',}]#'.includes(this.text[valueAt]!)) throw new NotSimpleYaml(valueAt, 'a key without a value');
      const value = this.inlineValue(valueAt, end, true);
      map.items.push(new LightPair(key, value.node));
      at = this.skipSpaces(value.next, end);
      if (this.text[at] === ',') {
        at = this.skipSpaces(at + 1, end);
        if (this.text[at] === '}' || at >= end) throw new NotSimpleYaml(at, 'trailing comma');
        continue;
      }
      if (this.text[at] === '}') {
        map.range = [open, at + 1, at + 1];
        return { node: map, next: at + 1 };
      }
      throw new NotSimpleYaml(at, 'expected `,` or `}`');
    }
  }

  private flowSeq(open: number, end: number): { node: LightNode; next: number } {
    const seq = new LightSeq(true);
    let at = this.skipSpaces(open + 1, end);
    if (this.text[at] === ']') {
      seq.range = [open, at + 1, at + 1];
      return { node: seq, next: at + 1 };
    }
    for (;;) {
      if (at >= end || '[{,]#'.includes(this.text[at]!)) throw new NotSimpleYaml(at, 'only scalars in a flow list');
      const value = this.inlineValue(at, end, true);
      // `[a: b]` would be a mapping inside the list.
      if (this.text[value.next] === ':') throw new NotSimpleYaml(value.next, 'a pair in a flow list');
      seq.items.push(value.node);
      at = this.skipSpaces(value.next, end);
      if (this.text[at] === ',') {
        at = this.skipSpaces(at + 1, end);
        if (this.text[at] === ']' || at >= end) throw new NotSimpleYaml(at, 'trailing comma');
        continue;
      }
      if (this.text[at] === ']') {
        seq.range = [open, at + 1, at + 1];
        return { node: seq, next: at + 1 };
      }
      throw new NotSimpleYaml(at, 'expected `,` or `]`');
    }
  }
}

function scalar(value: unknown, type: Scalar.Type, start: number, end: number): LightScalar {
  return new LightScalar(value, type, [start, end, end]);
}
