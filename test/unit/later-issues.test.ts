import { laterIssues } from '../../src/commands/followup.js';
import type { TrackedIssue } from '../../src/gitlab/tracker.js';
import type { PlatformId } from '../../src/domain/types.js';

const issue = (
  iid: number,
  quarter: string,
  state: 'opened' | 'closed' = 'opened',
  platform: PlatformId = 'pagerduty',
) => ({
  platform,
  quarter,
  issue: {
    iid,
    title: '',
    description: '',
    labels: [`audit::${platform}`, `audit-quarter::${quarter}`],
    state,
    confidential: true,
    webUrl: '',
    createdAt: '',
    closedBy: null,
  } satisfies TrackedIssue,
});

describe('which issue takes over an earlier quarter’s', () => {
  test('the latest open issue of the same platform, of a quarter that has begun', () => {
    expect(laterIssues([issue(1, '2026-Q3'), issue(2, '2026-Q4'), issue(3, '2026-Q2')], '2026-Q4')).toEqual(
      new Map([
        [1, { iid: 2, quarter: '2026-Q4' }],
        [3, { iid: 2, quarter: '2026-Q4' }],
      ]),
    );
    // Another platform's issue takes over nothing here.
    expect(laterIssues([issue(1, '2026-Q3'), issue(2, '2026-Q4', 'opened', 'calendly')], '2026-Q4')).toEqual(new Map());
  });

  test('not a closed issue (listed while it still owes an outcome), nor a quarter label set ahead', () => {
    expect(laterIssues([issue(1, '2026-Q3'), issue(2, '2026-Q4', 'closed')], '2026-Q4')).toEqual(new Map());
    expect(laterIssues([issue(1, '2026-Q4'), issue(2, '2099-Q1')], '2026-Q4')).toEqual(new Map());
    expect(laterIssues([issue(1, '2026-Q4'), issue(2, 'someday')], '2026-Q4')).toEqual(new Map());
  });
});
