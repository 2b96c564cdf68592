/**
 * The docs' tables of platforms, audits and variables say what the registry says: every
 * registered audit (its name, id and item ids) and every platform variable, secret or not.
 * `npm run docs:tables` writes the rows made from the registry (and the count of audits) into the
 * docs; otherwise a difference fails, showing the rows as they should be.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PLATFORM_MODULES } from '../../src/platforms/registry.js';

const AUDITS = PLATFORM_MODULES.flatMap((module) => module.audits);
const VARIABLES = PLATFORM_MODULES.flatMap((module) => module.env.map((variable) => variable.name));

/** Set by `npm run docs:tables`: the rows are written, not compared. */
const WRITING = process.env.WRITE_DOCS_TABLES === '1';

/** Where the rows under the header row `header` of the Markdown table in `file` are (after its `| --- |` row). */
function tableAt(file: string, header: string): { lines: string[]; start: number; end: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.indexOf(header);
  if (at === -1) throw new Error(`${file}: no table whose header is ${header}`);
  let end = at + 2;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  return { lines, start: at + 2, end };
}

function tableRows(file: string, header: string): string[] {
  const { lines, start, end } = tableAt(file, header);
  return lines.slice(start, end);
}

/** The table's rows are `expected`: written so, or compared. */
function expectRows(file: string, header: string, expected: string[]): void {
  if (WRITING) {
    const { lines, start, end } = tableAt(file, header);
    writeFileSync(file, [...lines.slice(0, start), ...expected, ...lines.slice(end)].join('\n'));
  }
  expect(tableRows(file, header)).toEqual(expected);
}

const code = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
/** The names written in code in a table cell (`A`, `B` + `C`). */
const codeNames = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

describe('README.md', () => {
  test('the audits table: each registered audit, its platform id and its item ids', () => {
    const itemIds = (prefix: string) => `\`${prefix}-1\`, \`${prefix}-2\`, …`;
    const expected = AUDITS.map((audit) => `| ${audit.displayName} | \`${audit.id}\` | ${itemIds(audit.itemPrefix)} |`);
    expectRows('README.md', '| Audit | Platform id | Item ids |', expected);
  });

  test('says how many audits there are', () => {
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const count = `The ${words[AUDITS.length]} audits`;
    if (WRITING) {
      const text = readFileSync('README.md', 'utf8');
      writeFileSync('README.md', text.replace(new RegExp(`The (${words.join('|')}) audits`), count));
    }
    expect(readFileSync('README.md', 'utf8')).toContain(count);
  });
});

describe('docs/configuration.md', () => {
  const file = 'docs/configuration.md';

  test("each platform's variables, plain and secret", () => {
    const expected = PLATFORM_MODULES.map((module) => {
      const plain = module.env.filter((variable) => !variable.secret).map((variable) => variable.name);
      const secret = module.env.filter((variable) => variable.secret).map((variable) => variable.name);
      return `| \`${module.id}\` | ${code(plain)} | ${code(secret)} |`;
    });
    expectRows(file, '| Platform | Plain | Secret |', expected);
  });

  test('the Environment table names every platform variable, and none that is not registered', () => {
    const named = tableRows(file, '| Variable | Meaning |').flatMap((row) => codeNames(row.split('|')[1]));
    expect(VARIABLES.filter((name) => !named.includes(name))).toEqual([]);
    // A platform's variables share its prefix (ZENDESK_): any other name with one is a stale row.
    const prefixes = new Set(VARIABLES.map((name) => `${name.split('_')[0]}_`));
    const platformLooking = named.filter((name) => [...prefixes].some((prefix) => name.startsWith(prefix)));
    expect(platformLooking.filter((name) => !VARIABLES.includes(name))).toEqual([]);
  });
});
