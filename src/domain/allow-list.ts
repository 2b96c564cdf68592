import { DateTime } from 'luxon';
import type { AllowListEntry } from '../config/types.js';
import type { Finding } from './types.js';

export interface AcceptedFinding {
  finding: Finding;
  exception: AllowListEntry;
}

/** Splits findings into those to act on and those covered by an unexpired exception (kept for the record). */
export function applyAllowList(
  findings: Finding[],
  allowList: AllowListEntry[],
  now: Date,
): { active: Finding[]; accepted: AcceptedFinding[] } {
  const today = DateTime.fromJSDate(now, { zone: 'utc' }).toISODate()!;
  const active: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  for (const finding of findings) {
    const exception = allowList.find((entry) => entry.fingerprint === finding.fingerprint && entry.expires >= today);
    if (exception) accepted.push({ finding, exception });
    else active.push(finding);
  }
  return { active, accepted };
}
