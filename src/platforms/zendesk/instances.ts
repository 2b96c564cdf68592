import type { ZendeskInstance } from './roster.js';
import type { ZendeskConfig } from './settings.js';

export type ZendeskPlatform = 'zendesk' | 'zendesk-us-federal';

/** One Zendesk instance: the audit's platform id, the roster section it reads, and how it is named. */
export interface ZendeskInstanceInfo {
  platform: ZendeskPlatform;
  rosterKey: ZendeskInstance;
  name: string;
}

export const ZENDESK_INSTANCES: Record<ZendeskPlatform, ZendeskInstanceInfo> = {
  zendesk: { platform: 'zendesk', rosterKey: 'main', name: 'Zendesk' },
  'zendesk-us-federal': { platform: 'zendesk-us-federal', rosterKey: 'us_federal', name: 'Zendesk US Federal' },
};

/** What the audit reads of `platforms.<zendesk id>` (the others have defaults, so unit tests can omit them). */
export type ZendeskAuditSettings = Pick<ZendeskConfig, 'admin_allow_list'> &
  Partial<Pick<ZendeskConfig, 'max_login_age' | 'token_max_unused_age' | 'service_accounts' | 'two_factor_required'>>;
