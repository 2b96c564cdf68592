/**
 * Hostile platform data: every name and token description on every platform carries mentions
 * (`@all`, a group), quick actions at a line start, HTML, Markdown pipes and links, references,
 * control and bidi characters, lone surrogates, 10,000-character strings, and bytes that are not
 * UTF-8. Through `open` and a whole follow-up ladder (pings, managers, answers, review, close),
 * every note and issue description the bot writes stays inert.
 */
import { runAuditBot, withTimeline } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { loadRoster } from '../../src/config/roster.js';
import { PLATFORM_IDS } from '../../src/domain/platforms.js';
import { QUIET_ENV, issueOf, listedItems, servers } from './support.js';
import { reportFigures } from './figures.js';

const INVALID = 'INVALIDUTF8';
const LONG = `${'A'.repeat(9_990)}@all`;
const HOSTILE = [
  '@all please look',
  '@support-team/managers and @here',
  'Eve\n/close\n/label ~pwned\n/title pwned\n/confidential',
  '/close',
  '<img src=x onerror=alert(1)><script>alert(1)</script><!-- x --> --> <details><summary>x</summary>',
  '| col | col |\n|---|---|\n| a | b |',
  '[click](javascript:alert(1)) ![x](http://evil.example/x.png) http://evil.example/path',
  '#1 !2 ~bug %"m" &3 $4 ^5 `code` **bold** _it_',
  LONG,
  '\u202eevil\u200b\u0000\u0007\u001b[31m\r\n> quoted',
  'lone \ud800 surrogate',
  '```\n/close\n```',
  `bytes ${INVALID} here`,
];

const roster = loadRoster(SANDBOX_ROSTER);
const usernames = new Set(roster.map((person) => person.gitlab.username));

/** Puts hostile text in front of every name, description and summary the platform fakes serve. */
function poison(value: unknown, counter = { n: 0 }): void {
  if (Array.isArray(value)) {
    for (const item of value) poison(item, counter);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    if (typeof field === 'string' && ['name', 'description', 'summary'].includes(key)) {
      record[key] = `${HOSTILE[counter.n++ % HOSTILE.length]} ${field}`;
    } else poison(field, counter);
  }
}

/** Not UTF-8 on the wire: every platform answer has its placeholder replaced by invalid bytes. */
function invalidUtf8(sandbox: Sandbox): void {
  const placeholder = Buffer.from(INVALID);
  const bytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe2, 0x82]);
  for (const server of servers(sandbox).filter((candidate) => candidate !== sandbox.gitlab)) {
    server.setFaultPlan(() => ({
      type: 'rewrite',
      transform: (payload) => {
        const parts: Buffer[] = [];
        let rest = payload;
        for (let at = rest.indexOf(placeholder); at !== -1; at = rest.indexOf(placeholder)) {
          parts.push(rest.subarray(0, at), bytes);
          rest = rest.subarray(at + placeholder.length);
        }
        return Buffer.concat([...parts, rest]);
      },
    }));
  }
}

const MARKER = /<!-- audit-bot \{[^<>]*\} -->/g;

/** Why `text` (a note or description the bot wrote) is not inert, if it is not. */
function problems(text: string): string[] {
  const found: string[] = [];
  // The bot's own HTML comments (markers, the template's notes): platform text can never open one,
  // its '<' is escaped.
  const visible = text.replace(MARKER, '').replace(/<!--[\s\S]*?-->/g, '');
  // What GitLab reads as Markdown: code spans (the bot's own, `PD-3 intentional: <reason>`, and
  // platform text in them) hold literal text that GitLab never parses for mentions, references or
  // links; entities are characters. Fenced code blocks (the board's mermaid chart) are code too;
  // platform text never opens one (a line that starts with a span's fence also closes it, and a
  // backtick fence's info string may hold no backtick).
  let fence: string | undefined;
  const lines = visible.split('\n').map((line) => {
    const delimiter = /^ {0,3}(`{3,}|~{3,})([^`]*)$/.exec(line);
    if (fence === undefined && delimiter) fence = delimiter[1];
    else if (fence !== undefined && delimiter && delimiter[1].startsWith(fence) && delimiter[2].trim() === '')
      fence = undefined;
    else if (fence === undefined) return codeSpansOf(line);
    return { prose: '', unclosed: false };
  });
  for (const [index, line] of lines.entries())
    if (line.unclosed) found.push(`a backtick left open: ${visible.split('\n')[index].slice(0, 80)}`);
  const prose = lines
    .map((line) => line.prose)
    .join('\n')
    .replace(/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/gi, '\u00b7');
  for (const match of prose.matchAll(/(?<![\w&;\\])@([A-Za-z0-9_][A-Za-z0-9_.\-/]*)/g)) {
    if (!usernames.has(match[1])) found.push(`mentions @${match[1]}`);
  }
  for (const line of text.split('\n'))
    if (/^\s*\//.test(line)) found.push(`a line starts with a slash: ${line.slice(0, 60)}`);
  const html = /<[A-Za-z!/?]/.exec(prose);
  if (html) found.push(`HTML: ${prose.slice(html.index, html.index + 40)}`);
  const headings = prose.replace(/^#+ /gm, '');
  const reference = /(?<![\w\\])[#!%$^~&][0-9A-Za-z"]/.exec(headings);
  if (reference) found.push(`a reference: ${headings.slice(Math.max(0, reference.index - 20), reference.index + 20)}`);
  if (/(?<!\\)\]\(/.test(prose)) found.push('a Markdown link');
  if (/https?:\/\/evil/.test(prose)) found.push('an autolinked URL');
  if (/A{300}/.test(visible)) found.push('a 10,000-character string, uncut');
  if (!text.isWellFormed()) found.push('a lone surrogate');
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(text))
    found.push('control or bidi characters');
  // Every row of a table has as many cells as its header.
  let cells: number | undefined;
  for (const line of visible.split('\n')) {
    if (!line.startsWith('|')) {
      cells = undefined;
      continue;
    }
    const count = line.split(/(?<!\\)\|/).length;
    cells ??= count;
    if (count !== cells) found.push(`a table row with ${count - 2} cells, not ${cells - 2}: ${line.slice(0, 80)}`);
  }
  return found;
}

/**
 * A line as CommonMark splits it: a backtick run opens a code span that the next run of the same
 * length closes (backslash escapes count outside spans only). The prose keeps a space for each
 * span; `unclosed` says a backtick opened nothing, which could pair with one on another line.
 */
function codeSpansOf(line: string): { prose: string; unclosed: boolean } {
  let prose = '';
  let unclosed = false;
  for (let i = 0; i < line.length;) {
    if (line[i] === '\\' && /[!-/:-@[-`{-~]/.test(line[i + 1] ?? '')) {
      prose += line.slice(i, i + 2);
      i += 2;
    } else if (line[i] !== '`') {
      prose += line[i++];
    } else {
      const fence = /^`+/.exec(line.slice(i))![0];
      const runs = /`+/g;
      runs.lastIndex = i + fence.length;
      let close = -1;
      for (let next = runs.exec(line); next && close === -1; next = runs.exec(line))
        if (next[0].length === fence.length) close = next.index;
      if (close === -1) {
        unclosed = true;
        prose += fence;
        i += fence.length;
      } else {
        prose += ' ';
        i = close + fence.length;
      }
    }
  }
  return { prose, unclosed };
}

const figures = { strings: HOSTILE.length, notes: 0, descriptions: 0, checks: 0, bytes: 0, problems: 0 };

describe('hostile platform data is inert in every note and description', () => {
  test('open, a whole follow-up ladder, the review and the close, on all four platforms', async () => {
    await withTimeline(async (sandbox, time) => {
      for (const fake of Object.values(sandbox.fakes)) poison(fake.data);
      invalidUtf8(sandbox);
      const texts: Record<string, string> = {};
      for (const platform of PLATFORM_IDS) {
        const check = await runAuditBot(
          sandbox,
          ['check', '--platform', platform, '--format', 'markdown'],
          QUIET_ENV,
          time.now,
        );
        expect(check.code).toBe(0);
        texts[`check ${platform}`] = check.stdout;
        figures.checks += 1;
      }
      const run = async (argv: string[]) => {
        const result = await runAuditBot(sandbox, argv, QUIET_ENV, time.now);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      };
      await run(['open', '--platform', 'all']);
      for (const platform of PLATFORM_IDS)
        expect(listedItems(sandbox, issueOf(sandbox, platform)).length).toBeGreaterThan(3);
      time.at('PT72H');
      await run(['followup']);
      time.at('P7D');
      await run(['followup']);
      time.at('P7DT1H');
      for (const platform of ['pagerduty', 'zendesk']) {
        const iid = issueOf(sandbox, platform);
        sandbox.gitlab.addNote(iid, {
          author: 'som-alex',
          body: `${listedItems(sandbox, iid)
            .map((item) => item.id)
            .join(', ')} intentional: accepted`,
        });
      }
      time.at('P7DT2H');
      await run(['followup']);
      sandbox.gitlab.addNote(issueOf(sandbox, 'pagerduty'), { author: 'som-alex', body: 'approved' });
      time.at('P7DT3H');
      await run(['followup']);

      for (const issue of sandbox.gitlab.issues()) {
        texts[`description of #${issue.iid}`] = issue.description ?? '';
        figures.descriptions += 1;
        for (const note of sandbox.gitlab
          .notesOf(issue.iid)
          .filter((n) => !n.system && n.author.username === 'audit-bot')) {
          texts[`note ${note.id} on #${issue.iid}`] = note.body;
          figures.notes += 1;
        }
        // No quick action ran: only the approved audit is closed, by the bot's own update; titles
        // and labels are the bot's.
        expect(issue.title).toMatch(/access audit 2026-Q4$/);
        expect((issue.labels as string[]).filter((label) => !label.startsWith('audit'))).toEqual([]);
        expect(issue.state).toBe(issue.iid === issueOf(sandbox, 'pagerduty') ? 'closed' : 'opened');
        expect(issue.confidential).toBe(true);
      }
      const all = Object.entries(texts).flatMap(([where, text]) => {
        figures.bytes += text.length;
        return problems(text).map((problem) => `${where}: ${problem}`);
      });
      figures.problems = all.length;
      expect(all).toEqual([]);
      // The hostile text did reach the notes, made harmless.
      const notes = Object.values(texts).join('\n');
      expect(notes).toContain('`@all` please look');
      expect(notes).toContain('more characters)');
      expect(notes).toContain('\ufffd');
    });
  });
});

afterAll(() => {
  reportFigures('6. hostile platform data', [
    ['hostile strings (in every name and description)', figures.strings],
    [
      'bot notes / descriptions / check outputs inspected',
      `${figures.notes} / ${figures.descriptions} / ${figures.checks} (${(figures.bytes / 1e6).toFixed(1)} MB)`,
    ],
    ['mentions, quick actions, HTML, links, broken tables found', figures.problems],
  ]);
});
