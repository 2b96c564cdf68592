/**
 * The reply grammar people use in the audit issue, one instruction per line:
 *
 *   PD-3 fixed                      PD-3, PD-4 fixed            all fixed
 *   PD-3 intentional: <reason>      all intentional: <reason>   approved   (Support Ops Managers)
 *
 * Ids are case-insensitive and may be joined by commas, "and" or "&"; "done", "resolved" and
 * "removed" mean fixed; "intended", "expected" and "justified" mean intentional, which needs a
 * reason. A comment may follow after punctuation ("PD-3 fixed, sorry for the delay"). Questions
 * ("PD-3 fixed?"), quoted lines (`>`), code blocks and inline-code examples are not instructions.
 */
export type ReplyClaim =
  | { kind: 'fixed'; ids: string[] | 'all' }
  | { kind: 'intentional'; ids: string[] | 'all'; reason: string }
  | { kind: 'approved'; comment: string };

const ITEM_ID = /[A-Za-z]{2,3}-\d+/;
const ID_LIST = new RegExp(
  `^(${ITEM_ID.source}(?:\\s*(?:,|&|\\band\\b)\\s*${ITEM_ID.source})*` +
    '|all\\s+my\\s+items\\b|all(?:\\s+(?:of\\s+)?mine)?\\b)\\s*[:\\-–—]?\\s*',
  'i',
);
/** "is", "was", "has been", "are" before the keyword: "PD-3 is fixed", "PD-3 and PD-4 have been removed". */
const COPULA = /^(?:(?:is|are|was|were|has\s+been|have\s+been|now)\s+)*/i;
/**
 * The keyword alone, then "now"/"already" or punctuation and a comment: "fixed", "fixed now",
 * "fixed, thanks", "fixed."
 */
const FIXED = /^(fixed|done|resolved|removed|deleted)(?:\s+(?:now|already))?(?:\s*$|\s*[,.;!:—–-]\s*(.*)$)/i;
const INTENTIONAL = /^(intentional|intended|expected|justified)\b\s*[:\-–—]?\s*(.*)$/i;
const APPROVED = /^(approved?|review approved|lgtm)(?:\s*$|\s*[,.;!:—–-]\s*(.*)$)/i;
const LIST_MARKER = /^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;
const FENCE = /^(`{3,}|~{3,})/;

/**
 * What the bot reads of one note, so that no comment can cost a night more than a bounded answer
 * (a note may hold up to 1,000,000 characters). Past a limit the note counts as `cut`, and its
 * author is told once what was not read.
 */
export const REPLY_LIMITS = {
  /** Distinct instructions read per note (a repeated one counts once); reading stops at the next. */
  instructions: 50,
  /** Item ids read per instruction line; the ids after them are not read. */
  idsPerLine: 50,
  /** Characters of a line that are read: a longer line is no instruction (its ids still get the hint). */
  lineLength: 2_000,
  /** Characters of an `intentional` reason kept. */
  reason: 500,
  /** Distinct item ids, named on lines that read as no instruction, answered with the forms. */
  unreadIds: 50,
} as const;

export interface ReadReply {
  /** Distinct instructions, each at its last occurrence in the note (the last one on an item counts). */
  claims: ReplyClaim[];
  /** Item ids named on lines that read as no instruction, and not answered on another line of the note. */
  unreadIds: string[];
  /** Something was not read: past REPLY_LIMITS. */
  cut: boolean;
}

const ITEM_ID_GLOBAL = new RegExp(`\\b${ITEM_ID.source}\\b`, 'g');
const ID_SEPARATOR = /\s*(?:,|&|\band\b)\s*/i;

/** The instruction a line (trimmed, at most REPLY_LIMITS.lineLength characters) reads as, if any. */
function lineClaim(line: string): { claim: ReplyClaim; cut: boolean } | undefined {
  const text = line.replace(LIST_MARKER, '');
  const approved = APPROVED.exec(text);
  if (approved) return { claim: { kind: 'approved', comment: (approved[2] ?? '').trim() }, cut: false };
  const ids = ID_LIST.exec(text);
  if (!ids) return undefined;
  const rest = text.slice(ids[0].length).replace(COPULA, '');
  let cut = false;
  let target: string[] | 'all' = 'all';
  if (!/^all\b/i.test(ids[1])) {
    const distinct = [...new Set(ids[1].split(ID_SEPARATOR).map((id) => id.toUpperCase()))];
    cut = distinct.length > REPLY_LIMITS.idsPerLine;
    target = distinct.slice(0, REPLY_LIMITS.idsPerLine);
  }
  if (FIXED.test(rest)) return { claim: { kind: 'fixed', ids: target }, cut };
  const intentional = INTENTIONAL.exec(rest);
  const reason = intentional?.[2].trim() ?? '';
  if (reason === '') return undefined;
  const kept = reason.length > REPLY_LIMITS.reason ? `${reason.slice(0, REPLY_LIMITS.reason - 1)}…` : reason;
  return { claim: { kind: 'intentional', ids: target, reason: kept }, cut: cut || kept !== reason };
}

function claimIdentity(claim: ReplyClaim): string {
  if (claim.kind === 'approved') return `approved\u0000${claim.comment}`;
  const ids = claim.ids === 'all' ? '*' : claim.ids.join(',');
  return claim.kind === 'fixed' ? `fixed\u0000${ids}` : `intentional\u0000${ids}\u0000${claim.reason}`;
}

/**
 * One pass over a note, in time linear in its length: each line is read up to
 * REPLY_LIMITS.lineLength characters, and every regex is anchored or cannot backtrack past a line.
 */
export function readReply(body: string): ReadReply {
  const claims = new Map<string, ReplyClaim>();
  const unread = new Set<string>();
  let cut = false;
  let fence: string | undefined;
  for (let start = 0; start <= body.length;) {
    const newline = body.indexOf('\n', start);
    const end = newline === -1 ? body.length : newline;
    const length = end > start && body.charCodeAt(end - 1) === 13 ? end - start - 1 : end - start;
    const long = length > REPLY_LIMITS.lineLength;
    const rawLine = body.slice(start, start + Math.min(length, REPLY_LIMITS.lineLength));
    start = end + 1;
    const line = rawLine.trim();
    const opensOrCloses = FENCE.exec(line)?.[1];
    if (opensOrCloses) {
      if (!fence) fence = opensOrCloses[0];
      else if (opensOrCloses[0] === fence) fence = undefined;
      continue;
    }
    // Fenced or indented code, quotes and blank lines are not instructions, nor do they name items.
    if (fence || /^( {4}|\t)/.test(rawLine) || line.startsWith('>') || line === '') continue;
    if (long) cut = true;
    // Questions are no instructions; a line cut short may be one.
    const read = long || line.endsWith('?') ? undefined : lineClaim(line);
    if (read) {
      const key = claimIdentity(read.claim);
      if (!claims.delete(key) && claims.size >= REPLY_LIMITS.instructions) {
        cut = true;
        break;
      }
      claims.set(key, read.claim);
      if (read.cut) cut = true;
      continue;
    }
    // The bot's own examples in backticks are not counted.
    for (const match of line.replace(/`[^`]*`/g, ' ').matchAll(ITEM_ID_GLOBAL)) {
      const id = match[0].toUpperCase();
      if (unread.has(id)) continue;
      if (unread.size >= REPLY_LIMITS.unreadIds) {
        cut = true;
        break;
      }
      unread.add(id);
    }
  }
  // An item the same note answers on another line needs no hint; "all" answers every one.
  const answered = new Set<string>();
  for (const claim of claims.values()) {
    if (claim.kind === 'approved') continue;
    if (claim.ids === 'all') {
      unread.clear();
      break;
    }
    for (const id of claim.ids) answered.add(id);
  }
  return { claims: [...claims.values()], unreadIds: [...unread].filter((id) => !answered.has(id)), cut };
}

export function parseReply(body: string): ReplyClaim[] {
  return readReply(body).claims;
}

/**
 * Item ids named on lines that read as no instruction ("Hi! I think PD-13 is fixed now"): the
 * writer may have meant one, and gets one short answer with the forms the bot reads. Quotes,
 * code and the bot's own examples in backticks are not counted, nor ids the note answers on
 * another line.
 */
export function unreadItemIds(body: string): string[] {
  return readReply(body).unreadIds;
}
