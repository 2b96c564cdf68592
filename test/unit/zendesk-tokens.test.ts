import { findTokenOwner, parseTokenDescription } from '../../src/platforms/zendesk/tokens.js';
import type { RosterPerson } from '../../src/config/types.js';

const person = (name: string, username: string, email = `${username}@example.com`): RosterPerson => ({
  name,
  email,
  gitlab: { username },
  reports_to: null,
  line: 1,
});
const ROSTER = [
  person('Jane Doe', 'jdoe', 'jane.doe@example.com'),
  person('Zoë Ångström', 'zangstrom'),
  person('Sam Lee', 'slee'),
];

describe('API token descriptions: the naming convention', () => {
  test('name - request link - expiry', () => {
    expect(parseTokenDescription('Jane Doe - https://gitlab.com/support/requests/-/issues/101 - 2027-06-30')).toEqual({
      ok: true,
      convention: 'personal',
      owner: 'Jane Doe',
      request: 'https://gitlab.com/support/requests/-/issues/101',
      expires: '2027-06-30',
    });
    // En and em dashes, extra spaces.
    expect(parseTokenDescription('  Jane Doe  –  https://example.com/r/1 — 2027-01-31 ')).toMatchObject({
      ok: true,
      owner: 'Jane Doe',
      expires: '2027-01-31',
    });
  });

  test('Target - name', () => {
    expect(parseTokenDescription('Salesforce sync - Sam Lee')).toEqual({
      ok: true,
      convention: 'integration',
      target: 'Salesforce sync',
      owner: 'Sam Lee',
    });
    // A hyphen inside a word is not a separator.
    expect(parseTokenDescription('Zendesk-Salesforce - Jane Doe')).toMatchObject({
      ok: true,
      target: 'Zendesk-Salesforce',
      owner: 'Jane Doe',
    });
  });

  test.each([
    [null, 'the description is empty'],
    ['   ', 'the description is empty'],
    ['my token', 'no " - " separates an owner from the rest'],
    ['Jane Doe - not a link - 2027-01-01', 'the middle part is not a request link (an http(s) URL)'],
    ['Jane Doe - https://example.com/r/1 - next year', 'the expiry "next year" is not an ISO date (YYYY-MM-DD)'],
    ['Jane Doe - https://example.com/r/1 - 2027-02-30', 'the expiry "2027-02-30" is not an ISO date (YYYY-MM-DD)'],
    ['Jane Doe - https://example.com/r/1', 'a request link without an expiry (expected name - request link - expiry)'],
    ['a - b - c - d', '4 parts separated by " - " (expected 2 or 3)'],
    ['Zapier -  - ', 'a part of the description is empty'],
    ['@all\n/close | <script>x</script> - Jane Doe', 'the description has line breaks or control characters'],
  ])('%j breaks it: %s', (description, problem) => {
    expect(parseTokenDescription(description)).toEqual({ ok: false, problem });
  });
});

describe('token owners in the roster', () => {
  test('by name (loosely), email or GitLab username', () => {
    expect(findTokenOwner('Jane Doe', ROSTER)?.gitlab.username).toBe('jdoe');
    expect(findTokenOwner('zoe angstrom', ROSTER)?.gitlab.username).toBe('zangstrom');
    expect(findTokenOwner('JANE.DOE@example.com', ROSTER)?.gitlab.username).toBe('jdoe');
    expect(findTokenOwner('@slee', ROSTER)?.gitlab.username).toBe('slee');
    expect(findTokenOwner('Former Person', ROSTER)).toBeUndefined();
  });

  test('a name two roster people share maps to nobody', () => {
    expect(findTokenOwner('Sam Lee', [...ROSTER, person('Sam Lee', 'slee2')])).toBeUndefined();
  });
});
