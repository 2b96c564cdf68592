/**
 * Hidden state in the bot's notes: `<!-- audit-bot {"v":1,...} -->`. The issue is the database:
 * every run rebuilds what was already done from these markers.
 */
export const MARKER_VERSION = 1;

export type MarkerStep =
  | 'issue'
  | 'results'
  | 'ping1'
  | 'ping2'
  | 'manager'
  | 'som'
  | 'feedback'
  | 'addressed'
  | 'review'
  | 'outcome'
  /** A close by someone with no say was undone (`by`, `closedAt`). */
  | 'reopened'
  /** A Support Ops Manager's close was followed by a reopen: the ladder resumes. */
  | 'resumed';

export interface Marker {
  v: number;
  step: MarkerStep;
  platform: string;
  quarter?: string;
  /** The GitLab username pinged by this note, when it pings someone. */
  owner?: string | null;
  /** Fingerprints of the findings this note is about. */
  findings?: string[];
  /**
   * On a ladder step (ping1 … som): when the run that posted it planned it, by the bot's clock (the
   * run's `now`, ISO-8601). The next step is timed from it, not from the note's `created_at`, which
   * GitLab sets a few seconds later: a schedule at a fixed hour then gets each step on time.
   */
  at?: string;
  [extra: string]: unknown;
}

// renderMarker escapes every '<' and '>', so a real marker never contains them: a damaged
// marker can then never swallow the comment end of the next one.
const MARKER_PATTERN = /<!-- audit-bot (\{[^<>]*\}) -->/g;

export function renderMarker(marker: Marker): string {
  // JSON may not contain "-->" or break out of the comment: '<', '>' and '-' in strings are escaped.
  // So are reference sigils, brackets and slashes, so platform text kept in a marker never
  // reads as a mention, a reference, a link or a quick action, even to a tool that ignores comments;
  // and invisible format characters (bidi overrides, zero-width, line separators) that JSON leaves raw.
  return `<!-- audit-bot ${markerJson(marker)} -->`;
}

/** Any value as it is written inside a marker (JSON, strings escaped as `renderMarker` says): how big a part of a marker is. */
export function markerJson(value: unknown): string {
  return JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, (literal) =>
    literal.replace(/[<>@#!~%$&[\]/^\-\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

export function parseMarkers(body: string): Marker[] {
  const markers: Marker[] = [];
  for (const match of body.matchAll(MARKER_PATTERN)) {
    try {
      const value = JSON.parse(match[1]) as unknown;
      if (isMarker(value)) markers.push(value);
    } catch {
      // A damaged marker (someone edited the note) is ignored, not fatal.
    }
  }
  return markers;
}

function isMarker(value: unknown): value is Marker {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Partial<Marker>;
  return (
    typeof candidate.v === 'number' &&
    typeof candidate.step === 'string' &&
    typeof candidate.platform === 'string' &&
    (candidate.findings === undefined || (Array.isArray(candidate.findings) && candidate.findings.every((f) => typeof f === 'string')))
  );
}
