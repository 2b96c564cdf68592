import { mention } from './markdown.js';

/**
 * Whether a GitLab user can be reached by a mention in a confidential audit issue. GitLab shows a
 * confidential issue only to project members with the Planner role or higher (Reporter before
 * 17.7), its author and its assignees, and sends no notification to a mentioned user who cannot
 * read it: a ping to anyone else vanishes.
 */
export interface Unreachable {
  username: string;
  /**
   * One line a person can act on, e.g. "`jdoe` cannot see this confidential issue: add them to the
   * project as Planner or higher".
   */
  reason: string;
}

/** Undefined: reachable (or not known to be unreachable). */
export type ReachOf = (username: string) => Unreachable | undefined;

export const everyoneReachable: ReachOf = () => undefined;

/**
 * Where a ping goes: the first reachable person up the chain, or the Support Ops Managers (null),
 * and whom it passed over.
 */
export interface Route {
  to: string | null;
  skipped: Unreachable[];
}

/**
 * The first reachable person from `first` up the roster's `reports_to` chain; null (the Support
 * Ops Managers) when nobody on it is reachable, or when there is nobody to start from.
 */
export function routeUp(first: string | null, managerOf: (username: string) => string | null, reach: ReachOf): Route {
  const skipped: Unreachable[] = [];
  const seen = new Set<string>();
  for (let person = first; person !== null && !seen.has(person.toLowerCase()); person = managerOf(person)) {
    seen.add(person.toLowerCase());
    const unreachable = reach(person);
    if (!unreachable) return { to: person, skipped };
    skipped.push(unreachable);
  }
  return { to: null, skipped };
}

/** Each person passed over once, in the order met. */
export function uniqueUnreachable(entries: readonly Unreachable[]): Unreachable[] {
  return [...new Map(entries.map((entry) => [entry.username.toLowerCase(), entry])).values()];
}

/** A mention of someone who can read the issue; anyone else is named without `@` (a mention they would never see). */
export function mentionIfReachable(username: string, reach: ReachOf): string {
  return reach(username) ? `\`${username.replace(/`/g, '')}\`` : mention(username);
}

/** The lines that say whom a note passed over and why (a block quote, one line each). */
export function passedOverLines(skipped: readonly Unreachable[], to: string): string[] {
  return skipped.map((entry) => `> ${entry.reason.replace(/\s+/g, ' ')}; ${to}.`);
}
