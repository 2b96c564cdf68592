import { missedQuarters } from '../../src/commands/followup.js';
import type { AuditContext } from '../../src/commands/context.js';
import { quarterStart } from '../../src/domain/quarter.js';
import type { TrackedIssue, Tracker } from '../../src/gitlab/tracker.js';

test('quarterStart: 00:00 UTC on the first day of the quarter', () => {
  expect(quarterStart('2026-Q1').toISOString()).toBe('2026-01-01T00:00:00.000Z');
  expect(quarterStart('2026-Q2').toISOString()).toBe('2026-04-01T00:00:00.000Z');
  expect(quarterStart('2026-Q3').toISOString()).toBe('2026-07-01T00:00:00.000Z');
  expect(quarterStart('2026-Q4').toISOString()).toBe('2026-10-01T00:00:00.000Z');
  expect(() => quarterStart('2026-Q5')).toThrow('not a quarter');
});

describe('missedQuarters', () => {
  /** A context whose GitLab holds `issues` (found by all of their labels) and counts the listings. */
  function context(issues: { labels: string[] }[], grace = 'P3D') {
    const listings: string[][] = [];
    // The bot's issues, as its description marker names them (labels only say which audit the test means).
    const described = issues.map((issue) => {
      const [platform, quarter] = issue.labels.map((label) => label.split('::')[1]);
      return {
        ...issue,
        description: `<!-- audit-bot {"v":1,"step":"issue","platform":"${platform}","quarter":"${quarter}"} -->`,
      };
    });
    const tracker = {
      findIssues: (labels: string[], _state: string, filter?: { ownOnly?: boolean }) => {
        listings.push(filter?.ownOnly ? ['own'] : labels);
        return Promise.resolve(
          described.filter((issue) =>
            labels.every((label) => issue.labels.includes(label)),
          ) as unknown as TrackedIssue[],
        );
      },
    } as unknown as Tracker;
    const ctx = {
      tracker,
      config: { missed_quarter_after: grace, file: 'audit.config.yml' },
    } as unknown as AuditContext;
    return { ctx, listings };
  }
  const at = (iso: string) => new Date(iso);

  test('reported only once the quarter began longer ago than missed_quarter_after', async () => {
    const { ctx, listings } = context([]);
    expect(await missedQuarters(ctx, ['pagerduty'], [], at('2027-01-04T00:00:00.000Z'))).toEqual([]);
    expect(listings).toEqual([]);
    expect(await missedQuarters(ctx, ['pagerduty'], [], at('2027-01-04T00:00:00.001Z'))).toEqual([
      'pagerduty: MISSED QUARTER: no audit issue for 2027-Q1, which began on 2027-01-01 ' +
        '(more than P3D ago, missed_quarter_after in audit.config.yml). ' +
        'Run `audit-bot open --platform pagerduty` to open it.',
    ]);
    expect(listings).toEqual([['own']]);
    const hours = context([], 'PT12H');
    expect(await missedQuarters(hours.ctx, ['calendly'], [], at('2027-04-01T12:30:00Z'))).toHaveLength(1);
  });

  test(
    'an issue the run follows answers without a listing; ' +
      'a closed one of the quarter is found by one; another quarter’s does not count',
    async () => {
      const followed = [
        {
          issue: { labels: ['audit::pagerduty', 'audit-quarter::2027-Q1'] } as TrackedIssue,
          platform: 'pagerduty' as const,
          quarter: '2027-Q1',
        },
      ];
      const { ctx, listings } = context([
        { labels: ['audit::calendly', 'audit-quarter::2027-Q1'] },
        { labels: ['audit::zendesk', 'audit-quarter::2026-Q4'] },
      ]);
      const lines = await missedQuarters(
        ctx,
        ['pagerduty', 'calendly', 'zendesk'],
        followed,
        at('2027-02-01T06:00:00Z'),
      );
      expect(lines).toEqual([expect.stringMatching(/^zendesk: MISSED QUARTER: .*`audit-bot open --platform zendesk`/)]);
      // One listing of the bot's issues answers for both.
      expect(listings).toEqual([['own']]);
    },
  );

  test('a listing that fails is said, not taken for a missed quarter', async () => {
    const ctx = {
      tracker: { findIssues: () => Promise.reject(new Error('GitLab answered 503')) },
      config: { missed_quarter_after: 'P3D', file: 'a.yml' },
    } as unknown as AuditContext;
    expect(await missedQuarters(ctx, ['pagerduty'], [], at('2027-02-01T06:00:00Z'))).toEqual([
      'pagerduty: could not check that 2027-Q1 has an audit issue: GitLab answered 503',
    ]);
  });
});
