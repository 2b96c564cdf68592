import { applyAllowList } from '../../src/domain/allow-list.js';
import type { AllowListEntry } from '../../src/config/types.js';
import type { Finding } from '../../src/domain/types.js';

const finding = (key: string): Finding => ({
  platform: 'pagerduty',
  kind: 'user-not-in-roster',
  fingerprint: `pagerduty:user-not-in-roster:${key}`,
  owner: null,
  subject: key,
  detail: '',
});
const entry = (key: string, expires: string): AllowListEntry => ({
  fingerprint: `pagerduty:user-not-in-roster:${key}`,
  reason: 'monitoring bot',
  expires,
});

describe('applyAllowList', () => {
  const findings = [finding('PBOT'), finding('POTHER')];

  test('an unexpired exception is accepted, others stay active', () => {
    const { active, accepted } = applyAllowList(
      findings,
      [entry('PBOT', '2027-01-31')],
      new Date('2026-11-24T09:00:00Z'),
    );
    expect(active).toEqual([finding('POTHER')]);
    expect(accepted).toEqual([{ finding: finding('PBOT'), exception: entry('PBOT', '2027-01-31') }]);
  });

  test('an exception that expired yesterday makes the finding active again', () => {
    const { active, accepted } = applyAllowList(
      findings,
      [entry('PBOT', '2026-11-23')],
      new Date('2026-11-24T00:00:00Z'),
    );
    expect(active).toEqual(findings);
    expect(accepted).toEqual([]);
  });

  test('the expiry day itself is still valid, to its last UTC minute', () => {
    for (const now of ['2026-11-24T00:00:00Z', '2026-11-24T23:59:59Z']) {
      expect(applyAllowList(findings, [entry('PBOT', '2026-11-24')], new Date(now)).accepted).toHaveLength(1);
    }
    expect(
      applyAllowList(findings, [entry('PBOT', '2026-11-24')], new Date('2026-11-25T00:00:00Z')).accepted,
    ).toHaveLength(0);
  });

  test('an expired entry does not hide a valid one for the same fingerprint', () => {
    const { accepted } = applyAllowList(
      findings,
      [entry('PBOT', '2026-01-01'), entry('PBOT', '2027-01-01')],
      new Date('2026-11-24T09:00:00Z'),
    );
    expect(accepted.map((a) => a.exception.expires)).toEqual(['2027-01-01']);
  });
});
