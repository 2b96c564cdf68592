/** A value as the full parser's `toJS()` gives it, for the subset read here. */
export type PlainValue = string | number | null | PlainValue[] | PlainMap;
export interface PlainMap {
  [key: string]: PlainValue;
}

/** An item of the top-level list and the line it starts on (the full parser's line of its node). */
export interface SimpleItem {
  line: number;
  value: PlainMap;
}

/**
 * A fast reader for the plain style a large YAML list of mappings (the roster) is written in, so
 * a 50,000-person roster loads in a fraction of a second, where the full parser takes seconds and
 * over a gigabyte. It gives plain values (what the full parser's `toJS()` would give) and each
 * item's line, one item at a time. The values are new for each item, the caller's to keep or
 * change; strings may be slices of the text (copy what you keep).
 *
 * It reads only a strict subset, line by line, and throws NotSimpleYaml on anything else, for
 * the caller to use the full parser instead: a top-level block sequence of block mappings;
 * `key: value` with identifier keys; nested block mappings and block sequences of scalars;
 * single-line flow mappings and sequences (`{ id: 1, groups: [A, B] }`); plain scalars of
 * letters, digits, spaces and `_ . - + @ ' ( ) /` that are strings, decimal integers or null;
 * quoted scalars without escapes, tabs or line breaks; comments and blank lines. No tabs (outside
 * comments), carriage returns, other control characters, byte-order marks or Unicode line breaks,
 * anchors, aliases, tags, directives, document markers, block scalars, multi-line values,
 * duplicate keys, a `__proto__` key, or plain scalars YAML would read as booleans, floats or other numbers.
 */
export class NotSimpleYaml extends Error {
  constructor(offset: number, why: string) {
    super(`not in the simple YAML subset at offset ${offset}: ${why}`);
    this.name = 'NotSimpleYaml';
  }
}

/** Keys YAML reads as something other than a string, and the one a plain object cannot hold. */
const UNTAKEN_KEYS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '__proto__']);
/** Letters, marks and digits beyond ASCII, one code point at `lastIndex`. */
const WORD_BEYOND_ASCII = /[\p{L}\p{M}\p{N}]/uy;
const LETTER_OR_DIGIT_BEYOND_ASCII = /[\p{L}\p{N}]/uy;
/** What the YAML 1.2 core schema reads as something other than a string, a decimal integer or null. */
const OTHER_TYPES =
  /^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN|true|True|TRUE|false|False|FALSE)$/;
const NULLS = new Set(['null', 'Null', 'NULL']);
const DIGITS = /^[0-9]+$/;

const SPACE = 0x20;
const TAB = 0x09;
const DOUBLE_QUOTE = 0x22;
const HASH = 0x23;
const SINGLE_QUOTE = 0x27;
const COMMA = 0x2c;
const DASH = 0x2d;
const COLON = 0x3a;
const OPEN_SEQ = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_SEQ = 0x5d;
const OPEN_MAP = 0x7b;
const CLOSE_MAP = 0x7d;

/** ASCII character classes, as bits. */
const KEY_START = 1;
const KEY_PART = 2;
const PLAIN_START = 4;
const PLAIN_PART = 8;
/** The first characters of the plain scalars YAML may read as a null, a boolean or a number. */
const MAY_BE_TYPED = 16;
const ASCII = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  const alpha = /[A-Za-z_]/.test(char);
  const digit = /[0-9]/.test(char);
  ASCII[code] =
    (alpha ? KEY_START : 0) |
    (alpha || digit || char === '-' ? KEY_PART : 0) |
    (alpha || digit ? PLAIN_START : 0) |
    (alpha || digit || " .-+@'()/".includes(char) ? PLAIN_PART : 0) |
    (digit || 'nNtTfF'.includes(char) ? MAY_BE_TYPED : 0);
}

/**
 * Characters left to the full parser wherever they are: control characters but tab and line
 * feed, C1 controls, U+2028/9 and byte-order marks. Plain scalars and keys cannot hold them; quotes
 * and comments are checked.
 */
function isUnusual(code: number): boolean {
  return (
    (code < 0x20 && code !== TAB && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff
  );
}

/** What a plain scalar (its text from `at`) stands for: a string, a decimal integer or null; throws on other types. */
function plainValue(source: string, at: number): string | number | null {
  const first = source.charCodeAt(0);
  if (first >= 128 || (ASCII[first]! & MAY_BE_TYPED) === 0) return source;
  if (NULLS.has(source)) return null;
  if (DIGITS.test(source)) return Number(source);
  if (OTHER_TYPES.test(source)) throw new NotSimpleYaml(at, 'a scalar of another type');
  return source;
}

/*
 * The subset's scalars as regular expressions, for a reader that matches an item of a known shape
 * at once (roster-pattern.ts). What SCALAR matches, followed in a block by LINE_END, or in a flow
 * by spaces and `,` `]` or `}`, the reader reads as one scalar, whose value `scalarValue` gives.
 * They take a part of the subset: quotes without escapes, tabs or unusual characters (isUnusual),
 * and plain scalars not ending in a space (the reader drops trailing spaces) of the reader's
 * characters in ASCII, and beyond it only the letters of Latin-1 and Latin Extended-A and B, and
 * the combining marks after the first (\p classes would need the `u` flag, with which a pattern
 * this size takes far longer to compile).
 */
const UNUSUAL_OR_LINE_FEED = String.raw`\0-\x08\n-\x1f\x7f-\x9f\u2028\u2029\ufeff`;
const LATIN_LETTERS = String.raw`\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f`;
const PLAIN_PART_BUT_SPACE = String.raw`A-Za-z0-9_.\-+@'()\/${LATIN_LETTERS}\u0300-\u036f`;
export const SCALAR = [
  String.raw`"[^"\\\t${UNUSUAL_OR_LINE_FEED}]*"`,
  String.raw`'(?:[^'\t${UNUSUAL_OR_LINE_FEED}]|'')*'`,
  String.raw`[A-Za-z0-9_${LATIN_LETTERS}](?:[ ${PLAIN_PART_BUT_SPACE}]*[${PLAIN_PART_BUT_SPACE}])?`,
].join('|');
/** The end of a line after a value or a key's colon: spaces, or spaces and a comment (which may hold tabs). */
export const LINE_END = String.raw`(?: +#[^${UNUSUAL_OR_LINE_FEED}]*| *)(?:\n|$)`;

/** The value of a scalar SCALAR matched, as the reader reads it; throws NotSimpleYaml for types outside the subset. */
export function scalarValue(token: string): string | number | null {
  const first = token.charCodeAt(0);
  if (first === DOUBLE_QUOTE) return token.slice(1, -1);
  if (first === SINGLE_QUOTE) return token.slice(1, -1).replaceAll("''", "'");
  return plainValue(token, 0);
}

/**
 * The top-level sequence, item by item: `next` moves to an item's first line, `item` reads it.
 * A reader that knows the shape of the items (roster-pattern.ts) may read an item itself instead
 * and move `reader` past it; when it cannot, `item` reads the item.
 */
export class SimpleSequence {
  readonly reader: SimpleReader;
  /** The column of the current item's first key. */
  keyColumn = 0;
  private readonly indent: number;

  constructor(text: string) {
    this.reader = new SimpleReader(text);
    if (!this.reader.nextLine()) throw new NotSimpleYaml(0, 'no list item');
    this.indent = this.reader.indent;
  }

  /** Moves to the next item (false at the end); throws NotSimpleYaml when the next line is no item. */
  next(): boolean {
    const reader = this.reader;
    if (reader.atEnd) return false;
    if (reader.indent !== this.indent || !reader.startsItem())
      throw new NotSimpleYaml(reader.start, 'expected a list item');
    const at = reader.start + this.indent + 1;
    const first = reader.skipSpaces(at, reader.end);
    if (first === at || first >= reader.end || reader.text.charCodeAt(first) === HASH)
      throw new NotSimpleYaml(at, 'a list item must hold a mapping on its first line');
    this.keyColumn = first - reader.start;
    return true;
  }

  /** The current item, read as a generic mapping. */
  item(): SimpleItem {
    const line = this.reader.number;
    return { line, value: this.reader.blockMap(this.keyColumn) };
  }
}

/** Reads the subset line by line. */
export class SimpleReader {
  /** The current line (the last one `nextLine` found): where it starts and ends, its indentation and 1-based number. */
  start = 0;
  end = 0;
  indent = 0;
  number = 0;
  atEnd = false;
  /** Where the last inline value read ends. */
  private pos = 0;
  private nextStart = 0;
  private nextNumber = 1;
  /** The keys read so far, by the code of their first character (always ASCII). */
  private readonly keysByFirstChar: string[][] = [];
  /** Items of the list being read. Lists hold only scalars here, so they never nest and one buffer serves them all. */
  private readonly listItems: PlainValue[] = [];

  constructor(readonly text: string) {}

  /** Moves to the next line that is neither blank nor a comment; false (and `atEnd`) when there is none. */
  nextLine(): boolean {
    const text = this.text;
    while (this.nextStart <= text.length) {
      const start = this.nextStart;
      const number = this.nextNumber++;
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      this.nextStart = end + 1;
      const first = this.skipSpaces(start, end);
      if (first === end) continue;
      if (text.charCodeAt(first) === HASH) {
        this.checkComment(first, end);
        continue;
      }
      this.start = start;
      this.end = end;
      this.indent = first - start;
      this.number = number;
      return true;
    }
    this.atEnd = true;
    return false;
  }

  /** Moves to the first line from `start` on that is neither blank nor a comment, `start` being the start of line `number`. */
  moveTo(start: number, number: number): void {
    this.nextStart = start;
    this.nextNumber = number;
    this.atEnd = false;
    this.nextLine();
  }

  /** A comment may hold anything but the unusual characters. */
  private checkComment(at: number, end: number): void {
    for (let i = at; i < end; i++)
      if (isUnusual(this.text.charCodeAt(i))) throw new NotSimpleYaml(i, 'an unusual character');
  }

  startsItem(): boolean {
    const dash = this.start + this.indent;
    return this.text.charCodeAt(dash) === DASH && (dash + 1 === this.end || this.text.charCodeAt(dash + 1) === SPACE);
  }

  skipSpaces(from: number, end: number): number {
    while (from < end && this.text.charCodeAt(from) === SPACE) from++;
    return from;
  }

  /**
   * A block mapping whose keys sit at column `indent`, starting on the current line (after a `- `
   * for a list item). Leaves the reader on the first line after the mapping.
   */
  blockMap(indent: number): PlainMap {
    const text = this.text;
    const map: PlainMap = {};
    for (let first = true; !this.atEnd; first = false) {
      if (!first && (this.indent !== indent || this.startsItem())) break;
      const end = this.end;
      const keyStart = this.start + indent;
      const name = this.key(keyStart, end);
      const colon = keyStart + name.length;
      if (text.charCodeAt(colon) !== COLON || (colon + 1 < end && text.charCodeAt(colon + 1) !== SPACE))
        throw new NotSimpleYaml(colon, 'expected `: ` after a key');
      if (Object.hasOwn(map, name)) throw new NotSimpleYaml(keyStart, 'duplicate key');
      const valueStart = this.skipSpaces(colon + 1, end);
      if (valueStart < end && text.charCodeAt(valueStart) !== HASH) {
        map[name] = this.inlineValue(valueStart, end, false);
        this.lineEnd(this.pos, end);
        this.nextLine();
        continue;
      }
      // `key:` (perhaps with a comment) and its value on the next lines, or nothing.
      this.checkComment(valueStart, end);
      if (!this.nextLine()) map[name] = null;
      else if (this.indent > indent && !this.startsItem()) map[name] = this.blockMap(this.indent);
      else if (this.indent >= indent && this.startsItem()) map[name] = this.blockSeqOfScalars(this.indent);
      else map[name] = null;
    }
    if (!this.atEnd && this.indent > indent) throw new NotSimpleYaml(this.start, 'unexpected indentation');
    return map;
  }

  /** A block sequence of scalars with its dashes at column `indent`, starting on the current line. */
  private blockSeqOfScalars(indent: number): PlainValue[] {
    const text = this.text;
    let count = 0;
    while (!this.atEnd && this.indent === indent && this.startsItem()) {
      const end = this.end;
      const at = this.skipSpaces(this.start + indent + 1, end);
      const char = text.charCodeAt(at);
      if (at >= end || char === HASH || char === OPEN_SEQ || char === OPEN_MAP)
        throw new NotSimpleYaml(at, 'only scalars in a block list');
      this.listItems[count++] = this.inlineValue(at, end, false);
      this.lineEnd(this.pos, end);
      this.nextLine();
    }
    return this.listItems.slice(0, count);
  }

  /** The key starting at `at`: one shared copy of each distinct key, found without slicing the text. */
  private key(at: number, end: number): string {
    const text = this.text;
    const first = text.charCodeAt(at);
    for (const known of this.keysByFirstChar[first] ?? []) {
      const after = at + known.length;
      if (
        after <= end &&
        text.startsWith(known, at) &&
        !(after < end && (ASCII[text.charCodeAt(after)]! & KEY_PART) !== 0)
      )
        return known;
    }
    let stop = at;
    if (at < end && (ASCII[first]! & KEY_START) !== 0) {
      stop++;
      while (stop < end && (ASCII[text.charCodeAt(stop)]! & KEY_PART) !== 0) stop++;
    }
    const name = text.slice(at, stop);
    if (name === '' || UNTAKEN_KEYS.has(name)) throw new NotSimpleYaml(at, 'expected a key');
    (this.keysByFirstChar[first] ??= []).push(name);
    return name;
  }

  /** Only spaces and a comment may follow a value on its line. */
  private lineEnd(from: number, end: number): void {
    const at = this.skipSpaces(from, end);
    if (at < end && !(this.text.charCodeAt(at) === HASH && at > from))
      throw new NotSimpleYaml(at, 'unexpected text after a value');
    this.checkComment(at, end);
  }

  /** The scalar, flow mapping or flow sequence at `at`; sets `pos` to where it ends. */
  private inlineValue(at: number, end: number, flow: boolean): PlainValue {
    switch (this.text.charCodeAt(at)) {
      case DOUBLE_QUOTE:
        return this.doubleQuoted(at, end);
      case SINGLE_QUOTE:
        return this.singleQuoted(at, end);
      case OPEN_MAP:
        return this.flowMap(at, end);
      case OPEN_SEQ:
        return this.flowSeq(at, end);
      default:
        return this.plain(at, end, flow);
    }
  }

  private doubleQuoted(at: number, end: number): string {
    const close = this.text.indexOf('"', at + 1);
    if (close === -1 || close >= end) throw new NotSimpleYaml(at, 'unterminated quote');
    for (let i = at + 1; i < close; i++) {
      const char = this.text.charCodeAt(i);
      if (char === BACKSLASH || char === TAB || isUnusual(char))
        throw new NotSimpleYaml(i, 'an escape, a tab or an unusual character in a quote');
    }
    this.pos = close + 1;
    return this.text.slice(at + 1, close);
  }

  private singleQuoted(at: number, end: number): string {
    let escaped = false;
    for (let i = at + 1; i < end; i++) {
      const char = this.text.charCodeAt(i);
      if (char === TAB || isUnusual(char)) throw new NotSimpleYaml(i, 'a tab or an unusual character in a quote');
      if (char !== SINGLE_QUOTE) continue;
      if (this.text.charCodeAt(i + 1) === SINGLE_QUOTE && i + 1 < end) {
        escaped = true;
        i++;
        continue;
      }
      this.pos = i + 1;
      const value = this.text.slice(at + 1, i);
      return escaped ? value.replaceAll("''", "'") : value;
    }
    throw new NotSimpleYaml(at, 'unterminated quote');
  }

  private plain(at: number, end: number, flow: boolean): string | number | null {
    const text = this.text;
    let stop = at;
    const first = text.charCodeAt(at);
    if (first < 128 ? (ASCII[first]! & PLAIN_START) !== 0 : this.matches(LETTER_OR_DIGIT_BEYOND_ASCII, at)) {
      stop = first < 128 ? at + 1 : LETTER_OR_DIGIT_BEYOND_ASCII.lastIndex;
    } else {
      throw new NotSimpleYaml(at, 'not a simple scalar');
    }
    while (stop < end) {
      const char = text.charCodeAt(stop);
      if (char < 128) {
        if ((ASCII[char]! & PLAIN_PART) === 0) break;
        stop++;
      } else if (this.matches(WORD_BEYOND_ASCII, stop)) {
        stop = WORD_BEYOND_ASCII.lastIndex;
      } else {
        break;
      }
    }
    let valueEnd = stop;
    while (text.charCodeAt(valueEnd - 1) === SPACE) valueEnd--;
    // A plain scalar ends at the line's end, a comment, or (in a flow) `,` `]` `}`.
    if (stop < end) {
      const next = text.charCodeAt(stop);
      const comment = next === HASH && stop > valueEnd;
      if (!comment && !(flow && (next === COMMA || next === CLOSE_SEQ || next === CLOSE_MAP))) {
        throw new NotSimpleYaml(stop, 'unexpected character in a plain scalar');
      }
    }
    this.pos = valueEnd;
    return plainValue(text.slice(at, valueEnd), at);
  }

  /** Whether the sticky `pattern` matches at `at` (its `lastIndex` is then where the match ends). */
  private matches(pattern: RegExp, at: number): boolean {
    pattern.lastIndex = at;
    return pattern.test(this.text);
  }

  private flowMap(open: number, end: number): PlainMap {
    const text = this.text;
    const map: PlainMap = {};
    let at = this.skipSpaces(open + 1, end);
    if (text.charCodeAt(at) === CLOSE_MAP) throw new NotSimpleYaml(at, 'empty flow mapping');
    for (;;) {
      const name = this.key(at, end);
      const colon = at + name.length;
      if (text.charCodeAt(colon) !== COLON || text.charCodeAt(colon + 1) !== SPACE || colon + 1 >= end)
        throw new NotSimpleYaml(colon, 'expected `: ` after a key');
      if (Object.hasOwn(map, name)) throw new NotSimpleYaml(at, 'duplicate key');
      const valueAt = this.skipSpaces(colon + 1, end);
      const char = text.charCodeAt(valueAt);
      if (valueAt >= end || char === COMMA || char === CLOSE_MAP || char === CLOSE_SEQ || char === HASH)
        throw new NotSimpleYaml(valueAt, 'a key without a value');
      map[name] = this.inlineValue(valueAt, end, true);
      const next = this.nextFlowItem(end, CLOSE_MAP, '}');
      if (next === undefined) return map;
      at = next;
    }
  }

  private flowSeq(open: number, end: number): PlainValue[] {
    const text = this.text;
    let count = 0;
    let at = this.skipSpaces(open + 1, end);
    if (at < end && text.charCodeAt(at) === CLOSE_SEQ) {
      this.pos = at + 1;
      return [];
    }
    for (;;) {
      const char = text.charCodeAt(at);
      if (at >= end || char === OPEN_SEQ || char === OPEN_MAP || char === COMMA || char === CLOSE_SEQ || char === HASH)
        throw new NotSimpleYaml(at, 'only scalars in a flow list');
      this.listItems[count++] = this.inlineValue(at, end, true);
      // `[a: b]` would be a mapping inside the list.
      if (text.charCodeAt(this.pos) === COLON) throw new NotSimpleYaml(this.pos, 'a pair in a flow list');
      const next = this.nextFlowItem(end, CLOSE_SEQ, ']');
      if (next === undefined) return this.listItems.slice(0, count);
      at = next;
    }
  }

  /** After a flow item: where the next item starts after a `,`, or undefined at the closing bracket (then `pos` is past it). */
  private nextFlowItem(end: number, close: number, closeText: string): number | undefined {
    const text = this.text;
    let at = this.skipSpaces(this.pos, end);
    if (at < end && text.charCodeAt(at) === COMMA) {
      at = this.skipSpaces(at + 1, end);
      if (at >= end || text.charCodeAt(at) === close) throw new NotSimpleYaml(at, 'trailing comma');
      return at;
    }
    if (at < end && text.charCodeAt(at) === close) {
      this.pos = at + 1;
      return undefined;
    }
    throw new NotSimpleYaml(at, `expected \`,\` or \`${closeText}\``);
  }
}
