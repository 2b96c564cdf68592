/**
 * The reply grammar people use in the audit issue, one instruction per line:
 *
 *   PD-3 fixed                      PD-3, PD-4 fixed            all fixed
 *   PD-3 intentional: <reason>      all intentional: <reason>   approved   (Support Ops Managers)
 *
 * Ids are case-insensitive and may be joined by commas, "and" or "&"; "done", "resolved" and
 * "removed" mean fixed; "intended", "expected" and "justified" mean intentional, which needs a
 * reason. Quoted lines (`>`), code and the bot's own examples in backticks are not instructions.
 */
export type ReplyClaim =
  | { kind: 'fixed'; ids: string[] | 'all' }
  | { kind: 'intentional'; ids: string[] | 'all'; reason: string }
  | { kind: 'approved'; comment: string };

const ITEM_ID = /[A-Za-z]{2,3}-\d+/;
const ID_LIST = new RegExp(`^(${ITEM_ID.source}(?:\\s*(?:,|&|\\band\\b)\\s*${ITEM_ID.source})*|all(?:\\s+(?:of\\s+)?mine)?|all\\s+my\\s+items)\\s*[:\\-–—]?\\s*`, 'i');
const FIXED = /^(fixed|done|resolved|removed)\b[.!]?\s*(.*)$/i;
const INTENTIONAL = /^(intentional|intended|expected|justified)\b\s*[:\-–—]?\s*(.*)$/i;
const APPROVED = /^(approved?|review approved|lgtm)\b[.!]?\s*[:\-–—]?\s*(.*)$/i;

export function parseReply(body: string): ReplyClaim[] {
  const claims: ReplyClaim[] = [];
  let inFence = false;
  for (const rawLine of body.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || line.startsWith('>') || line === '') continue;
    const text = line.replace(/^[-*]\s+/, '');
    const approved = APPROVED.exec(text);
    if (approved) {
      claims.push({ kind: 'approved', comment: approved[2].trim() });
      continue;
    }
    const ids = ID_LIST.exec(text);
    if (!ids) continue;
    const rest = text.slice(ids[0].length);
    const target = /^all\b/i.test(ids[1]) ? 'all' : ids[1].split(/\s*(?:,|&|\band\b)\s*/i).map((id) => id.toUpperCase());
    const fixed = FIXED.exec(rest);
    if (fixed) {
      claims.push({ kind: 'fixed', ids: target });
      continue;
    }
    const intentional = INTENTIONAL.exec(rest);
    if (intentional && intentional[2].trim() !== '') {
      claims.push({ kind: 'intentional', ids: target, reason: intentional[2].trim() });
    }
  }
  return claims;
}
