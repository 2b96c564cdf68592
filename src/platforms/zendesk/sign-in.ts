import type { ZdUser } from './types.js';
import { daysSince, isoMillis, utc } from './dates.js';

export interface Staleness {
  lastLogin: string | null;
  days: number;
}

/**
 * Last sign-in before `limit` (epoch ms: now minus max_login_age), or none at all on an account
 * created before it (a new account that has not signed in yet is not a finding until then).
 */
export function loginStaleness(user: ZdUser, now: Date, limit: number): Staleness | undefined {
  const last = user.last_login_at ? isoMillis(user.last_login_at) : undefined;
  if (last !== undefined) {
    if (last >= limit) return undefined;
    return { lastLogin: user.last_login_at!, days: daysSince(utc(last), now) };
  }
  const created = user.created_at ? isoMillis(user.created_at) : undefined;
  if (created !== undefined && created >= limit) return undefined;
  return { lastLogin: null, days: created !== undefined ? daysSince(utc(created), now) : -1 };
}
