import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseRoster } from '../../src/config/roster.js';
import { NotSimpleYaml, simpleSequenceOfMaps } from '../../src/config/simple-yaml.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { buildOrganisation } from '../../bench/data.js';

/** What the roster checks read of a node: kind, value, scalar type, where it starts and ends. */
function shape(node: unknown): unknown {
  if (isScalar(node)) return node.value === null ? { null: true } : { value: node.value, type: node.type, range: node.range?.slice(0, 2) };
  if (isMap(node)) return { map: node.items.map((pair) => [shape(pair.key), shape(pair.value)]), start: node.range?.[0], flow: Boolean(node.flow) };
  if (isSeq(node)) return { seq: node.items.map(shape), start: node.range?.[0], flow: Boolean(node.flow) };
  return { other: String(node) };
}

function full(text: string): unknown[] {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  expect(isSeq(doc.contents)).toBe(true);
  return (doc.contents as { items: unknown[] }).items.map(shape);
}

function fast(text: string): unknown[] {
  return [...simpleSequenceOfMaps(text)].map(shape);
}

/** The same roster, read by the full parser: a document end marker is outside the subset. */
const viaFullParser = (text: string) => parseRoster(`${text}...\n`, 'roster.yml');

describe('the simple YAML reader', () => {
  test.each([
    ['plain and quoted scalars', "- name: Jane   Doe  # trailing comment\n  id: 0012\n  a: 'it''s'\n  b: \"quoted # not a comment\"\n  c: O'Brien\n"],
    ['nulls', '- a: null\n  b:\n  c: Null\n  d: NULL\n'],
    ['flow mappings and lists', "- c: { k: v, l: [a, b c, 'd'] }\n  d: []\n  e: [ x , y ]\n  f: { b: [1, 2], c: d }  # c\n"],
    ['nested block mappings', '- a:\n    b: 1\n    c:\n      d: x\n  e: f\n- a: 2\n'],
    ['block lists, indented or not', '- a:\n  - x\n  - y\n  b: 1\n- a:\n    - x\n    - \'y\'\n  b: 1\n- a: x\n  b:\n  - 1\n- c: 3\n'],
    ['an indented list', '  - name: one\n    v: 1\n  - name: two\n'],
    ['wide items', '-   name: wide\n    v: 1\n-   name: two\n'],
    ['tabs in comments', '# a\tcomment\n- a: x  #\tc\n'],
    ['comments and blank lines anywhere', '# head\n\n- a: x\n  # comment at indent\n\n  b: y\n#end\n'],
    ['strings that are no numbers', '- a: 1_000\n  b: 123456789012345678901234\n  c: 00\n  d: Zoë Ångström\n  e: ""\n  f: \'\'\n'],
    ['keys with dashes', '- a_b-c: 1\n'],
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
  ])('leaves %s to the full parser', (_what, text) => {
    expect(() => [...simpleSequenceOfMaps(text)]).toThrow(NotSimpleYaml);
  });

  test.each([
    ['a tab in a value', '- name: a\tb\n'],
    ['a tab after a colon', '- name:\tab\n'],
    ['an anchor', '- name: &x a\n'],
    ['an alias', '- name: *x\n'],
    ['a tag', '- name: !!str a\n'],
    ['a block scalar', '- name: |\n    x\n'],
    ['a document marker', '---\n- name: x\n'],
    ['a document end', '- name: x\n...\n'],
    ['carriage returns', '- name: x\r\n'],
    ['an escape in a double quote', '- name: "a\\nb"\n'],
    ['a control character in a quote', "- name: 'a\u0001b'\n"],
  ])('also leaves %s to the full parser', (_what, text) => {
    expect(() => [...simpleSequenceOfMaps(text)]).toThrow(NotSimpleYaml);
  });

  test('the sandbox roster: same nodes, same roster as the full parser', () => {
    const text = readFileSync(SANDBOX_ROSTER, 'utf8');
    expect(fast(text)).toEqual(full(text));
    expect(parseRoster(text, 'roster.yml')).toEqual(viaFullParser(text));
  });

  test('a generated 300-person roster (the benchmark’s): same roster as the full parser', () => {
    const text = buildOrganisation(300, new Date('2026-11-24T09:00:00Z')).rosterYaml;
    expect(fast(text)).toEqual(full(text));
    const roster = parseRoster(text, 'roster.yml');
    expect(roster).toHaveLength(300);
    expect(roster).toEqual(viaFullParser(text));
  });

  test('a roster with a problem is reported by the full parser, with its lines', () => {
    const text = '- name: Ann\n  email: ann@example.com\n  gitlab: { username: ann }\n  reports_to: nobody\n';
    expect(() => parseRoster(text, 'roster.yml')).toThrow('roster.yml:4 [0].reports_to: "nobody" is not a gitlab.username in this roster');
  });
});
