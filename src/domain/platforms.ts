import type { PlatformId } from './types.js';

export interface PlatformInfo {
  id: PlatformId;
  displayName: string;
  /** Prefix of the short item ids people use in replies (PD-3). */
  itemPrefix: string;
}

export const PLATFORMS: Record<PlatformId, PlatformInfo> = {
  zendesk: { id: 'zendesk', displayName: 'Zendesk', itemPrefix: 'ZD' },
  'zendesk-us-federal': { id: 'zendesk-us-federal', displayName: 'Zendesk US Federal', itemPrefix: 'ZDF' },
  calendly: { id: 'calendly', displayName: 'Calendly', itemPrefix: 'CAL' },
  pagerduty: { id: 'pagerduty', displayName: 'PagerDuty', itemPrefix: 'PD' },
};
