/**
 * The docs' tables of platforms, audits and variables say what the registry says: every
 * registered audit (its name, id and item ids) and every platform variable, secret or not.
 * A failure shows the rows as they should be written.
 */
import { readFileSync } from 'node:fs';
import { PLATFORM_MODULES } from '../../src/platforms/registry.js';

const AUDITS = PLATFORM_MODULES.flatMap((module) => module.audits);
const VARIABLES = PLATFORM_MODULES.flatMap((module) => module.env.map((variable) => variable.name));

/** The rows under the header row `header` of the Markdown table in `file` (after its `| --- |` row). */
function tableRows(file: string, header: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.indexOf(header);
  if (at === -1) throw new Error(`${file}: no table whose header is ${header}`);
  const rows: string[] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

const code = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
/** The names written in code in a table cell (`A`, `B` + `C`). */
const codeNames = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

describe('README.md', () => {
  test('the audits table: each registered audit, its platform id and its item ids', () => {
    const itemIds = (prefix: string) => `\`${prefix}-1\`, \`${prefix}-2\`, …`;
    const expected = AUDITS.map((audit) => `| ${audit.displayName} | \`${audit.id}\` | ${itemIds(audit.itemPrefix)} |`);
    expect(tableRows('README.md', '| Audit | Platform id | Item ids |')).toEqual(expected);
  });

  test('says how many audits there are', () => {
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    expect(readFileSync('README.md', 'utf8')).toContain(`The ${words[AUDITS.length]} audits`);
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
    expect(tableRows(file, '| Platform | Plain | Secret |')).toEqual(expected);
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
