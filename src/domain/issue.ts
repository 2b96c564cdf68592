import { renderMarker } from './markers.js';
import { PLATFORMS } from './platforms.js';
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

/**
 * The issue body: the platform's template with `{{quarter}}`, `{{platform}}` and
 * `{{platform_name}}` filled in, plus the bot's identity marker.
 */
export function issueDescription(template: string, platform: PlatformId, quarter: string): string {
  const filled = template
    .replaceAll('{{quarter}}', quarter)
    .replaceAll('{{platform}}', platform)
    .replaceAll('{{platform_name}}', PLATFORMS[platform].displayName);
  return `${filled.trimEnd()}\n\n${renderMarker({ v: 1, step: 'issue', platform, quarter })}\n`;
}
