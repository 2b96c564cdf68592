import type { EventType } from 'js-yaml';
import { readYaml, type ReaderState } from './yaml-reader.js';
import type { Path, SourceMap } from './yaml-source.js';

/*
 * A YAML document read with js-yaml, a list item at a time, and the lines of its values, from
 * js-yaml's listener, which is told as each node starts and ends. Nodes are recorded as frames:
 * where the content starts and ends, the value, the frames read inside. Three things js-yaml does
 * shape the reading:
 * - it reads a plain scalar or a flow collection in a block by first trying it as the key of a
 *   block mapping: that shows as a frame with the same start and value around the node itself
 *   (resolve looks through it);
 * - a mapping's frames are its keys and values in turn; a key with no value is not followed by `:`;
 * - it reads no node for an empty list item (a `-` alone): an item's index counts the `-` between
 *   it and the item before.
 */

interface Frame {
  /** Offset where the content starts (after any `&anchor` or `!tag`). */
  start: number;
  /** 1-based line of `start`. */
  line: number;
  end: number;
  value: unknown;
  /** The frames read inside this node, when they were recorded. */
  children: Frame[];
  /** Its index in the list it is an item of, else -1. */
  index: number;
  /** For an alias (`*name`): the node it stands for. */
  target?: Frame;
  /** For a list: the index its next item takes (empty ones before it aside), and where the last one ended. */
  items?: { next: number; end: number };
}

/** The items of the top-level list to record whole, by index, or everything under a root that is no list. */
type Wanted = 'all' | ReadonlySet<number>;

/** What js-yaml is handed in place of an item once it has been read (and handed on, or not wanted). */
const DROPPED = Object.freeze({});

/**
 * Reads `text` (see readYaml), handing each item of its top-level list to `onItem` as soon as it
 * is read, in order, with its index and line (0 for an empty item). The value returned holds a
 * placeholder (an empty object) in place of each item that is not empty: the items are not all
 * kept at once.
 */
export function readListItems(
  text: string,
  file: string,
  onItem: (value: unknown, index: number, line: number) => void,
): unknown {
  const recorder = new Recorder(new Set(), onItem);
  const value = readYaml(text, file, recorder.listener);
  if (Array.isArray(value)) {
    // Empty items after the last one that is not.
    for (let index = resolve(recorder.root)?.items?.next ?? 0; index < value.length; index++) onItem(null, index, 0);
  }
  return value;
}

/**
 * Where the values at `paths` were written, from a second reading of `text` that records the
 * items of the top-level list these paths lead into, or all of it when the root is no list.
 */
export function yamlSourceMap(text: string, file: string, paths: readonly Path[]): SourceMap {
  const intoItems = paths.every((path) => path.length === 0 || typeof path[0] === 'number');
  const wanted = intoItems ? new Set(paths.flatMap(([index]) => (typeof index === 'number' ? [index] : []))) : 'all';
  const recorder = new Recorder(wanted);
  readYaml(text, file, recorder.listener);
  return new FrameSourceMap(recorder.root, recorder.input);
}

/**
 * What an open node is to the recorder: the root (or the flow collection it wraps), an item of
 * the root's list, a node inside a node recorded whole, or one skipped.
 */
type Role = 'root' | 'item' | 'inside' | 'skipped';

class Recorder {
  root: Frame | undefined;
  input = '';
  // The open nodes, innermost last (one array per field: nodes are opened and closed millions of times).
  private readonly roles: Role[] = [];
  private readonly frames: Array<Frame | undefined> = [];
  private readonly positions: number[] = [];
  private readonly lines: number[] = [];
  private readonly anchors = new Map<string, Frame>();

  constructor(
    private readonly wanted: Wanted,
    private readonly onItem?: (value: unknown, index: number, line: number) => void,
  ) {}

  readonly listener = (event: EventType, state: ReaderState): void => {
    if (event === 'open') this.opened(state);
    else this.closed(state);
  };

  private opened(state: ReaderState): void {
    const depth = this.roles.length;
    if (depth === 0) this.input = state.input;
    const parent = this.frames[depth - 1];
    // A node that starts where its parent does is the node its parent wraps.
    const wrapped = parent !== undefined && state.position === parent.start;
    const role = this.roleOf(this.roles[depth - 1], parent, wrapped);
    const frame = role === 'skipped' ? undefined : this.frame(state.input, state.position, state.line);
    if (frame && parent?.items && !wrapped) {
      const first = parent.items.next;
      frame.index = itemIndex(state.input, parent, frame);
      // Empty items before this one, in their turn.
      if (role === 'item') for (let index = first; index < frame.index; index++) this.onItem?.(null, index, 0);
    }
    this.roles.push(role);
    this.frames.push(frame);
    this.positions.push(state.position);
    this.lines.push(state.line);
  }

  private roleOf(parentRole: Role | undefined, parent: Frame | undefined, wrapped: boolean): Role {
    switch (parentRole) {
      case undefined:
        return this.root ? 'skipped' : 'root';
      case 'root':
        if (wrapped) return 'root';
        return parent!.items ? 'item' : this.wanted === 'all' ? 'inside' : 'skipped';
      case 'item':
        return this.isWanted(parent!.index) ? 'inside' : 'skipped';
      default:
        return parentRole;
    }
  }

  private closed(state: ReaderState): void {
    const role = this.roles.pop()!;
    const recorded = this.frames.pop();
    const position = this.positions.pop()!;
    const line = this.lines.pop()!;
    if (state.anchor === null && !recorded) return;
    const frame = recorded ?? this.frame(this.input, position, line);
    frame.end = state.position;
    frame.value = state.result;
    if (this.input.charAt(frame.start) === '*') {
      const name = /^[^\s,[\]{}]+/.exec(this.input.slice(frame.start + 1, frame.end))?.[0];
      frame.target = name === undefined ? undefined : this.anchors.get(name);
    }
    if (state.anchor !== null) this.anchors.set(state.anchor, frame);
    if (!recorded) return;
    const parent = this.frames.at(-1);
    if (parent?.items && frame.index !== -1) parent.items.end = frame.end;
    if (role === 'item') {
      this.onItem?.(state.result, frame.index, resolve(frame)!.line);
      if (!this.isWanted(frame.index)) {
        state.result = DROPPED;
        return;
      }
    }
    if (parent) parent.children.push(frame);
    else if (role === 'root') this.root = frame;
  }

  private isWanted(index: number): boolean {
    return this.wanted === 'all' || this.wanted.has(index);
  }

  /** A frame for a node js-yaml starts reading at `position` (its content may start further on). */
  private frame(input: string, position: number, line: number): Frame {
    const blank = skipBlank(input, position, true);
    const start = blank.end;
    const frame: Frame = { start, line: line + blank.lines + 1, end: start, value: null, children: [], index: -1 };
    // A list: `[`, or `-` and a space.
    const first = input.charAt(start);
    if (first === '[' || (first === '-' && /^\s?$/.test(input.charAt(start + 1))))
      frame.items = { next: 0, end: start };
    return frame;
  }
}

/**
 * The index of `item` in `list`: the next one, after as many empty items as there are `-` between
 * the item before (or the list's start) and this one, less its own.
 */
function itemIndex(input: string, list: Frame, item: Frame): number {
  const between = input.slice(list.items!.end, item.start).replace(/#.*/g, '');
  const empty = Math.max(0, between.split('-').length - 2);
  const index = list.items!.next + empty;
  list.items!.next = index + 1;
  return index;
}

/** Skips white space, line breaks and comments from `start` (and anchors and tags, with `properties`). */
function skipBlank(input: string, start: number, properties: boolean): { end: number; lines: number } {
  let end = start;
  let lines = 0;
  for (;;) {
    const c = input.charAt(end);
    if (c === ' ' || c === '\t' || c === '\r') end++;
    else if (c === '\n') {
      end++;
      lines++;
    } else if (c === '#') {
      const lineEnd = input.indexOf('\n', end);
      end = lineEnd === -1 ? input.length : lineEnd;
    } else if (properties && (c === '&' || c === '!')) {
      while (end < input.length && !/\s/.test(input.charAt(end))) end++;
    } else return { end, lines };
  }
}

/** Follows aliases, and the frames js-yaml reads around a node as it tries it as a mapping key. */
function resolve(frame: Frame | undefined): Frame | undefined {
  for (;;) {
    if (frame?.target) frame = frame.target;
    else if (frame?.children.length === 1 && isSameNode(frame, frame.children[0])) frame = frame.children[0];
    else return frame;
  }
}

function isSameNode(outer: Frame, inner: Frame): boolean {
  return inner.start === outer.start && Object.is(inner.value, outer.value);
}

/** The SourceMap of recorded frames: lines as the Checker reports them. */
class FrameSourceMap implements SourceMap {
  /** The recorded items of each list, by index. */
  private readonly items = new Map<Frame, Map<number, Frame>>();

  constructor(
    private readonly root: Frame | undefined,
    private readonly input: string,
  ) {}

  line(path: Path): number {
    return this.walk(path).line;
  }

  keyLine(path: Path): number {
    return this.walk(path).keyLine;
  }

  written(path: Path): string | undefined {
    const { frame } = this.walk(path);
    return frame && this.input.slice(frame.start, frame.end).trim();
  }

  /**
   * Follows `path` from the root: the frame there (undefined when there is none), its line and
   * the line of its key (of the nearest parent's key, or item, when it is missing).
   */
  private walk(path: Path): { frame: Frame | undefined; line: number; keyLine: number } {
    let frame = resolve(this.root);
    let line = frame ? frame.line : 1;
    // The key's line for a mapping value, else the value's: where a missing child is reported.
    let owner = line;
    for (const segment of path) {
      const value = frame?.value;
      if (frame && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const pair = this.pair(frame, String(segment));
        if (!pair) return { frame: undefined, line: owner, keyLine: owner };
        owner = pair.key.line;
        frame = resolve(pair.value);
        line = frame && frame.value !== null ? frame.line : owner;
      } else if (frame && Array.isArray(value) && typeof segment === 'number') {
        frame = resolve(this.item(frame, segment));
        // An empty item is shown at the list's line.
        if (frame && frame.value !== null) line = frame.line;
        owner = line;
      } else {
        return { frame: undefined, line: owner, keyLine: owner };
      }
    }
    return { frame, line, keyLine: owner };
  }

  private item(list: Frame, index: number): Frame | undefined {
    let byIndex = this.items.get(list);
    if (!byIndex) this.items.set(list, (byIndex = new Map(list.children.map((item) => [item.index, item]))));
    return byIndex.get(index);
  }

  /** The key and value frames of `key` in a mapping's frame. */
  private pair(mapping: Frame, key: string): { key: Frame; value: Frame | undefined } | undefined {
    const children = mapping.children;
    for (let i = 0; i < children.length; i++) {
      const keyFrame = children[i];
      const valueFrame = this.isFollowedByColon(keyFrame) ? children[++i] : undefined;
      if (String(keyFrame.value) === key) return { key: keyFrame, value: valueFrame };
    }
    return undefined;
  }

  private isFollowedByColon(frame: Frame): boolean {
    return this.input.charAt(skipBlank(this.input, frame.end, false).end) === ':';
  }
}
