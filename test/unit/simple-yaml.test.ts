import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { parseRoster, parseRosterFully } from '../../src/config/roster.js';
import {
  LINE_END,
  NotSimpleYaml,
  SCALAR,
  SimpleSequence,
  scalarValue,
  type SimpleItem,
} from '../../src/config/simple-yaml.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { buildOrganisation } from '../../bench/data.js';

/** The items as the full parser reads them: each one's line and its value as plain JS. */
function full(text: string): unknown[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true, lineCounter });
  expect([...doc.errors, ...doc.warnings]).toEqual([]);
  expect(isSeq(doc.contents)).toBe(true);
  return (doc.contents as { items: YamlNode[] }).items.map((item) => ({
    line: lineCounter.linePos(item.range![0]).line,
    value: item.toJS(doc),
  }));
}

/**
 * The items of the top-level sequence, one at a time, as the generic reader reads them. Throws
 * NotSimpleYaml as soon as the text leaves the subset; items already yielded were read correctly.
 */
function* simpleSequenceOfMaps(text: string): Generator<SimpleItem> {
  const items = new SimpleSequence(text);
  while (items.next()) yield items.item();
}

function fast(text: string): unknown[] {
  return [...simpleSequenceOfMaps(text)];
}

describe('the simple YAML reader', () => {
  test.each([
    [
      'plain and quoted scalars',
      "- name: Jane   Doe  # trailing comment\n  id: 0012\n  a: 'it''s'\n  b: \"quoted # not a comment\"\n  c: O'Brien\n",
    ],
    ['nulls', '- a: null\n  b:\n  c: Null\n  d: NULL\n'],
    [
      'flow mappings and lists',
      "- c: { k: v, l: [a, b c, 'd'] }\n  d: []\n  e: [ x , y ]\n  f: { b: [1, 2], c: d }  # c\n  g: {h: i}\n  j: [k,l]\n",
    ],
    ['nested block mappings', '- a:\n    b: 1\n    c:\n      d: x\n  e: f\n- a: 2\n'],
    [
      'block lists, indented or not',
      "- a:\n  - x\n  - y\n  b: 1\n- a:\n    - x\n    - 'y'\n  b: 1\n- a: x\n  b:\n  - 1\n- c: 3\n",
    ],
    ['an indented list', '  - name: one\n    v: 1\n  - name: two\n'],
    ['wide items', '-   name: wide\n    v: 1\n-   name: two\n'],
    ['tabs in comments', '# a\tcomment\n- a: x  #\tc\n'],
    ['comments and blank lines anywhere', '# head\n\n- a: x\n  # comment at indent\n\n  b: y\n#end\n'],
    [
      'strings that are no numbers',
      '- a: 1_000\n  b: 123456789012345678901234\n  c: 00\n  d: Zoë Ångström\n  e: ""\n  f: \'\'\n  g: 2026-11-24\n  h: 0b101\n',
    ],
    ['keys with dashes', '- a_b-c: 1\n'],
    ['keys a plain object has already', '- constructor: 1\n  toString: x\n  hasOwnProperty: [y]\n'],
    ['no final line feed', '# a\n- a: x\n\n- b: y'],
    [
      'quotes holding what plain scalars may not',
      "- a: \"x: y, [z] {w} # v\"\n  b: 'it''s ''quoted'''\n  c: ' padded '\n  d: \"'\"\n  e: ['x, y', \"]\"]\n",
    ],
    ['words beyond ASCII', '- a: Ünïcödé 名前 e\u0301\n  b: [Ωmega, 𝒳 x]\n'],
  ])('reads %s as the full parser does', (_what, text) => {
    expect(fast(text)).toEqual(full(text));
  });

  test.each([
    ['a boolean', '- name: true\n'],
    ['a float', '- name: 1.5\n'],
    ['an exponent', '- name: 1e3\n'],
    ['hex', '- name: 0x1F\n'],
    ['a sign', '- name: +1\n'],
    ['.inf', '- name: .inf\n'],
    ['a tilde', '- name: ~\n'],
    ['a tilde in a word', '- name: ~x\n'],
    ['a colon in a value', '- name: a: b\n'],
    ['a hash without a space', '- name: a#b\n'],
    ['a trailing comma', '- name: [a, b,]\n'],
    ['a duplicate key', '- name: x\n  name: y\n'],
    ['a duplicate flow key', '- name: { a: 1, a: 2 }\n'],
    ['a multi-line value', '- name: multi\n  line\n'],
    ['an over-indented key', '- name: x\n    cont: y\n'],
    ['an empty first line', '- \n  name: x\n'],
    ['no space after the dash', '-name: x\n'],
    ['no space after the colon', '- name:x\n'],
    ['a mapping at the top', 'people:\n- a: 1\n'],
    ['a scalar item', '- a: 1\n- b\n'],
    ['text after a quote', "- a: 'x' y\n"],
    ['nested flow lists', '- a: [x, [y]]\n'],
    ['a quoted key', "- 'a': 1\n"],
    ['a boolean key', '- true: 1\n'],
    ['a null key', '- null: 1\n'],
    ['a __proto__ key', '- __proto__: 1\n'],
    ['an empty flow mapping', '- a: {}\n'],
    ['a flow mapping in a flow list', '- a: [{ b: c }]\n'],
    ['a flow mapping in a block list', '- a:\n  - { b: c }\n'],
    ['a list in a list', '- a:\n  - - b\n'],
    ['no space after a colon in a flow', '- a: {b:c}\n'],
    ['text after a flow mapping', '- a: { b: c } d\n'],
    ['an unterminated flow list', '- a: [b, c\n'],
    ['an explicit key', '- ? a\n  : b\n'],
    ['a non-breaking space', '- name: a\u00a0b\n'],
    ['an empty file', ''],
    ['only comments', '# a\n\n  # b\n'],
    ['a tab in a value', '- name: a\tb\n'],
    ['a tab after a colon', '- name:\tab\n'],
    ['a tab in a quote', '- name: "a\tb"\n'],
    ['an anchor', '- name: &x a\n'],
    ['an alias', '- name: *x\n'],
    ['a tag', '- name: !!str a\n'],
    ['a block scalar', '- name: |\n    x\n'],
    ['a document marker', '---\n- name: x\n'],
    ['a document end', '- name: x\n...\n'],
    ['carriage returns', '- name: x\r\n'],
    ['an escape in a double quote', '- name: "a\\nb"\n'],
    ['a control character in a quote', "- name: 'a\u0001b'\n"],
    ['a byte-order mark', '\ufeff- name: x\n'],
    ['a byte-order mark in a quote', "- name: 'a\ufeffb'\n"],
    ['a Unicode line separator in a quote', '- name: "a\u2028b"\n'],
    ['a next-line character in a quote', '- name: "a\u0085b"\n'],
    ['a carriage return in a comment', '# a\rb\n- name: x\n'],
    ['a control character in a comment after a value', '- name: x  # \u0001\n'],
    ['a byte-order mark in a comment', '- name: x\n  # \ufeff\n  e: 1\n'],
    ['a line separator in a comment after a key', '- name:  # \u2028\n  e: 1\n'],
  ])('leaves %s to the full parser', (_what, text) => {
    expect(() => [...simpleSequenceOfMaps(text)]).toThrow(NotSimpleYaml);
  });

  test('the sandbox roster: same items as the full parser', () => {
    const text = readFileSync(SANDBOX_ROSTER, 'utf8');
    expect(fast(text)).toEqual(full(text));
  });

  test('a generated 120-person roster (the benchmark’s): same items as the full parser', () => {
    const text = buildOrganisation(120, new Date('2026-11-24T09:00:00Z')).rosterYaml;
    expect(fast(text)).toEqual(full(text));
  });

  test('a roster with a problem is reported by the full path, with its lines', () => {
    const text = '- name: Ann\n  email: ann@example.com\n  gitlab: { username: ann }\n  reports_to: nobody\n';
    const message = 'roster.yml:4 [0].reports_to: "nobody" is not a gitlab.username in this roster';
    expect(() => parseRoster(text, 'roster.yml')).toThrow(message);
    expect(() => parseRosterFully(text, 'roster.yml')).toThrow(message);
  });
});

describe('the scalar patterns, for readers of known shapes', () => {
  /** The value of `a` in the only item of `text` as the reader reads it, or 'not simple'. */
  function readA(text: string): unknown {
    try {
      const items = [...simpleSequenceOfMaps(text)];
      expect(items).toHaveLength(1);
      return items[0]!.value.a;
    } catch (error) {
      if (error instanceof NotSimpleYaml) return 'not simple';
      throw error;
    }
  }

  function valueOf(token: string): unknown {
    try {
      return scalarValue(token);
    } catch (error) {
      if (error instanceof NotSimpleYaml) return 'not simple';
      throw error;
    }
  }

  test('every character a plain SCALAR takes, the reader takes in a plain scalar too, as the same string', () => {
    const plain = (text: string) => new RegExp(`^(?:${SCALAR})$`).test(text) && !/^["']/.test(text);
    const differences: string[] = [];
    let taken = 0;
    for (let code = 0; code < 0x10000; code++) {
      const char = String.fromCharCode(code);
      for (const token of [`${char}`, `x${char}`, `x${char}y`, `x ${char}`]) {
        if (!plain(token)) continue;
        taken++;
        const read = readA(`- a: ${token}\n`);
        if (read !== valueOf(token)) differences.push(`${JSON.stringify(token)}: ${JSON.stringify(read)}`);
      }
    }
    expect(differences).toEqual([]);
    expect(taken).toBeGreaterThan(1000);
  });

  test('what SCALAR and LINE_END match, the reader reads as scalarValue gives, in a block and in flows', () => {
    let seed = 20261125;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const CHARACTERS = [
      ...'aZ09_ .-+@\'()/"#:,[]{}\\&*!|>~%?`=',
      '\t',
      'é',
      'Å',
      'ë',
      '\u0301',
      '²',
      '×',
      'ß',
      'Ω',
      '名',
      '\u0001',
      '\u0085',
      '\u00a0',
      '\u2028',
      '\ufeff',
      '\r',
    ];
    const WORDS = [
      'null',
      'Null',
      'true',
      'FALSE',
      '12',
      '007',
      '1.5',
      '0x1F',
      '.inf',
      '~',
      'x',
      'Ann Lee',
      "''",
      '""',
    ];
    const isScalar = new RegExp(`^(?:${SCALAR})$`);
    const isLineEnd = new RegExp(`^${LINE_END}$`);
    const ends = ['', '  ', ' # note', '#note', ' #\tnote', ' # \u0001', ' x', ' ,', '  #'];
    let matched = 0;
    const differences: string[] = [];
    for (let round = 0; round < 6000; round++) {
      let token = '';
      const length = Math.floor(random() * 6);
      for (let i = 0; i < length; i++) token += random() < 0.25 ? pick(WORDS) : pick(CHARACTERS);
      if (random() < 0.3) token = `${pick(['"', "'"])}${token}${pick(['"', "'"])}`;
      if (!isScalar.test(token)) continue;
      matched++;
      const expected = valueOf(token);
      const end = pick(ends);
      if (isLineEnd.test(`${end}\n`)) {
        const read = readA(`- a: ${token}${end}\n`);
        if (!isDeepStrictEqual(read, expected))
          differences.push(
            `block ${JSON.stringify(token + end)}: ${JSON.stringify(read)} vs ${JSON.stringify(expected)}`,
          );
      }
      const spaces = pick(['', ' ', '   ']);
      const inList = readA(`- a: [${token}${spaces}, x]\n`);
      const inMap = readA(`- a: { b: ${token}${spaces}}\n`);
      const listExpected = expected === 'not simple' ? expected : [expected, 'x'];
      const mapExpected = expected === 'not simple' ? expected : { b: expected };
      if (!isDeepStrictEqual(inList, listExpected))
        differences.push(`list ${JSON.stringify(token)}: ${JSON.stringify(inList)}`);
      if (!isDeepStrictEqual(inMap, mapExpected))
        differences.push(`map ${JSON.stringify(token)}: ${JSON.stringify(inMap)}`);
    }
    expect(differences).toEqual([]);
    expect(matched).toBeGreaterThan(800);
  });
});
