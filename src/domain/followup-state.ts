import { createHash } from 'node:crypto';
import type { TrackedNote } from '../gitlab/tracker.js';
import { botNotes, resultsEntries, type BotNote } from './bot-notes.js';
import { compareCodeUnits } from './locale.js';
import { readReply } from './replies.js';
import { textOf } from './text.js';
import type { Addressed, IssueState, ItemState } from './audit-types.js';

export {
  LADDER,
  type Addressed,
  type AddressedHow,
  type Claim,
  type IssueState,
  type ItemState,
  type LadderStep,
} from './audit-types.js';

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
    unreachable: new Map(),
    undoneCloses: new Set(),
    seen: new Map(),
    unseen: [],
    unreadable: [],
    cut: [],
  };
  for (const note of bot) applyMarker(state, note);
  const people = readablePeopleNotes(notes, botUsername, bot, state.seen);
  // Each note is read once, in one pass (replies.ts): the cost of a night is linear in its notes.
  const replies = people.map((note) => ({ note, reply: readReply(note.body) }));
  state.claims = replies.flatMap(({ note, reply }) =>
    reply.claims.map((claim) => ({ noteId: note.id, author: note.author, at: note.createdAt, claim })),
  );
  state.claims.sort((a, b) => compareCodeUnits(a.at, b.at) || a.noteId - b.noteId);
  state.unseen = notes
    .filter((note) => !note.system && note.author !== botUsername && !state.seen.has(note.id))
    .map((note) => ({ id: note.id, digest: noteDigest(note.body) }));
  // readReply leaves out the items the same note answers on another line: they need no hint.
  state.unreadable = replies
    .filter(({ note, reply }) => reply.unreadIds.length > 0 && !state.handledClaims.has(`unreadable:${note.id}`))
    .map(({ note, reply }) => ({ noteId: note.id, author: note.author, at: note.createdAt, ids: reply.unreadIds }));
  // A note read in part that asked the bot something: its author is told once what was not read.
  state.cut = replies
    .filter(
      ({ note, reply }) =>
        reply.cut &&
        (reply.claims.length > 0 || reply.unreadIds.length > 0) &&
        !state.handledClaims.has(`cut:${note.id}`),
    )
    .map(({ note }) => ({ noteId: note.id, author: note.author, at: note.createdAt }));
  return state;
}

function applyMarker(state: IssueState, { marker, createdAt, noteId }: BotNote): void {
  for (const key of Array.isArray(marker.claims) ? marker.claims : []) state.handledClaims.add(String(key));
  if (marker.seen && typeof marker.seen === 'object') {
    for (const [id, digest] of Object.entries(marker.seen as Record<string, unknown>))
      if (typeof digest === 'string') state.seen.set(Number(id), digest);
  }
  const findings = marker.findings ?? [];
  switch (marker.step) {
    case 'results': {
      // One results note per run, or a run's results in parts: resultsEntries reads both.
      for (const { fingerprint, id, record } of resultsEntries(marker)) {
        if (state.items.has(fingerprint)) continue;
        state.items.set(fingerprint, {
          fingerprint,
          id,
          kind: String(record.kind ?? ''),
          owner: typeof record.owner === 'string' ? record.owner : null,
          subject: String(record.subject ?? ''),
          detail: String(record.detail ?? ''),
          listedAt: createdAt,
          pings: [],
        });
        state.byId.set(id.toUpperCase(), fingerprint);
      }
      break;
    }
    case 'ping1':
    case 'ping2':
    case 'manager':
    case 'som':
      // Pinged directly: reachable again. Passed over: unreachable, as this note said.
      if (typeof marker.owner === 'string') state.unreachable.delete(marker.owner);
      for (const entry of Array.isArray(marker.unreachable) ? (marker.unreachable as Record<string, unknown>[]) : []) {
        if (typeof entry?.username === 'string') state.unreachable.set(entry.username, textOf(entry.reason));
      }
      for (const fingerprint of findings) {
        const item = state.items.get(fingerprint);
        if (item && !item.pings.some((ping) => ping.step === marker.step)) {
          item.pings.push({
            step: marker.step,
            at: stepTime(marker.at, createdAt),
            to: typeof marker.owner === 'string' ? marker.owner : null,
          });
        }
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
      state.outcome ??= {
        result: String(marker.result),
        by: typeof marker.by === 'string' ? marker.by : null,
        at: createdAt,
      };
      break;
    case 'reopened':
      if (typeof marker.closedAt === 'string') state.undoneCloses.add(marker.closedAt);
      break;
    case 'revived': {
      // Found again after `fixed` or `gone`: open again, with its pings. `intentional` and `accepted` stay answered.
      let revived = false;
      for (const fingerprint of findings) {
        const item = state.items.get(fingerprint);
        if (!item?.addressed || (item.addressed.how !== 'fixed' && item.addressed.how !== 'gone')) continue;
        item.revived = { at: stepTime(marker.at, createdAt), noteAt: createdAt, was: item.addressed };
        delete item.addressed;
        revived = true;
      }
      // A review asked before an item came back covered it as addressed: it is asked again.
      if (revived) {
        state.reviews = [];
        delete state.lastReview;
      }
      break;
    }
    case 'resumed':
      // Reopened after a Support Ops Manager closed it: that outcome no longer ends the audit.
      if (state.outcome?.result === 'closed') state.outcome = undefined;
      break;
    default:
      break;
  }
}

/**
 * When a ladder step was taken: the time its run planned it, as its marker records (the run's own
 * clock, so a nightly run at a fixed hour finds the next step due on the very night), or else when
 * GitLab dated the note. Only the bot's own notes are read here, so the time is the bot's.
 */
function stepTime(planned: unknown, createdAt: string): string {
  if (typeof planned !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(planned)) return createdAt;
  const time = Date.parse(planned);
  return Number.isNaN(time) ? createdAt : new Date(time).toISOString();
}

/**
 * People's notes whose instructions count. A note edited after the bot had read it is read as it
 * was not: an edit cannot add claims after the fact. The bot records a digest of every note it
 * read, so an emoji reaction (which moves a note's updated_at too) changes nothing; for a note it
 * has no digest of, an update after a later bot note counts as an edit.
 */
function readablePeopleNotes(
  notes: TrackedNote[],
  botUsername: string,
  bot: BotNote[],
  seen: Map<number, string>,
): TrackedNote[] {
  // The bot's note times, sorted once: a bot note between a note's creation and its update is one binary search away.
  const times = bot.map((b) => b.createdAt).sort();
  const botNoteBetween = (after: string, before: string) => {
    let low = 0;
    for (let high = times.length; low < high;) {
      const middle = (low + high) >>> 1;
      if (times[middle] > after) high = middle;
      else low = middle + 1;
    }
    return low < times.length && times[low] < before;
  };
  return notes.filter((note) => {
    if (note.system || note.author === botUsername) return false;
    const digest = seen.get(note.id);
    if (digest !== undefined) return digest === noteDigest(note.body);
    return !(note.updatedAt > note.createdAt && botNoteBetween(note.createdAt, note.updatedAt));
  });
}

/** A short digest of a note's body, to tell an edit from a reaction. */
export function noteDigest(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 12);
}

/**
 * The Support Ops Managers the last step of an item would ask: those not asked about it already
 * (its owner, or whom an earlier ping went to; an unowned item's pings went to all of them).
 * Nobody is escalated to themselves.
 */
export function somsToAsk(item: ItemState, supportOpsManagers: readonly string[]): string[] {
  const asked = new Set<string>();
  if (item.owner !== null) asked.add(item.owner.toLowerCase());
  for (const ping of item.pings) {
    if (typeof ping.to === 'string') asked.add(ping.to.toLowerCase());
    else for (const som of supportOpsManagers) asked.add(som.toLowerCase());
  }
  return supportOpsManagers.filter((som) => !asked.has(som.toLowerCase()));
}
