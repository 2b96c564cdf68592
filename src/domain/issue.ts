import type { LadderDurations } from '../config/types.js';
import { renderMarker } from './markers.js';
import { PLATFORMS } from './platforms.js';
import { humanDuration } from './render.js';
import type { PlatformId } from './types.js';

const PLATFORM_LABEL_PREFIX = 'audit::';

/** The label on every audit issue of a platform. */
export const platformLabel = (platform: PlatformId): string => `${PLATFORM_LABEL_PREFIX}${platform}`;

/** The platform an issue's label names, if any (not necessarily one audit-bot knows). */
export const labelledPlatform = (labels: readonly string[]): string | undefined =>
  labels.find((label) => label.startsWith(PLATFORM_LABEL_PREFIX))?.slice(PLATFORM_LABEL_PREFIX.length);

const QUARTER_LABEL_PREFIX = 'audit-quarter::';

/** The scopes of the labels the bot gives itself (platform, quarter, status): an issue holds one label per scope. */
export const BOT_LABEL_SCOPES: readonly string[] = [PLATFORM_LABEL_PREFIX, QUARTER_LABEL_PREFIX, 'audit-status::'];

/** The labels that identify one platform's audit issue for one quarter. */
export function identityLabels(platform: PlatformId, quarter: string): string[] {
  return [platformLabel(platform), `${QUARTER_LABEL_PREFIX}${quarter}`];
}

/** The quarter an issue's label names, if any. */
export const labelledQuarter = (labels: readonly string[]): string | undefined =>
  labels.find((label) => label.startsWith(QUARTER_LABEL_PREFIX))?.slice(QUARTER_LABEL_PREFIX.length);

export function issueTitle(platform: PlatformId, quarter: string): string {
  return `${PLATFORMS[platform].displayName} access audit ${quarter}`;
}

/** The placeholders issueDescription fills in: `audit-bot validate` reports any other `{{…}}`. */
export const TEMPLATE_PLACEHOLDERS = ['{{quarter}}', '{{platform}}', '{{platform_name}}', '{{second_ping_after}}', '{{manager_after}}', '{{som_after}}'] as const;

/**
 * The issue body: the platform's template with `{{quarter}}`, `{{platform}}`, `{{platform_name}}`
 * and the ladder's waits (`{{second_ping_after}}`, `{{manager_after}}`, `{{som_after}}`, worded
 * like the notes: `3 days`) filled in, plus the bot's identity marker.
 */
export function issueDescription(template: string, platform: PlatformId, quarter: string, ladder: LadderDurations): string {
  const filled = template
    .replaceAll('{{quarter}}', quarter)
    .replaceAll('{{platform}}', platform)
    .replaceAll('{{platform_name}}', PLATFORMS[platform].displayName)
    .replaceAll('{{second_ping_after}}', humanDuration(ladder.second_ping_after))
    .replaceAll('{{manager_after}}', humanDuration(ladder.manager_after))
    .replaceAll('{{som_after}}', humanDuration(ladder.som_after));
  return `${filled.trimEnd()}\n\n${renderMarker({ v: 1, step: 'issue', platform, quarter })}\n`;
}
