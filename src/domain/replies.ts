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
  `^(${ITEM_ID.source}(?:\\s*(?:,|&|\\band\\b)\\s*${ITEM_ID.source})*|all\\s+my\\s+items\\b|all(?:\\s+(?:of\\s+)?mine)?\\b)\\s*[:\\-–—]?\\s*`,
  'i',
);
/** "is", "was", "has been", "are" before the keyword: "PD-3 is fixed", "PD-3 and PD-4 have been removed". */
const COPULA = /^(?:(?:is|are|was|were|has\s+been|have\s+been|now)\s+)*/i;
/** The keyword alone, then "now"/"already" or punctuation and a comment: "fixed", "fixed now", "fixed, thanks", "fixed." */
const FIXED = /^(fixed|done|resolved|removed|deleted)(?:\s+(?:now|already))?(?:\s*$|\s*[,.;!:—–-]\s*(.*)$)/i;
const INTENTIONAL = /^(intentional|intended|expected|justified)\b\s*[:\-–—]?\s*(.*)$/i;
const APPROVED = /^(approved?|review approved|lgtm)(?:\s*$|\s*[,.;!:—–-]\s*(.*)$)/i;
const LIST_MARKER = /^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;
const FENCE = /^(`{3,}|~{3,})/;

export function parseReply(body: string): ReplyClaim[] {
  const claims: ReplyClaim[] = [];
  let fence: string | undefined;
  for (const rawLine of body.split(/\r?\n/)) {
    const line = rawLine.trim();
    const opensOrCloses = FENCE.exec(line)?.[1];
    if (opensOrCloses) {
      if (!fence) fence = opensOrCloses[0];
      else if (opensOrCloses[0] === fence) fence = undefined;
      continue;
    }
    // Fenced or indented code, quotes, blank lines and questions are not instructions.
    if (fence || /^( {4}|\t)/.test(rawLine) || line.startsWith('>') || line === '' || line.endsWith('?')) continue;
    const text = line.replace(LIST_MARKER, '');
    const approved = APPROVED.exec(text);
    if (approved) {
      claims.push({ kind: 'approved', comment: (approved[2] ?? '').trim() });
      continue;
    }
    const ids = ID_LIST.exec(text);
    if (!ids) continue;
    const rest = text.slice(ids[0].length).replace(COPULA, '');
    const target = /^all\b/i.test(ids[1]) ? 'all' : ids[1].split(/\s*(?:,|&|\band\b)\s*/i).map((id) => id.toUpperCase());
    if (FIXED.test(rest)) {
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

/**
 * Item ids named on lines that read as no instruction ("Hi! I think PD-13 is fixed now"): the
 * writer may have meant one, and gets one short answer with the forms the bot reads. Quotes,
 * code and the bot's own examples in backticks are not counted.
 */
export function unreadItemIds(body: string): string[] {
  const ids = new Set<string>();
  let fence: string | undefined;
  for (const rawLine of body.split(/\r?\n/)) {
    const line = rawLine.trim();
    const opensOrCloses = FENCE.exec(line)?.[1];
    if (opensOrCloses) {
      if (!fence) fence = opensOrCloses[0];
      else if (opensOrCloses[0] === fence) fence = undefined;
      continue;
    }
    if (fence || /^( {4}|\t)/.test(rawLine) || line.startsWith('>') || line === '') continue;
    if (parseReply(line).length > 0) continue;
    for (const match of line.replace(/`[^`]*`/g, ' ').matchAll(new RegExp(`\\b${ITEM_ID.source}\\b`, 'g'))) ids.add(match[0].toUpperCase());
  }
  return [...ids];
}
