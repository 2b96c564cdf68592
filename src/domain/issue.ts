import { renderMarker } from './markers.js';
import { PLATFORMS } from './platforms.js';
import type { PlatformId } from './types.js';

/** The labels that identify one platform's audit issue for one quarter. */
export function identityLabels(platform: PlatformId, quarter: string): string[] {
  return [`audit::${platform}`, `audit-quarter::${quarter}`];
}

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
