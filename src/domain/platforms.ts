import { PLATFORM_MODULES } from '../platforms/registry.js';
import type { PlatformId } from './types.js';

export interface PlatformInfo {
  id: PlatformId;
  displayName: string;
  /** Prefix of the short item ids people use in replies (PD-3). */
  itemPrefix: string;
}

const AUDITS = PLATFORM_MODULES.flatMap((module) => module.audits);

/** Every audit's platform id, in the registry's order (zendesk, zendesk-us-federal, calendly, pagerduty). */
export const PLATFORM_IDS: readonly PlatformId[] = AUDITS.map((audit) => audit.id as PlatformId);

export function isPlatformId(value: string): value is PlatformId {
  return (PLATFORM_IDS as readonly string[]).includes(value);
}

/** Each audit's name and item prefix, by platform id. */
export const PLATFORMS: Readonly<Record<PlatformId, PlatformInfo>> = Object.fromEntries(
  AUDITS.map((audit) => [audit.id, { id: audit.id, displayName: audit.displayName, itemPrefix: audit.itemPrefix }]),
) as Record<PlatformId, PlatformInfo>;
