import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { Document, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { ConfigError } from './errors.js';

/** A path into a YAML document: mapping keys and sequence indexes. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Where the values of a document were written. Read only when there are problems to report. */
export interface SourceMap {
  /**
   * Line of the value at `path`; of its key when the value is empty, of the list for an empty list
   * item, and of the nearest parent's key (or item) when there is no such value.
   */
  line(path: Path): number;
  /** Line of the mapping key `path` ends with. */
  keyLine(path: Path): number;
  /** The scalar at `path` as written (`12`, `true`, `1.50`), for messages. */
  written(path: Path): string | undefined;
}

/** A parsed YAML file with what is needed to point at lines. */
export interface YamlSource {
  /** The file name as given, used as the prefix of every message. */
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** Formats a path the way messages show it: `[2].gitlab.username`, `platforms.zendesk.labels[0]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = /^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment);
      out += out === '' ? key : `.${key}`;
    }
  }
  return out;
}

/** `file:line path: message`, or `file:line: message` for the document itself. */
export function formatProblem(file: string, line: number, path: Path, message: string): string {
  const where = path.length === 0 ? '' : ` ${formatPath(path)}`;
  return `${file}:${line}${where}: ${message}`;
}

/** Reads a file as UTF-8 text. Unreadable or non-UTF-8 files throw a ConfigError. */
export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([`${file}: cannot read (${code})`]);
  }
  return decodeUtf8(bytes, file);
}

/** Decodes UTF-8 (dropping a byte-order mark); anything else is a ConfigError naming the line. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ConfigError([`${file}:1: file is UTF-16; save it as UTF-8`]);
  }
  // isUtf8 (native) answers the common case fast; the loop finds where a bad file goes wrong.
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad !== -1) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    const hex = bytes[bad].toString(16).toUpperCase().padStart(2, '0');
    throw new ConfigError([
      `${file}:${line}: not valid UTF-8 (byte 0x${hex} at offset ${bad}); save the file as UTF-8`,
    ]);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Parses YAML text into a document. Syntax errors (including duplicate keys and several
 * documents in one file) throw a ConfigError with one `file:line: message` per bad line.
 * An empty file (or one holding only comments) parses to a document whose contents are null.
 */
export function parseYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  // Warnings (an unknown !tag, an unsupported %YAML version) are problems too: config must be plain.
  const found = [...doc.errors, ...doc.warnings].map((error) => ({
    offset: error.pos[0],
    message: syntaxMessage(error.code, error.message, text, error.pos[0], lineCounter.linePos(error.pos[0]).line),
  }));
  visit(doc, {
    Alias(_, alias) {
      if (!alias.resolve(doc))
        found.push({
          offset: alias.range?.[0] ?? 0,
          message: `unknown alias *${alias.source} (define &${alias.source} before using it)`,
        });
    },
  });
  if (found.length > 0) {
    const problems: string[] = [];
    const seenLines = new Set<number>();
    for (const { offset, message } of found.sort((a, b) => a.offset - b.offset)) {
      const { line } = lineCounter.linePos(offset);
      // One problem per line: the parser's follow-on errors on the same line are noise.
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      problems.push(`${file}:${line}: ${message}`);
    }
    throw new ConfigError(problems);
  }
  return { file, text, doc, lineCounter };
}

function syntaxMessage(code: string, message: string, text: string, offset: number, line: number): string {
  if (code === 'DUPLICATE_KEY') return duplicateKeyMessage(text, offset);
  return withTabHint(message, text, line);
}

/** The message for a key repeated at `offset`, naming the key. */
export function duplicateKeyMessage(text: string, offset: number): string {
  const key = /^[^:\n]*/.exec(text.slice(offset))?.[0]?.trim();
  return key
    ? `duplicate key ${JSON.stringify(unquote(key))} (map keys must be unique)`
    : 'duplicate key (map keys must be unique)';
}

/** `message`, with a hint when line `line` (1-based) is indented with a tab. */
export function withTabHint(message: string, text: string, line: number): string {
  const lineText = text.split('\n', line)[line - 1] ?? '';
  return /^[ ]*\t/.test(lineText) ? `${message} (YAML cannot be indented with tabs; use spaces)` : message;
}

function unquote(key: string): string {
  if (key.length >= 2 && (key[0] === '"' || key[0] === "'") && key.at(-1) === key[0]) return key.slice(1, -1);
  return key;
}

/** The document's values as plain JavaScript (mappings as objects, lists as arrays), for the Checker. */
export function documentValues(source: YamlSource): unknown {
  return source.doc.toJS();
}

/** Where the document's values were written, as the Checker asks (see SourceMap). */
export function documentSourceMap(source: YamlSource): SourceMap {
  return {
    line: (path) => walk(source, path).line,
    keyLine: (path) => walk(source, path).keyLine,
    written: (path) => {
      const { node } = walk(source, path);
      return isScalar(node) && node.range ? source.text.slice(node.range[0], node.range[1]).trim() : undefined;
    },
  };
}

/**
 * The line to show for `path`: the line of the node at that path when it exists; for a missing
 * key, the line of the deepest parent that exists (the line of its key, when it is a mapping value).
 */
export function lineOfPath(source: YamlSource, path: Path): number {
  return walk(source, path).line;
}

/**
 * Follows `path` from the root: the node there (null when there is none), its line (see
 * SourceMap.line) and the line of its key (of the nearest parent's key, or item, when it is missing).
 */
function walk(source: YamlSource, path: Path): { node: YamlNode | null; line: number; keyLine: number } {
  let node = resolveNode(source, source.doc.contents);
  let line = node ? lineOfNode(source, node) : 1;
  // The key's line for a mapping value, else the value's: where a missing child is reported.
  let owner = line;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return { node: null, line: owner, keyLine: owner };
      const keyNode = resolveNode(source, pair.key);
      owner = keyNode ? lineOfNode(source, keyNode) : line;
      node = resolveNode(source, pair.value);
      line = isEmpty(node) ? owner : lineOfNode(source, node);
    } else if (isSeq(node) && typeof segment === 'number') {
      node = resolveNode(source, node.items[segment]);
      // An empty item is shown at the list's line.
      if (!isEmpty(node)) line = lineOfNode(source, node);
      owner = line;
    } else {
      return { node: null, line: owner, keyLine: owner };
    }
  }
  return { node, line, keyLine: owner };
}

function isEmpty(node: YamlNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** 1-based line where a node starts (1 when it has no position). */
function lineOfNode(source: YamlSource, node: YamlNode | null | undefined): number {
  const start = node?.range?.[0];
  return start === undefined ? 1 : source.lineCounter.linePos(start).line;
}

/** Follows aliases (`*anchor`) to the node they stand for. */
function resolveNode(source: YamlSource, node: unknown): YamlNode | null {
  if (isAlias(node)) return node.resolve(source.doc) ?? null;
  return isMap(node) || isSeq(node) || isScalar(node) ? node : null;
}

/** The text of a mapping key (keys are compared as strings). */
function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (isAlias(key)) return `*${key.source}`;
  return String(key);
}
