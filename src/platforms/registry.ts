import { calendly } from './calendly/index.js';
import type { PlatformModule } from './contract.js';
import { pagerduty } from './pagerduty/index.js';
import { zendesk } from './zendesk/index.js';

/**
 * Every platform, in the order their audits run and are listed: platform ids, variables, secrets,
 * config and roster validation, the sandbox, the demo and the benchmark are derived from it.
 */
export const PLATFORM_MODULES: readonly PlatformModule[] = [zendesk, calendly, pagerduty];
