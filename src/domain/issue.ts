import type { LadderDurations } from '../config/types.js';
import type { TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import { readBotRecord } from './bot-notes.js';
import { parseMarkers, renderMarker } from './markers.js';
import { PLATFORMS, isPlatformId } from './platforms.js';
import { isQuarter } from './quarter.js';
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
export const TEMPLATE_PLACEHOLDERS = [
  '{{quarter}}',
  '{{platform}}',
  '{{platform_name}}',
  '{{second_ping_after}}',
  '{{manager_after}}',
  '{{som_after}}',
] as const;

/**
 * The issue body: the platform's template with `{{quarter}}`, `{{platform}}`, `{{platform_name}}`
 * and the ladder's waits (`{{second_ping_after}}`, `{{manager_after}}`, `{{som_after}}`, worded
 * like the notes: `3 days`) filled in, plus the bot's identity marker.
 */
export function issueDescription(
  template: string,
  platform: PlatformId,
  quarter: string,
  ladder: LadderDurations,
): string {
  const filled = template
    .replaceAll('{{quarter}}', quarter)
    .replaceAll('{{platform}}', platform)
    .replaceAll('{{platform_name}}', PLATFORMS[platform].displayName)
    .replaceAll('{{second_ping_after}}', humanDuration(ladder.second_ping_after))
    .replaceAll('{{manager_after}}', humanDuration(ladder.manager_after))
    .replaceAll('{{som_after}}', humanDuration(ladder.som_after));
  return `${filled.trimEnd()}\n\n${renderMarker({ v: 1, step: 'issue', platform, quarter })}\n`;
}

/**
 * Which audit an issue is: its platform and quarter. Labels are only an index for people (anyone who
 * can read a confidential issue can relabel it), so this comes from the bot's own record: the
 * markers in its notes, or else the `issue` marker it wrote into the description of an issue it
 * created (GitLab never changes an issue's author).
 */
export interface AuditIdentity {
  platform: PlatformId;
  quarter: string;
}

export const sameAudit = (a: AuditIdentity | undefined, b: AuditIdentity | undefined): boolean =>
  a !== undefined && b !== undefined && a.platform === b.platform && a.quarter === b.quarter;

function identityOf(body: string, step?: string): AuditIdentity | undefined {
  for (const marker of parseMarkers(body)) {
    if (step !== undefined && marker.step !== step) continue;
    if (isPlatformId(marker.platform) && typeof marker.quarter === 'string' && isQuarter(marker.quarter))
      return { platform: marker.platform, quarter: marker.quarter };
  }
  return undefined;
}

/**
 * The audit the `issue` marker in the description names, for an issue the bot created (`bot`: its
 * username, when known).
 */
export function describedIdentity(
  issue: Pick<TrackedIssue, 'description' | 'author'>,
  bot?: string,
): AuditIdentity | undefined {
  if (bot !== undefined && issue.author !== undefined && issue.author !== bot) return undefined;
  return identityOf(issue.description, 'issue');
}

/**
 * The audit the bot's own notes are about (the first of its markers that names one); undefined
 * before it posted any.
 */
export function recordedIdentity(notes: TrackedNote[], bot: string): AuditIdentity | undefined {
  for (const { marker } of readBotRecord(notes, bot).trusted) {
    if (isPlatformId(marker.platform) && typeof marker.quarter === 'string' && isQuarter(marker.quarter))
      return { platform: marker.platform, quarter: marker.quarter };
  }
  return undefined;
}

/**
 * The description with the bot's `issue` marker naming `identity` (put back when someone removed or
 * edited it); unchanged when it does.
 */
export function withIdentityMarker(description: string, identity: AuditIdentity): string {
  const own = parseMarkers(description).filter((marker) => marker.step === 'issue');
  if (own.length === 1 && sameAudit(identityOf(description, 'issue'), identity)) return description;
  const cleaned = description.replace(/<!-- audit-bot (\{[^<>]*\}) -->\n?/g, (whole, json: string) =>
    parseMarkers(whole).some((marker) => marker.step === 'issue') || !json ? '' : whole,
  );
  const marker = renderMarker({ v: 1, step: 'issue', platform: identity.platform, quarter: identity.quarter });
  return `${cleaned.trimEnd()}\n\n${marker}\n`;
}

/**
 * The label changes that make an issue's platform and quarter labels name `identity` again: the
 * missing ones added, any other label in those scopes removed. Empty when they already do.
 */
export function identityLabelChanges(
  labels: readonly string[],
  identity: AuditIdentity,
): { add: string[]; remove: string[] } {
  const wanted = identityLabels(identity.platform, identity.quarter);
  const add = wanted.filter((label) => !labels.includes(label));
  const remove = labels.filter(
    (label) =>
      (label.startsWith(PLATFORM_LABEL_PREFIX) || label.startsWith(QUARTER_LABEL_PREFIX)) && !wanted.includes(label),
  );
  return { add, remove };
}
