import { parseReply, readReply, REPLY_LIMITS, unreadItemIds, type ReplyClaim } from '../../src/domain/replies.js';

const fixed = (...ids: string[]): ReplyClaim => ({ kind: 'fixed', ids });
const intentional = (ids: string[] | 'all', reason: string): ReplyClaim => ({ kind: 'intentional', ids, reason });

describe('parseReply: what counts', () => {
  test.each([
    ['PD-3 fixed', [fixed('PD-3')]],
    ['PD-3, PD-4 fixed', [fixed('PD-3', 'PD-4')]],
    ['PD-3,PD-4,PD-10 fixed', [fixed('PD-3', 'PD-4', 'PD-10')]],
    ['PD-3 and PD-4 fixed', [fixed('PD-3', 'PD-4')]],
    ['PD-3 & PD-4 fixed', [fixed('PD-3', 'PD-4')]],
    ['PD-3, PD-4 and PD-5 fixed', [fixed('PD-3', 'PD-4', 'PD-5')]],
    ['PD-3 AND PD-4 fixed', [fixed('PD-3', 'PD-4')]],
    ['pd-3 fixed', [fixed('PD-3')]],
    ['Pd-3, zdf-12 Fixed', [fixed('PD-3', 'ZDF-12')]],
    ['PD-3 FIXED', [fixed('PD-3')]],
    ['PD-3: fixed', [fixed('PD-3')]],
    ['PD-3 - fixed', [fixed('PD-3')]],
    ['PD-3 fixed.', [fixed('PD-3')]],
    ['PD-3 fixed!', [fixed('PD-3')]],
    ['PD-3 fixed, removed them from the schedule', [fixed('PD-3')]],
    ['PD-3 done', [fixed('PD-3')]],
    ['PD-3 resolved', [fixed('PD-3')]],
    ['PD-3 removed', [fixed('PD-3')]],
    ['  PD-3 fixed  ', [fixed('PD-3')]],
    ['CAL-7 fixed', [fixed('CAL-7')]],
  ])('%j', (body, claims) => {
    expect(parseReply(body)).toEqual(claims);
  });

  test.each([
    ['all fixed', [{ kind: 'fixed', ids: 'all' }]],
    ['All Fixed', [{ kind: 'fixed', ids: 'all' }]],
    ['all of mine fixed', [{ kind: 'fixed', ids: 'all' }]],
    ['all mine fixed', [{ kind: 'fixed', ids: 'all' }]],
    ['all done', [{ kind: 'fixed', ids: 'all' }]],
    ['all resolved', [{ kind: 'fixed', ids: 'all' }]],
    ['all removed', [{ kind: 'fixed', ids: 'all' }]],
    ['all intentional: seasonal contractors', [intentional('all', 'seasonal contractors')]],
    ['all of mine expected - on-call backups', [intentional('all', 'on-call backups')]],
  ])('%j', (body, claims) => {
    expect(parseReply(body)).toEqual(claims);
  });

  test.each([
    ['PD-3 intentional: contractor until March', intentional(['PD-3'], 'contractor until March')],
    ['PD-3 intentional - contractor', intentional(['PD-3'], 'contractor')],
    ['PD-3 intentional – contractor', intentional(['PD-3'], 'contractor')],
    ['PD-3 intentional contractor', intentional(['PD-3'], 'contractor')],
    ['PD-3 intended: shared inbox', intentional(['PD-3'], 'shared inbox')],
    ['PD-3 expected: backup on-call', intentional(['PD-3'], 'backup on-call')],
    ['PD-3 justified: see MR !12', intentional(['PD-3'], 'see MR !12')],
    ['PD-3, pd-4 Intentional:   kept for the migration  ', intentional(['PD-3', 'PD-4'], 'kept for the migration')],
    ['PD-3: intentional: reason with: colons', intentional(['PD-3'], 'reason with: colons')],
  ])('%j', (body, claim) => {
    expect(parseReply(body)).toEqual([claim]);
  });

  test.each([
    ['approved', ''],
    ['Approved', ''],
    ['APPROVED.', ''],
    ['approve', ''],
    ['Approved, thanks', 'thanks'],
    ['Approved, thanks all.', 'thanks all.'],
    ['approved: all good', 'all good'],
    ['LGTM', ''],
    ['lgtm!', ''],
    ['review approved', ''],
    ['- approved', ''],
  ])('approval %j', (body, comment) => {
    expect(parseReply(body)).toEqual([{ kind: 'approved', comment }]);
  });

  test('list bullets (- and *) are instructions', () => {
    expect(parseReply('- PD-3 fixed')).toEqual([fixed('PD-3')]);
    expect(parseReply('* PD-4 intentional: kept')).toEqual([intentional(['PD-4'], 'kept')]);
    expect(parseReply('  - PD-5 done')).toEqual([fixed('PD-5')]);
  });

  test('several instructions in one note, one per line, in order; prose lines around them are ignored', () => {
    const body = [
      'Thanks for the ping! Here is where I am:',
      '',
      '- PD-3 fixed',
      '- PD-4, PD-5 intentional: shared on-call account',
      'PD-6 done',
      'Let me know if anything else is needed.',
    ].join('\r\n');
    expect(parseReply(body)).toEqual([
      fixed('PD-3'),
      intentional(['PD-4', 'PD-5'], 'shared on-call account'),
      fixed('PD-6'),
    ]);
  });

  test('an approval and item claims can share a note', () => {
    expect(parseReply('PD-3 fixed\nApproved, thanks')).toEqual([
      fixed('PD-3'),
      { kind: 'approved', comment: 'thanks' },
    ]);
  });
});

describe('parseReply: defects found and fixed', () => {
  // ID_LIST tries `all(?:\s+(?:of\s+)?mine)?` before `all\s+my\s+items`; the first alternative
  // already matches "all", so the second is dead and "all my items fixed" parses as nothing.
  test('"all my items fixed" is an all-fixed claim, as ID_LIST intends', () => {
    expect(parseReply('all my items fixed')).toEqual([{ kind: 'fixed', ids: 'all' }]);
  });

  // FIXED / INTENTIONAL / APPROVED accept any trailing text, so a question reads as an instruction:
  // "Approved?" from a Support Ops Manager closes the audit; "PD-3 intentional?" records reason "?".
  test('a line that asks (ends with "?") is a question, not an instruction', () => {
    expect(parseReply('PD-3 fixed?')).toEqual([]);
    expect(parseReply('all fixed?')).toEqual([]);
    expect(parseReply('PD-3 intentional?')).toEqual([]);
    expect(parseReply('Approved?')).toEqual([]);
  });
});

describe('parseReply: what does not count', () => {
  test.each([
    ['intentional without a reason', 'PD-3 intentional'],
    ['intentional with an empty reason after a colon', 'PD-3 intentional:'],
    ['intentional with an empty reason after a dash', 'PD-3 intentional - '],
    ['all intentional without a reason', 'all intentional'],
    ['a quoted line', '> PD-3 fixed'],
    ['a quoted line, indented', '   > PD-3 fixed'],
    ['a quoted approval', '> approved'],
    ['inline code', '`PD-3 fixed`'],
    ['inline code in prose', 'Reply `PD-3 fixed` when done'],
    [
      'the bot ping example',
      'Fix each item in PagerDuty, e.g. `PD-3 fixed`, `PD-3 intentional: <reason>`, or `all fixed`.',
    ],
    ['a question that mentions an id', 'is PD-3 fixed yet?'],
    ['prose that mentions an id', 'I think PD-3 fixed itself'],
    ['not fixed', 'not fixed'],
    ['id then not fixed', 'PD-3 not fixed'],
    ['id then still open', 'PD-3 still open'],
    ['unapproved', 'unapproved'],
    ['not approved', 'not approved'],
    ['disapprove', 'disapprove'],
    ['an id with no verb', 'PD-3'],
    ['a verb with no id', 'fixed'],
    ['a bare intentional', 'intentional: because'],
    ['an id that is too long a prefix', 'PDXX-3 fixed'],
    ['an id with no number', 'PD- fixed'],
    ['intentionally (another word)', 'PD-3 intentionally kept'],
    ['fixedness (another word)', 'PD-3 fixedness'],
    ['an empty note', ''],
    ['only blank lines', '\n  \n\t\n'],
  ])('%s', (_name, body) => {
    expect(parseReply(body)).toEqual([]);
  });

  test('fenced code blocks (``` and ~~~) are skipped, and lines after the fence count again', () => {
    const body = [
      '```',
      'PD-3 fixed',
      'approved',
      '```',
      'PD-4 fixed',
      '~~~text',
      'PD-5 fixed',
      '~~~',
      'PD-6 done',
    ].join('\n');
    expect(parseReply(body)).toEqual([fixed('PD-4'), fixed('PD-6')]);
  });

  test('an indented fence and a fence with a language tag are fences too', () => {
    expect(parseReply('  ```yaml\nPD-3 fixed\n  ```')).toEqual([]);
  });

  test('an unclosed fence swallows the rest of the note', () => {
    expect(parseReply('PD-2 fixed\n```\nPD-3 fixed\napproved')).toEqual([fixed('PD-2')]);
  });

  test('quoting someone else and answering below counts only the answer', () => {
    expect(parseReply('> PD-3 fixed\n> all fixed\nnot yet, sorry\nPD-4 intentional: kept')).toEqual([
      intentional(['PD-4'], 'kept'),
    ]);
  });

  test('a pasted bot marker is not a claim', () => {
    expect(parseReply('<!-- audit-bot {"v":1,"step":"addressed","platform":"pagerduty"} -->')).toEqual([]);
  });
});

describe('readReply: what one note may cost (REPLY_LIMITS)', () => {
  const repeat = (line: string, times: number, separator = '\n') => Array(times).fill(line).join(separator);

  test('an instruction repeated 10,000 times is one claim, and nothing was cut', () => {
    expect(readReply(repeat('PD-1 fixed', 10_000))).toEqual({ claims: [fixed('PD-1')], unreadIds: [], cut: false });
    expect(readReply(repeat('PD-1 fixed', 10_000, '\r\n')).claims).toEqual([fixed('PD-1')]);
    // "done" and "fixed" are the same instruction.
    expect(parseReply('PD-1 fixed\nPD-1 done\n- PD-1 resolved')).toEqual([fixed('PD-1')]);
  });

  test('a repeated instruction counts where it last appears: the last word on an item decides', () => {
    expect(parseReply('PD-3 fixed\nPD-3 intentional: kept\nPD-3 fixed')).toEqual([
      intentional(['PD-3'], 'kept'),
      fixed('PD-3'),
    ]);
  });

  test('at most REPLY_LIMITS.instructions distinct instructions are read; the note is then cut', () => {
    const body = Array.from({ length: 60 }, (_, i) => `PD-${i + 1} fixed`).join('\n');
    const read = readReply(body);
    expect(read.claims).toHaveLength(REPLY_LIMITS.instructions);
    expect(read.claims.at(-1)).toEqual(fixed(`PD-${REPLY_LIMITS.instructions}`));
    expect(read.cut).toBe(true);
    // Exactly the limit is not cut.
    expect(readReply(body.split('\n').slice(0, REPLY_LIMITS.instructions).join('\n')).cut).toBe(false);
  });

  test('at most REPLY_LIMITS.idsPerLine ids per line, each once', () => {
    const ids = Array.from({ length: 80 }, (_, i) => `PD-${i + 1}`);
    const read = readReply(`${ids.join(', ')} fixed`);
    expect(read.claims).toEqual([fixed(...ids.slice(0, REPLY_LIMITS.idsPerLine))]);
    expect(read.cut).toBe(true);
    expect(readReply(`${repeat('PD-1', 300, ', ')} fixed`)).toEqual({
      claims: [fixed('PD-1')],
      unreadIds: [],
      cut: false,
    });
  });

  test('a line longer than REPLY_LIMITS.lineLength is no instruction; the ids in its first part get the hint', () => {
    const long = `PD-3 fixed, ${'x'.repeat(REPLY_LIMITS.lineLength)}`;
    expect(readReply(long)).toEqual({ claims: [], unreadIds: ['PD-3'], cut: true });
    expect(readReply(`PD-3 fixed, ${'x'.repeat(REPLY_LIMITS.lineLength - 12)}`).claims).toEqual([fixed('PD-3')]);
  });

  test('one 1 MB line without a newline: nothing read past its first characters', () => {
    const body = repeat('PD-1 fixed', 91_000, ' ');
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(readReply(body)).toEqual({ claims: [], unreadIds: ['PD-1'], cut: true });
  });

  test('a 1 MB note of one instruction per line: one claim', () => {
    const body = repeat('PD-1 fixed', 91_000);
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(readReply(body)).toEqual({ claims: [fixed('PD-1')], unreadIds: [], cut: false });
  });

  test('a reason is kept to REPLY_LIMITS.reason characters', () => {
    const read = readReply(`PD-3 intentional: ${'r'.repeat(REPLY_LIMITS.reason + 100)}`);
    const claim = read.claims[0] as Extract<ReplyClaim, { kind: 'intentional' }>;
    expect(claim.reason).toHaveLength(REPLY_LIMITS.reason);
    expect(claim.reason.endsWith('…')).toBe(true);
    expect(read.cut).toBe(true);
  });

  test('ids on lines read as no instruction: each once, at most REPLY_LIMITS.unreadIds, none the note answers', () => {
    expect(unreadItemIds(repeat('I think PD-1 is sorted', 10_000))).toEqual(['PD-1']);
    const many = readReply(Array.from({ length: 80 }, (_, i) => `what about PD-${i + 1}`).join('\n'));
    expect(many.unreadIds).toHaveLength(REPLY_LIMITS.unreadIds);
    expect(many.cut).toBe(true);
    expect(readReply('Hi! PD-3 and PD-4 are sorted\nPD-3 fixed')).toEqual({
      claims: [fixed('PD-3')],
      unreadIds: ['PD-4'],
      cut: false,
    });
    expect(readReply('Hi! PD-3 and PD-4 are sorted\nall fixed').unreadIds).toEqual([]);
    expect(unreadItemIds('> PD-3 is sorted\n```\nPD-4 maybe\n```\nsee `PD-5 fixed`')).toEqual([]);
  });
});
