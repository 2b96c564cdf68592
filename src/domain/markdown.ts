/**
 * Platform text (names, emails, token descriptions) is data. `inline` turns any string into
 * Markdown that GitLab renders as the same visible text but that cannot:
 * - mention anyone or reference anything (`@all`, `#1`, `!2`, `~label`, `%m`, `$s`, `&epic`):
 *   GitLab finds references in the rendered text, so HTML entities alone don't help; a zero-width
 *   space after the sigil does;
 * - run a quick action (`/close` must start a line: newlines are flattened, and a leading `/` escaped);
 * - break a table (`|`), inject HTML (`<script>`), or open emphasis, links, code or images;
 * - auto-link a URL (a zero-width space after the scheme's colon, or inside a leading `www.`);
 * - mark up an inline diff (`{+ +}`, `[- -]`: braces and brackets are backslashed).
 * It also strips control characters and lone surrogates and bounds the length.
 */
const ZWSP = '&#8203;';
const REFERENCE_SIGILS = new Set(['@', '#', '!', '~', '%', '$', '^']);
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
};
const BACKSLASHED = new Set(['\\', '`', '*', '_', '[', ']', '{', '}']);

export const MAX_INLINE_LENGTH = 200;

export function inline(value: unknown, maxLength = MAX_INLINE_LENGTH): string {
  const flat = flatten(value == null ? '' : String(value));
  const codePoints = Array.from(flat);
  const truncated = codePoints.length > maxLength;
  const visible = truncated ? codePoints.slice(0, maxLength) : codePoints;
  let out = '';
  for (const [index, char] of visible.entries()) {
    if (char === '&') {
      // '&' is both an entity start and the epic sigil.
      out += `&amp;${ZWSP}`;
    } else if (ENTITIES[char]) {
      out += ENTITIES[char];
    } else if (REFERENCE_SIGILS.has(char)) {
      out += `${char}${ZWSP}`;
    } else if (char === '/' && index === 0) {
      out += '&#47;';
    } else if (char === ':' && visible[index + 1] === '/' && visible[index + 2] === '/') {
      out += `:${ZWSP}`;
    } else if (char === '.' && isWwwPrefix(visible, index)) {
      out += `${ZWSP}.`;
    } else if (BACKSLASHED.has(char)) {
      out += `\\${char}`;
    } else {
      out += char;
    }
  }
  return truncated ? `${out}… (${codePoints.length - maxLength} more characters)` : out;
}

/** Whether `www` (any case) ends right before `index`, starting a word: GitLab auto-links `www.example.com`. */
function isWwwPrefix(chars: string[], index: number): boolean {
  if (index < 3 || chars.slice(index - 3, index).join('').toLowerCase() !== 'www') return false;
  return index === 3 || !/[\p{L}\p{N}_.-]/u.test(chars[index - 4]!);
}

/** Text with no line breaks, control characters or lone surrogates, whitespace collapsed. */
function flatten(text: string): string {
  return text
    .toWellFormed()
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A GitLab mention of a username that came from our own validated config or roster. */
export function mention(username: string): string {
  // `all` and `here` notify everyone; they are never a person.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(username) || /^(all|here)$/i.test(username)) return inline(username);
  return `@${username}`;
}

export function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map((cell) => cell || ' ').join(' | ')} |`);
  return lines.join('\n');
}
