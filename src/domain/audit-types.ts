/**
 * The shapes the planners, the renderers and the report share: an audit issue's rebuilt state,
 * last quarter's comparison and a planned note. Only leaf modules are imported here, so no cycle
 * can run through it.
 */
import type { Marker } from './markers.js';
import type { ReplyClaim } from './replies.js';
import type { Finding } from './types.js';

/** A note a plan posts: its text and the hidden marker that records what it did. */
export interface PlannedNote {
  marker: Marker;
  body: string;
}

/**
 * What later runs need to know of a finding without asking the platform again (bounded:
 * platform text can be huge).
 */
export interface ItemRecord {
  kind: string;
  owner: string | null;
  subject: string;
  detail: string;
}

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
  /**
   * Ladder steps already posted for this item, oldest first. `at` is when the step was taken: the
   * time its run planned it (the marker's `at`), or, for a marker without one (written before it was
   * recorded), the note's created_at. The next step is timed from it.
   */
  pings: { step: LadderStep; at: string; to?: string | null }[];
  addressed?: Addressed;
  /**
   * Set when a re-check found the item again after it was recorded `fixed` or `gone` (a `revived`
   * marker): `at` is the run's clock (the ladder resumes from its last step, timed from it),
   * `noteAt` when GitLab dated the note (only answers written after it count for the item), and
   * `was` the answer it had.
   */
  revived?: { at: string; noteAt: string; was: Addressed };
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
  /** People the latest pings passed over because they could not see the issue, with why (username → reason). */
  unreachable: Map<string, string>;
  /** The closes (their `closed_at`) the bot already undid and explained. */
  undoneCloses: Set<string>;
  /**
   * What the bot saw of people's notes: note id → digest of its body (recorded in the markers of
   * the notes it posted after).
   */
  seen: Map<number, string>;
  /** People's notes the bot has not recorded yet, as they are now. */
  unseen: { id: number; digest: string }[];
  /** Lines in people's notes that name an item but read as no instruction, per note (not yet answered). */
  unreadable: { noteId: number; author: string; at: string; ids: string[] }[];
  /** People's notes the bot read only in part (past REPLY_LIMITS) and has not said so about yet. */
  cut: { noteId: number; author: string; at: string }[];
}

export interface QuarterDiff {
  previousQuarter: string;
  previousIssue: number;
  /** Found now, not last quarter. */
  new: Finding[];
  /** Found last quarter and again now, with how it was answered then. */
  stillPresent: { finding: Finding; before: ItemState }[];
  /** Found last quarter, gone now. */
  resolved: ItemState[];
}
