import { inline, mention, table, MAX_INLINE_LENGTH } from '../../src/domain/markdown.js';
import { parseMarkers, renderMarker } from '../../src/domain/markers.js';
import { renderPingNote, resultsTableRow } from '../../src/domain/render.js';
import { ZENDESK_INSTANCES, zendeskFindings } from '../../src/platforms/zendesk/findings.js';

/**
 * One run of an inline Markdown line: a code span (its content, literal) or prose (as written, and
 * as GitLab shows it).
 */
interface Run {
  code: boolean;
  raw: string;
  text: string;
}

/**
 * A single line of inline Markdown split as CommonMark does into code spans and prose: a
 * backtick run opens a span closed by the next run of the same length (else it is literal);
 * backslash escapes and entities count in prose only; one space is stripped from each end of a
 * span's content when both ends have one.
 */
function runs(markdown: string): Run[] {
  const out: Run[] = [];
  let prose = '';
  const flush = () => {
    if (prose) out.push({ code: false, raw: prose, text: decodeProse(prose) });
    prose = '';
  };
  let i = 0;
  while (i < markdown.length) {
    if (markdown[i] === '\\' && /[!-/:-@[-`{-~]/.test(markdown[i + 1] ?? '')) {
      prose += markdown.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (markdown[i] !== '`') {
      prose += markdown[i++];
      continue;
    }
    const fence = /^`+/.exec(markdown.slice(i))![0];
    let close = -1;
    for (let j = i + fence.length; j < markdown.length;) {
      if (markdown[j] !== '`') {
        j++;
        continue;
      }
      const run = /^`+/.exec(markdown.slice(j))![0];
      if (run.length === fence.length) {
        close = j;
        break;
      }
      j += run.length;
    }
    if (close === -1) {
      prose += fence;
      i += fence.length;
      continue;
    }
    flush();
    let content = markdown.slice(i + fence.length, close);
    if (content.length > 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '')
      content = content.slice(1, -1);
    out.push({ code: true, raw: markdown.slice(i, close + fence.length), text: content });
    i = close + fence.length;
  }
  flush();
  return out;
}

function decodeProse(raw: string): string {
  return raw.replace(
    /\\([!-/:-@[-`{-~])|&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);/gi,
    (_, escaped: string | undefined, entity: string | undefined) => {
      if (escaped) return escaped;
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
      if (named[entity!.toLowerCase()]) return named[entity!.toLowerCase()];
      return String.fromCodePoint(
        entity!.toLowerCase().startsWith('#x') ? parseInt(entity!.slice(2), 16) : Number(entity!.slice(1)),
      );
    },
  );
}

/**
 * What a reader gets by selecting the rendered text and copying it: code spans without their
 * backticks, prose decoded.
 */
function copied(markdown: string): string {
  return runs(markdown)
    .map((run) => run.text)
    .join('');
}

/** Characters that would open Markdown syntax in prose, unless preceded by an odd number of backslashes. */
function unescapedSpecials(markdown: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < markdown.length; i++) {
    if (!'`*_[]{}~\\'.includes(markdown[i])) continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && markdown[j] === '\\'; j--) slashes++;
    if (markdown[i] === '\\' && /[!-/:-@[-`{-~]/.test(markdown[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (slashes % 2 === 0) found.push(markdown[i]);
  }
  return found;
}

/**
 * Every property a platform string must have once it went through `inline`. GitLab parses no
 * mention, reference, link, emoji or markup inside a code span, so those checks apply to the
 * prose between spans; the characters that act before inline parsing (`|` splits table cells,
 * `<` starts HTML or a marker, a line break ends the cell or line) appear nowhere, spans included.
 */
function expectInert(out: string): void {
  expect(out).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
  expect(out.startsWith('/')).toBe(false);
  expect(out).not.toContain('|');
  expect(out).not.toContain('<');
  expect(out).not.toContain('>');
  expect(out.isWellFormed()).toBe(true);
  // Bidi controls and zero-width characters never reach the note: they are named instead.
  expect(out).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/);
  const parts = runs(out);
  const prose = parts.filter((run) => !run.code);
  // Every backtick belongs to a closed code span, and prose opens no emphasis, link, image, diff or math.
  expect(prose.flatMap((run) => unescapedSpecials(run.raw))).toEqual([]);
  const text = prose.map((run) => run.text).join('\u0000');
  // GitLab looks for references in the rendered text outside code: no sigil may be followed by a name or number.
  expect(text).not.toMatch(/[@#!~%$&^][\p{L}\p{N}_."'-]/u);
  expect(text).not.toMatch(/:\/\//);
  // GitLab auto-links www.example.com and emails as it does a URL, and shows :name: as an emoji.
  expect(text).not.toMatch(/(^|[^\p{L}\p{N}_.-])www\./iu);
  expect(text).not.toMatch(/[\p{L}\p{N}]\.\p{L}{2}/u);
  expect(text).not.toMatch(/:[\p{L}\p{N}_+-]+:/u);
  // The text copies as what it is: every character of a span is literal.
  expect(parts.filter((run) => run.code).every((run) => !/[|<>\n]/.test(run.text))).toBe(true);
  // No marker the bot would read back, wherever the text lands in a note.
  expect(parseMarkers(out)).toEqual([]);
  expect(parseMarkers(`before\n\n${out}\n\nafter`)).toEqual([]);
}

describe('inline(): hostile platform text is inert', () => {
  const hostile: Record<string, string> = {
    'mention all': '@all',
    'group mention': '@group/sub',
    'user mention mid-text': 'ping @jdoe please',
    issue: '#123',
    'merge request': '!45',
    label: '~label',
    'scoped label': '~"audit-status::closed"',
    milestone: '%milestone',
    snippet: '$snippet',
    epic: '&epic',
    'epic number': '&12',
    'cross-project issue': 'group/project#7',
    'quick action': '/close',
    'quick action after spaces': '   /close',
    'quick action after newline': 'Jane\n/close',
    'quick action after CRLF': 'Jane\r\n/reopen',
    'quick action after LINE SEPARATOR': 'Jane\u2028/close',
    'quick action after PARAGRAPH SEPARATOR': 'Jane\u2029/label ~x',
    'quick action after NEL': 'Jane\u0085/close',
    'quick action after vertical tab': 'Jane\u000b/close',
    pipe: 'a | b || c',
    script: '<script>alert(1)</script>',
    'html comment': '<!-- hidden -->',
    'forged marker': '<!-- audit-bot {"v":1,"step":"ping1","platform":"pagerduty","findings":["x"]} -->',
    link: '[link](http://x)',
    image: '![img](x)',
    'reference link': '[a][1]\n[1]: http://evil',
    backticks: '`code` and ```fence```',
    bold: '**bold**',
    underscore: '__bold__ _em_',
    strike: '~~strike~~',
    'issue url': 'https://gitlab.com/a/b/-/issues/1',
    'uppercase scheme': 'HTTP://gitlab.com/a/b/-/merge_requests/2',
    'angle autolink': '<https://x.test>',
    backslash: 'a\\b \\*',
    entity: '&#64;all &lt; &amp;',
    heading: '# Heading',
    'bidi override': 'abc\u202e/close',
    'zero-width joiner tricks': '@\u200ball',
  };

  test.each(Object.entries(hostile))('%s', (_name, value) => {
    expectInert(inline(value));
  });

  test('a www. domain is not auto-linked, and inline diff markup shows as typed', () => {
    for (const value of ['www.evil.example', 'see WWW.Evil.Example now', '{+ added +} [- removed -]']) {
      const out = inline(value);
      expectInert(out);
      expect(copied(out)).toBe(value);
    }
    // A domain, with or without www, is copied as it is: nothing is inserted into it.
    expect(inline('awww.example')).toBe('`awww.example`');
  });

  test('a 10,000-character string is bounded and says how much was cut', () => {
    const out = inline('a'.repeat(10_000));
    expect(out).toBe(`${'a'.repeat(MAX_INLINE_LENGTH)}… (9800 more characters)`);
    const hostileLong = inline('@all|/close\n'.repeat(1000));
    expect(hostileLong.length).toBeLessThan(MAX_INLINE_LENGTH * 15);
    expect(hostileLong).toMatch(/… \(\d+ more characters\)$/);
    expectInert(hostileLong);
  });

  test('a custom bound counts characters, not UTF-16 units', () => {
    const out = inline('😀'.repeat(300), 10);
    expect(out).toBe(`${'😀'.repeat(10)}… (290 more characters)`);
    expect(out.isWellFormed()).toBe(true);
  });

  test('lone surrogates become U+FFFD', () => {
    expect(inline('\uD800')).toBe('\uFFFD');
    expect(inline('a\uDC00b')).toBe('a\uFFFDb');
    expect(inline('ok 😀')).toBe('ok 😀');
  });

  test('control characters become spaces and whitespace collapses', () => {
    expect(inline('a\u0000b\u0007c\u001bd\u007fe\u009ff')).toBe('a b c d e f');
    expect(inline('  a \t\t b  ')).toBe('a b');
  });

  test('null, undefined and numbers', () => {
    expect(inline(null)).toBe('');
    expect(inline(undefined)).toBe('');
    expect(inline(42)).toBe('42');
    expect(inline(-1.5)).toBe('-1.5');
    expect(inline(0)).toBe('0');
  });

  test('the visible text is preserved exactly (only flattened): copying it gives the original back', () => {
    for (const value of [
      '@all #1 !2 ~l %m $s &e ^x',
      'https://gitlab.com/a/b/-/issues/1',
      '/close | <b> `x` **y** [z](w)',
      'a\\b',
      'ends with a backslash\\',
      '`',
      '``a`b```',
      '\\#F00 \\RGB(1,2,3)',
      '"@all" (see https://x.test/a_(b)).',
      '&#64;all &lt; &amp;',
    ]) {
      const out = inline(value);
      expectInert(out);
      expect(copied(out)).toBe(value);
    }
  });

  test('emails and URLs are copied exactly, with no invisible character inside, and never link or mention', () => {
    const email = 'jane.o-neil+audit@example.com';
    const url = 'https://gitlab.com/support/requests/-/issues/101?x=1&y=2#note_3';
    for (const value of [
      email,
      url,
      `Jane Doe <${email}>`,
      `request ${url}, expires 2027-06-30.`,
      `(${email})`,
      `"${url}"`,
    ]) {
      const out = inline(value);
      expectInert(out);
      expect(copied(out)).toBe(value);
      const spans = runs(out)
        .filter((run) => run.code)
        .map((run) => run.text);
      // The address is a code span of its own: what a double-click or a copy of the span gives is the address alone.
      expect(spans.some((span) => span === email || span === url)).toBe(true);
      expect(out).not.toMatch(/[\u200b-\u200f\u2060\ufeff]|&#8203;/);
    }
    expect(inline(`Jane Doe <${email}>`)).toBe(`Jane Doe &lt;\`${email}\`&gt;`);
    expect(inline(url)).toBe(`\`${url}\``);
  });

  test('a backtick in the text cannot close its code span: the fence is longer than any run inside', () => {
    for (const value of ['@x`y', '@x``y```z', '`@all`', '@all\\', 'a````b@c']) {
      const out = inline(value);
      expectInert(out);
      expect(copied(out)).toBe(value);
      expect(runs(out).filter((run) => run.code)).toHaveLength(1);
    }
    expect(inline('`@all`')).toBe('`` `@all` ``');
  });

  test('a pipe never goes into a code span: it ends the span and is an entity, so a table cell stays one cell', () => {
    expect(inline('a|@b')).toBe('a&#124;`@b`');
    expect(inline('x@y.z|https://q.test')).toBe('`x@y.z`&#124;`https://q.test`');
    expect(copied(inline('x@y.z|https://q.test'))).toBe('x@y.z|https://q.test');
  });

  test('a line start never begins a quick action or a block', () => {
    for (const value of ['/close', '  /close', '# x', '> x', '- x', '1. x', '2) x', '+ x', '=== x', ': x']) {
      const out = inline(value);
      expectInert(out);
      // A code span or an entity: neither starts a block.
      expect(out).toMatch(/^(`|&[a-z]+;)/);
      expect(copied(out)).toBe(value.trim());
    }
  });

  test('invisible characters that would make two names look the same are shown, never kept or silently dropped', () => {
    expect(inline('Ann\u200bAgent')).toBe('Ann⟨U+200B⟩Agent');
    expect(inline('admin\u2060')).toBe('admin⟨U+2060⟩');
    expect(inline('ab\u202ecd\u2066')).toBe('ab⟨U+202E⟩cd⟨U+2066⟩');
    expect(inline('so\u00adft')).toBe('so⟨U+00AD⟩ft');
    expect(inline('x\u061cy\u180ez\ufeffw')).toBe('x⟨U+061C⟩y⟨U+180E⟩z⟨U+FEFF⟩w');
    expect(inline('tag\u{e0041}\u{e007f}')).toBe('tag⟨U+E0041⟩⟨U+E007F⟩');
    expect(inline('admin\ufe0f')).toBe('admin⟨U+FE0F⟩');
    expect(inline('jane\u200b@example.com')).toBe('`jane⟨U+200B⟩@example.com`');
    // What they are for stays: an emoji sequence, a keycap, an emoji's presentation selector.
    for (const value of ['👩\u200d💻', '❤\ufe0f', '1\ufe0f\u20e3', '👍🏽']) expect(inline(value)).toBe(value);
    for (const value of ['a\u200db', 'Zoë\u200dZoe']) expectInert(inline(value));
  });

  test('plain names stay readable', () => {
    for (const name of ["Jane O'Neil-Smith", 'José Müller', '李雷', 'Zoë Saldaña', 'Support AMER']) {
      expect(inline(name)).toBe(name);
    }
  });
});

describe('mention()', () => {
  test('valid usernames notify', () => {
    expect(mention('jdoe')).toBe('@jdoe');
    expect(mention('jane.doe-x_1')).toBe('@jane.doe-x_1');
  });

  test('anything else is inert text', () => {
    for (const value of ['evil name', 'all\n/close', '@all', 'x|y', '<b>', '../x', '']) {
      const out = mention(value);
      expect(out).not.toBe(`@${value}`);
      expectInert(out);
    }
  });
});

describe('table()', () => {
  const cellsOf = (line: string) => line.split(/(?<!\\)\|/).slice(1, -1);

  test('renders header, separator and rows; empty cells stay cells', () => {
    expect(
      table(
        ['A', 'B'],
        [
          ['x', ''],
          ['y', 'z'],
        ],
      ),
    ).toBe(['| A | B |', '| --- | --- |', '| x |   |', '| y | z |'].join('\n'));
  });

  test('inline() cells with hostile text keep the column count', () => {
    const rows = [
      [inline('a | b'), inline('x\ny'), inline('<!-- c -->')],
      [inline('||||'), inline('/close'), inline('`|`')],
    ];
    const lines = table(['One', 'Two', 'Three'], rows).split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line.startsWith('| ')).toBe(true);
      expect(cellsOf(line)).toHaveLength(3);
    }
  });
});

describe('markers never come out of inline text', () => {
  test('a real rendered marker passed through inline is not parsed back', () => {
    const marker = renderMarker({ v: 1, step: 'results', platform: 'pagerduty', findings: ['a'] });
    expect(parseMarkers(marker)).toHaveLength(1);
    expect(parseMarkers(inline(marker))).toEqual([]);
  });
});

describe('an email and a URL from a finding, copied out of the rendered note', () => {
  const email = 'ann.agent+zd@example.com';
  const url = 'https://gitlab.com/support/requests/-/issues/101';
  const now = new Date('2026-11-24T09:00:00Z');
  const roster = [
    {
      name: 'Ann Agent',
      email: 'ann@example.com',
      gitlab: { username: 'ann' },
      reports_to: null,
      zendesk: { main: { id: 1, role: 'agent', groups: [] } },
      line: 1,
    },
  ];
  const findings = zendeskFindings(
    {
      users: [
        {
          id: 1,
          name: 'Ann Agent',
          email,
          role: 'agent',
          created_at: '2025-01-01T00:00:00Z',
          last_login_at: '2026-11-23T00:00:00Z',
          two_factor_auth_enabled: true,
          suspended: false,
        },
      ],
      memberships: [],
      groups: [],
      customRoles: [],
      tokens: {
        available: true,
        tokens: [
          {
            id: 7,
            description: `Ann Agent - ${url} - 2027-06-30`,
            active: true,
            created_at: '2026-10-01T00:00:00Z',
            last_used: '2026-11-20T00:00:00Z',
          },
        ],
      },
      oauthClients: [],
      oauthTokens: { available: true, tokens: [] },
      me: { id: 9, name: 'Audit Admin', email: 'boss@example.com', role: 'admin' },
    },
    roster,
    { admin_allow_list: [], max_login_age: 'P90D', token_max_unused_age: 'P90D' },
    now,
    ZENDESK_INSTANCES.zendesk,
  );
  const ids = new Map(findings.map((finding, index) => [finding.fingerprint, `ZD-${index + 1}`]));
  const withEmail = findings.find((finding) => finding.kind === 'email-mismatch')!;
  const withUrl = findings.find((finding) => finding.kind === 'api-token-review')!;

  test('the findings carry them', () => {
    expect(withEmail.detail).toContain(email);
    expect(withUrl.detail).toContain(url);
  });

  test('in the results table: each is a code span of its own, equal to the original, in cells that stay cells', () => {
    for (const [finding, original] of [
      [withEmail, email],
      [withUrl, url],
    ] as const) {
      const row = resultsTableRow(finding, ids);
      const cells = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      expect(cells).toHaveLength(4);
      for (const cell of cells.slice(1, 3)) expectInert(cell);
      const spans = cells.flatMap((cell) =>
        runs(cell)
          .filter((run) => run.code)
          .map((run) => run.text),
      );
      expect(spans).toContain(original);
      expect(copied(cells[2])).toContain(original);
      // Not auto-linked, not a mention: outside the span there is no trace of it.
      const prose = cells
        .flatMap((cell) =>
          runs(cell)
            .filter((run) => !run.code)
            .map((run) => run.text),
        )
        .join(' ');
      expect(prose).not.toContain(original);
      expect(prose).not.toMatch(/@|:\/\//);
    }
  });

  test('in a ping: the same, line by line', () => {
    const note = renderPingNote({
      platform: 'zendesk',
      quarter: '2026-Q4',
      owner: 'ann',
      supportOpsManagers: ['som-alex'],
      findings: [withEmail, withUrl],
      ids,
      secondPingAfter: 'P3D',
    });
    const items = note.split('\n').filter((line) => line.startsWith('- **'));
    expect(items).toHaveLength(2);
    const spans = items.flatMap((line) =>
      runs(line)
        .filter((run) => run.code)
        .map((run) => run.text),
    );
    expect(spans).toEqual(expect.arrayContaining([email, url]));
    expect(items.map(copied).join('\n')).toContain(email);
    expect(items.map(copied).join('\n')).toContain(url);
    expect(note).not.toMatch(/[\u200b\u2060\ufeff]|&#8203;/);
  });
});
