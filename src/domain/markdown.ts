import { textOf } from './text.js';

/**
 * Platform text (names, emails, token descriptions) is data. `inline` turns any string into
 * Markdown that GitLab renders as the same visible text, which a reader can copy exactly (an
 * email or a URL copied out of a note works), but that cannot:
 * - mention anyone or reference anything (`@all`, `#1`, `!2`, `~label`, `%m`, `$s`, `&epic`,
 *   `group/project>`, a commit SHA, `GL-123`), auto-link (`https://…`, `www.…`, `jane@example.com`,
 *   a bare domain), or turn into an emoji (`:x:`): each word that could is put in an inline code
 *   span, which GitLab never parses for references, links or emoji (docs/vendor-facts.md, GitLab).
 *   The span's fence is one backtick longer than the longest backtick run inside, so a backtick
 *   in the text cannot close it early;
 * - run a quick action (`/close` must start a line: newlines are flattened, and a word starting
 *   with `/` is in a code span);
 * - break a table or inject HTML or a marker: `|`, `<` and `>` never go into a code span (GitLab
 *   splits table cells on `|` even inside one): they close it and are written as entities;
 * - open emphasis, links, images, inline diffs or math: a word with `` ` * _ [ ] { } ~ $ ^ \ ``
 *   is in a code span, where they are literal.
 * Words with none of that stay plain text, so names read as names. Invisible format characters
 * (zero-width, bidi controls, tag characters, stray variation selectors) would let two names look
 * the same: they are shown as `⟨U+200B⟩`. Control characters and lone surrogates go, whitespace
 * collapses, and the length is bounded.
 */
const SEPARATORS: Record<string, string> = { '<': '&lt;', '>': '&gt;', '|': '&#124;' };

export const MAX_INLINE_LENGTH = 200;

export function inline(value: unknown, maxLength = MAX_INLINE_LENGTH): string {
  const flat = flatten(textOf(value));
  const codePoints = Array.from(flat);
  const truncated = codePoints.length > maxLength;
  const visible = truncated ? codePoints.slice(0, maxLength).join('').trimEnd() : flat;
  const out = visible
    .split(' ')
    .map((word, index) => renderWord(word, index === 0))
    .join(' ');
  return truncated ? `${out}… (${codePoints.length - maxLength} more characters)` : out;
}

/** One space-free word: `<`, `>` and `|` as entities between its pieces, each piece plain or in a code span. */
function renderWord(word: string, lineStart: boolean): string {
  const parts = word.split(/([<>|])/);
  let out = '';
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 1) out += SEPARATORS[part];
    else if (part) out += renderPiece(part, lineStart && index === 0, index === parts.length - 1);
  }
  return out;
}

function renderPiece(piece: string, lineStart: boolean, wordEnd: boolean): string {
  if (isPlain(piece, lineStart, wordEnd)) return plain(piece);
  // Sentence punctuation around a URL or an email stays outside the span, so what is copied is the address alone.
  let start = 0;
  while (start < piece.length && LEADING_PUNCTUATION.includes(piece[start])) start++;
  let end = piece.length;
  while (end > start && TRAILING_PUNCTUATION.includes(piece[end - 1])) {
    const char = piece[end - 1];
    const core = piece.slice(start, end);
    // A closing bracket or quote that pairs with one inside belongs to the text (`f(x)`, `~"a b"`).
    if (char === ')' && count(core, ')') <= count(core, '(')) break;
    if ((char === '"' || char === "'") && count(core, char) % 2 === 0) break;
    end--;
  }
  if (end === start) return codeSpan(piece);
  // GitLab drops a backslash that starts a code span holding a colour code (`\#F00`): those
  // backslashes stay outside, escaped.
  let slashes = start;
  if (COLOUR_AFTER_BACKSLASHES.test(piece.slice(start, end))) while (piece[slashes] === '\\') slashes++;
  const escaped = '\\\\'.repeat(slashes - start);
  return `${plain(piece.slice(0, start))}${escaped}${codeSpan(piece.slice(slashes, end))}${plain(piece.slice(end))}`;
}

const COLOUR_AFTER_BACKSLASHES = /^\\+(#[0-9a-f]{3,8}|(rgb|hsl)a?\()/i;
const LEADING_PUNCTUATION = '("\'“‘';
const TRAILING_PUNCTUATION = '.,;:?"\')”’';

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/**
 * Whether a piece of a word may stay plain text: nothing GitLab would turn into a mention, a
 * reference, a link, an emoji or markup, and nothing that starts a block at the start of a line.
 */
function isPlain(piece: string, lineStart: boolean, wordEnd: boolean): boolean {
  // Markup, references that take any position, paths (`group/project>`, a quick action).
  if (/[\\`*_[\]{}~@$^/]/.test(piece)) return false;
  // `#1`, `!2`, `%m`, `&12`: a sigil is plain only as the word's last character ("C#", "100%", "Yes!", "R &").
  const sigil = /[#!%&]/.exec(piece);
  if (sigil && !(wordEnd && sigil.index === piece.length - 1)) return false;
  // A URI scheme (`mailto:x`, `https:`), an emoji (`:smile:`), a domain (`example.com`, `www.x.test`).
  if (/[A-Za-z][A-Za-z0-9+.-]*:[^\s]/.test(piece) || /:[\p{L}\p{N}_+-]+:/u.test(piece)) return false;
  if (/(^|[^\p{L}\p{N}_.-])www\./iu.test(piece) || /[\p{L}\p{N}-]\.\p{L}{2}/u.test(piece)) return false;
  // A commit SHA (7 to 40 hex digits), an external issue (`GL-123`, `JIRA-1`).
  if (
    /(?<![\p{L}\p{N}])[0-9a-f]{7,40}(?![\p{L}\p{N}])/iu.test(piece) ||
    /(?<![\p{L}\p{N}])[A-Z][A-Z0-9_]+-\d+/u.test(piece)
  )
    return false;
  // At the start of a line: a heading, list item, description, setext underline or rule marker (`>` is never raw).
  if (lineStart && /^(#{1,6}|[-+*=:]+|\d{1,9}[.)])$/.test(piece)) return false;
  return true;
}

function plain(text: string): string {
  return showInvisible(text).replace(/&/g, '&amp;');
}

/**
 * A CommonMark code span holding `content` literally: a fence longer than any backtick run inside,
 * padded where it must be.
 */
function codeSpan(content: string): string {
  const shown = showInvisible(content);
  const longest = Math.max(0, ...Array.from(shown.matchAll(/`+/g), (run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  // One space each side is stripped again; it keeps a backtick at either end off the fence, and a
  // final backslash off it.
  const pad = /^`|[`\\]$/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * Invisible characters that could make two names look the same: format characters (zero-width
 * spaces and joiners, bidi controls, word joiners, the BOM, soft hyphens, tag characters),
 * Hangul fillers, and variation selectors. A joiner inside an emoji sequence, and one variation
 * selector after an emoji (or a keycap base) or an ideograph, are what they are for, and stay.
 */
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- each code point is matched on its own, by design
  /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

function showInvisible(text: string): string {
  if (!INVISIBLE.test(text)) return text;
  const chars = Array.from(text);
  return chars
    .map((char, index) =>
      INVISIBLE.test(char) && !legitimate(chars, index)
        ? `⟨U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`
        : char,
    )
    .join('');
}

function legitimate(chars: string[], index: number): boolean {
  const char = chars[index];
  const before = chars[index - 1] ?? '';
  const after = chars[index + 1] ?? '';
  const pictographic = (c: string) => /\p{Extended_Pictographic}/u.test(c);
  if (char === '\u200d') {
    const base = before === '\ufe0f' || /\p{Emoji_Modifier}/u.test(before) ? (chars[index - 2] ?? '') : before;
    return pictographic(base) && pictographic(after);
  }
  if (char === '\ufe0e' || char === '\ufe0f')
    return pictographic(before) || (/^[0-9#*]$/.test(before) && after === '\u20e3');
  if (/[\u{e0100}-\u{e01ef}]/u.test(char)) return /\p{Ideographic}/u.test(before);
  return false;
}

/** Text with no line breaks, control characters or lone surrogates, whitespace collapsed. */
function flatten(text: string): string {
  return (
    text
      .toWellFormed()
      // eslint-disable-next-line no-control-regex -- removing control characters from platform text is the point
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/[^\S\ufeff]+/g, ' ')
      .trim()
  );
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
