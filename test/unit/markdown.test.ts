import { inline, mention, table, MAX_INLINE_LENGTH } from '../../src/domain/markdown.js';
import { parseMarkers, renderMarker } from '../../src/domain/markers.js';

const ZWSP = '\u200b';

/** What a reader sees once GitLab has turned the few entities `inline` emits back into characters (one pass). */
function rendered(markdown: string): string {
  return markdown
    .replace(/&(amp|lt|gt|#124|#47|#8203);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', '#124': '|', '#47': '/', '#8203': ZWSP })[name]!)
    .replace(/\\([\\`*_[\]{}])/g, '$1');
}

/** Characters that would open Markdown syntax, unless preceded by an odd number of backslashes. */
function unescapedSpecials(markdown: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < markdown.length; i++) {
    if (!'`*_[]{}'.includes(markdown[i])) continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && markdown[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) found.push(markdown[i]);
  }
  return found;
}

/** Every property a platform string must have once it went through `inline`. */
function expectInert(out: string): void {
  expect(out).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
  expect(out.startsWith('/')).toBe(false);
  expect(out).not.toContain('|');
  expect(out).not.toContain('<');
  expect(out).not.toContain('>');
  expect(unescapedSpecials(out)).toEqual([]);
  expect(out.isWellFormed()).toBe(true);
  // GitLab looks for references in the rendered text: no sigil may be followed by a name or number.
  const text = rendered(out);
  expect(text).not.toMatch(/[@#!~%$&^][\p{L}\p{N}_.-]/u);
  expect(text).not.toMatch(/:\/\//);
  // GitLab auto-links www.example.com as it does a URL.
  expect(text).not.toMatch(/(^|[^\p{L}\p{N}_.-])www\./iu);
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
      expect(rendered(out).replaceAll(ZWSP, '')).toBe(value);
    }
    // Only a leading www is broken: a name that merely contains it is left as it is.
    expect(inline('awww.example')).toBe('awww.example');
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

  test('the visible text is preserved (only flattened)', () => {
    for (const value of ['@all #1 !2 ~l %m $s &e ^x', 'https://gitlab.com/a/b/-/issues/1', '/close | <b> `x` **y** [z](w)', 'a\\b']) {
      expect(rendered(inline(value)).replaceAll(ZWSP, '')).toBe(value);
    }
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
    expect(table(['A', 'B'], [['x', ''], ['y', 'z']])).toBe(['| A | B |', '| --- | --- |', '| x |   |', '| y | z |'].join('\n'));
  });

  test('inline() cells with hostile text keep the column count', () => {
    const rows = [[inline('a | b'), inline('x\ny'), inline('<!-- c -->')], [inline('||||'), inline('/close'), inline('`|`')]];
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
