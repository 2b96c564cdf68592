import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { collectOffsetPages } from '../../http/paginate.js';
import type { PagerDutySnapshot, PdEscalationPolicy, PdSchedule, PdUser } from './types.js';

export function createPagerDutyHttp(options: Omit<VendorClientOptions, 'vendor' | 'headers'> & { token: string }): VendorClient {
  const { token, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'pagerduty',
    headers: {
      authorization: `Token token=${token}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    },
  });
}

export class PagerDutyClient {
  constructor(readonly http: VendorClient) {}

  users(): Promise<PdUser[]> {
    return collectOffsetPages<PdUser>(this.http, 'users', 'users');
  }

  schedules(): Promise<PdSchedule[]> {
    return collectOffsetPages<PdSchedule>(this.http, 'schedules', 'schedules');
  }

  escalationPolicies(): Promise<PdEscalationPolicy[]> {
    return collectOffsetPages<PdEscalationPolicy>(this.http, 'escalation_policies', 'escalation_policies');
  }

  async snapshot(): Promise<PagerDutySnapshot> {
    // Sequential on purpose: one vendor budget, and the order keeps request logs readable.
    const users = await this.users();
    const schedules = await this.schedules();
    const escalationPolicies = await this.escalationPolicies();
    return { users, schedules, escalationPolicies };
  }
}
