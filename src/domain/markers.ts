import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Hidden state in the bot's notes: `<!-- audit-bot {"v":1,...} -->`. The issue is the database:
 * every run rebuilds what was already done from these markers.
 *
 * Every marker the bot posts in a note ends with a `seal`: an HMAC over the marker's JSON and the
 * note's visible text (the note without its markers), keyed with the run's seal key (sealKeyOf).
 * GitLab lets a Maintainer edit anyone's note, so a marker is the bot's record only when its seal
 * verifies (bot-notes.ts): a marker added to a bot note, or a bot note whose text was changed, is not.
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
  | 'resumed'
  /** Items recorded `fixed` or `gone` that a re-check found again (`findings`, `at`): open again. */
  | 'revived'
  /** Bot notes someone else edited (`notes`: their ids) were reported in the issue, once. */
  | 'edited';

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

/**
 * Any value as it is written inside a marker (JSON, strings escaped as `renderMarker` says): how big
 * a part of a marker is.
 */
export function markerJson(value: unknown): string {
  return JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, (literal) =>
    literal.replace(
      /[<>@#!~%$&[\]/^\-\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  );
}

export function parseMarkers(body: string): Marker[] {
  const markers: Marker[] = [];
  for (const match of body.matchAll(MARKER_PATTERN)) {
    try {
      const value = JSON.parse(match[1]) as unknown;
      // The seal is not part of what a marker says (readMarkers checks it).
      if (isMarker(value)) {
        const marker: Marker = { ...value };
        delete marker.seal;
        markers.push(marker);
      }
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
    (candidate.findings === undefined ||
      (Array.isArray(candidate.findings) && candidate.findings.every((f) => typeof f === 'string')))
  );
}

/**
 * The key that seals markers and the board's checkpoint, from a secret: AUDIT_SEAL_KEY when set,
 * else GITLAB_TOKEN (so a token rotation changes it). The same derivation the checkpoint always used.
 */
export function sealKeyOf(secret: string | undefined): string | undefined {
  return secret
    ? createHash('sha256').update(`audit-bot checkpoint seal\u0000${secret}`).digest('base64url')
    : undefined;
}

/**
 * The run's seal key: runtime.ts sets it from the environment when it builds the run's context,
 * before anything is read, for the rest of that run (runs side by side in one process, as in the
 * tests, keep their own). Without a key nothing is sealed and no seal verifies.
 */
const runSealKeys = new AsyncLocalStorage<string | undefined>();

export function useSealKey(key: string | undefined): void {
  runSealKeys.enterWith(key);
}

const runSealKey = (): string | undefined => runSealKeys.getStore();

/** The seal, last in a sealed marker's JSON. */
const SEAL_SUFFIX = /,"seal":"([A-Za-z0-9_-]{22})"\}$/;

/** What a note says to people: its text without its markers (the comment the bot adds is hidden). */
export function visibleText(body: string): string {
  return body.replace(MARKER_PATTERN, '').trimEnd();
}

function markerSeal(key: string, json: string, visible: string): string {
  return createHmac('sha256', key)
    .update(`audit-bot marker\u0000${json}\u0000${visible}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * A note's text as the bot posts it: `body`, then `marker` sealed with the run's key over its JSON
 * and `body` (no seal without a key: a dry run without a token).
 */
export function sealedNoteText(body: string, marker: Marker, key: string | undefined = runSealKey()): string {
  const text = body.trimEnd();
  const fields: Marker = { ...marker };
  delete fields.seal;
  const json = markerJson(fields);
  if (!key) return `${text}\n\n<!-- audit-bot ${json} -->`;
  const seal = markerSeal(key, json, visibleText(`${text}\n\n`));
  return `${text}\n\n<!-- audit-bot ${json.slice(0, -1)},"seal":"${seal}"} -->`;
}

/**
 * Each marker-like comment in a note, read with its seal: `valid`, a marker whose seal verifies with
 * `key` over its JSON and this note's visible text; `forged`, a sealed marker whose seal does not,
 * or a comment that does not read as a marker; `unsealed`, a marker without a seal (from before seals).
 */
export type ReadMarker = { marker: Marker; seal: 'valid' | 'unsealed' } | { marker?: Marker; seal: 'forged' };

export function readMarkers(body: string, key: string | undefined = runSealKey()): ReadMarker[] {
  const visible = visibleText(body);
  const result: ReadMarker[] = [];
  for (const match of body.matchAll(MARKER_PATTERN)) {
    let value: unknown;
    try {
      value = JSON.parse(match[1]);
    } catch {
      result.push({ seal: 'forged' });
      continue;
    }
    if (!isMarker(value)) {
      result.push({ seal: 'forged' });
      continue;
    }
    if (!('seal' in value)) {
      result.push({ marker: value, seal: 'unsealed' });
      continue;
    }
    const { seal, ...marker } = value;
    // Verified over the JSON exactly as written: the seal is its last member.
    const sealed = SEAL_SUFFIX.exec(match[1]);
    const ok =
      key !== undefined &&
      sealed !== null &&
      sealed[1] === seal &&
      sameText(markerSeal(key, `${match[1].slice(0, sealed.index)}}`, visible), sealed[1]);
    result.push({ marker: marker, seal: ok ? 'valid' : 'forged' });
  }
  return result;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
