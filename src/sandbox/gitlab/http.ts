/** Request helpers and GitLab's error bodies. */

import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { GITLAB_DESCRIPTION_LIMIT, GITLAB_NOTE_LIMIT } from '../../domain/note-size.js';
import { textOf } from '../../domain/text.js';
import type { GitLabSandboxUser } from './types.js';

export type Params = Record<string, unknown>;

/** One authenticated API request, as the route handlers see it. */
export interface Ctx {
  req: FakeRequest;
  method: string;
  actor: GitLabSandboxUser;
  params: Params;
  seg: string[];
  /** Route parameters GitLab echoes into pagination links (e.g. id, noteable_id). */
  routeParams: Record<string, string>;
}

export function json(status: number, body: unknown): FakeResponse {
  return { status, body, headers: { 'content-type': 'application/json' } };
}

export function notFoundRoute(): FakeResponse {
  return json(404, { error: '404 Not Found' });
}

/**
 * GitLab's size caps (docs/vendor-facts.md, "GitLab"): a note or a description longer than its
 * limit in characters (Ruby counts code points) is refused with a 400, and nothing is saved.
 */
export function tooLong(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  // Code points: UTF-16 units less one per surrogate pair (a lone surrogate counts as one).
  const pairs = text.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0;
  return text.length - pairs > limit;
}

/** A note over the cap: Rails' error hash as GitLab's notes API prints it in its 400 message. */
export const NOTE_TOO_LONG = `{:note=>["is too long (maximum is ${GITLAB_NOTE_LIMIT} characters)"]}`;

export function descriptionTooLong(): FakeResponse {
  return json(400, { message: { description: [`is too long (maximum is ${GITLAB_DESCRIPTION_LIMIT} characters)`] } });
}

export function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Query string as GitLab reads it: `key[]=a&key[]=b` is an array. */
export function queryParams(url: URL): Params {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const current = out[name];
      out[name] = Array.isArray(current) ? [...current, value] : [value];
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
  return textOf(value);
}

export function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const text = textOf(value).toLowerCase();
  if (['true', '1', 'yes', 't'].includes(text)) return true;
  if (['false', '0', 'no', 'f'].includes(text)) return false;
  return undefined;
}

/** A comma-separated string or an array, trimmed, empties dropped. */
export function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

export function plural(word: string, count: number): string {
  return count === 1 ? word : `${word}s`;
}
