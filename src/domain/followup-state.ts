import type { TrackedNote } from '../gitlab/tracker.js';
import { botNotes, type BotNote } from './bot-notes.js';
import { compareCodeUnits } from './locale.js';
import type { ItemRecord } from './open-plan.js';
import { parseReply, type ReplyClaim } from './replies.js';

export const LADDER = ['ping1', 'ping2', 'manager', 'som'] as const;
export type LadderStep = (typeof LADDER)[number];

export type AddressedHow = 'fixed' | 'gone' | 'intentional' | 'accepted';

export interface Addressed {
  how: AddressedHow;
  /** Who answered (GitLab username), or null when the platform itself showed the item gone. */
  by: string | null;
  reason?: string;
  at: string;
}

export interface ItemState extends ItemRecord {
  fingerprint: string;
  id: string;
  /** When the bot first listed the item in the issue. */
  listedAt: string;
  /** Ladder steps already posted for this item, oldest first. */
  pings: { step: LadderStep; at: string }[];
  addressed?: Addressed;
}

/** One instruction from a person's note, with where it came from. */
export interface Claim {
  noteId: number;
  author: string;
  at: string;
  claim: ReplyClaim;
}

export interface IssueState {
  /** True once `open` posted its results note: before that there is nothing to follow up. */
  listed: boolean;
  platform: string;
  quarter: string;
  items: Map<string, ItemState>;
  /** Item id (PD-3) → fingerprint. */
  byId: Map<string, string>;
  claims: Claim[];
  /** `noteId:fingerprint` of every claim a bot note already answered or recorded. */
  handledClaims: Set<string>;
  /** Fingerprint sets the Support Ops Managers were already asked to review. */
  reviews: string[][];
  /** The latest review request: what it covered, and its note (notes after it answer it). */
  lastReview?: { findings: string[]; noteId: number };
  outcome?: { result: string; by: string | null; at: string };
}

export function claimKey(noteId: number, fingerprint: string): string {
  return `${noteId}:${fingerprint}`;
}

/**
 * Rebuilds an audit issue's state from its notes: the bot's markers say what was listed,
 * pinged, recorded and reviewed; people's notes carry their claims. Nothing else is trusted.
 */
export function rebuildState(notes: TrackedNote[], botUsername: string, platform: string): IssueState {
  const bot = botNotes(notes, botUsername, platform);
  const state: IssueState = {
    listed: bot.some(({ marker }) => marker.step === 'results'),
    platform,
    quarter: bot.find(({ marker }) => marker.quarter)?.marker.quarter ?? '',
    items: new Map(),
    byId: new Map(),
    claims: [],
    handledClaims: new Set(),
    reviews: [],
  };
  for (const note of bot) applyMarker(state, note);
  state.claims = peopleClaims(notes, botUsername, bot);
  return state;
}

function applyMarker(state: IssueState, { marker, createdAt, noteId }: BotNote): void {
  for (const key of Array.isArray(marker.claims) ? marker.claims : []) state.handledClaims.add(String(key));
  const findings = marker.findings ?? [];
  switch (marker.step) {
    case 'results': {
      const ids = (marker.ids ?? {}) as Record<string, string>;
      const records = (marker.items ?? {}) as Record<string, Partial<ItemRecord>>;
      for (const fingerprint of findings) {
        if (state.items.has(fingerprint) || typeof ids[fingerprint] !== 'string') continue;
        const record = records[fingerprint] ?? {};
        state.items.set(fingerprint, {
          fingerprint,
          id: ids[fingerprint],
          kind: String(record.kind ?? ''),
          owner: typeof record.owner === 'string' ? record.owner : null,
          subject: String(record.subject ?? ''),
          detail: String(record.detail ?? ''),
          listedAt: createdAt,
          pings: [],
        });
        state.byId.set(ids[fingerprint].toUpperCase(), fingerprint);
      }
      break;
    }
    case 'ping1':
    case 'ping2':
    case 'manager':
    case 'som':
      for (const fingerprint of findings) {
        const item = state.items.get(fingerprint);
        if (item && !item.pings.some((ping) => ping.step === marker.step)) item.pings.push({ step: marker.step, at: createdAt });
      }
      break;
    case 'addressed': {
      const entries = Array.isArray(marker.entries) ? (marker.entries as Record<string, unknown>[]) : [];
      for (const entry of entries) {
        const item = state.items.get(String(entry.finding));
        if (typeof entry.noteId === 'number') state.handledClaims.add(claimKey(entry.noteId, String(entry.finding)));
        if (!item || item.addressed) continue;
        item.addressed = {
          how: entry.how as Addressed['how'],
          by: typeof entry.by === 'string' ? entry.by : null,
          reason: typeof entry.reason === 'string' ? entry.reason : undefined,
          at: createdAt,
        };
      }
      break;
    }
    case 'review':
      state.reviews.push(findings);
      state.lastReview = { findings, noteId };
      break;
    case 'outcome':
      state.outcome ??= { result: String(marker.result), by: typeof marker.by === 'string' ? marker.by : null, at: createdAt };
      break;
    default:
      break;
  }
}

/**
 * Claims in people's notes, oldest first. A note edited after the bot had already posted
 * something later than it is read as it was not: the edit cannot add claims after the fact.
 */
function peopleClaims(notes: TrackedNote[], botUsername: string, bot: BotNote[]): Claim[] {
  const claims: Claim[] = [];
  for (const note of notes) {
    if (note.system || note.author === botUsername) continue;
    const editedAfterBotSawIt = note.updatedAt > note.createdAt && bot.some((b) => b.createdAt > note.createdAt && b.createdAt < note.updatedAt);
    if (editedAfterBotSawIt) continue;
    for (const claim of parseReply(note.body)) claims.push({ noteId: note.id, author: note.author, at: note.createdAt, claim });
  }
  return claims.sort((a, b) => compareCodeUnits(a.at, b.at) || a.noteId - b.noteId);
}
