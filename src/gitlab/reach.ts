import { mapConcurrently } from '../concurrency.js';
import type { Unreachable } from '../domain/reach.js';
import type { Tracker } from './tracker.js';

/** GitLab's access levels: Planner (17.7+) and above may read confidential issues; Guest may not. */
export const PLANNER_ACCESS_LEVEL = 15;

/**
 * Whether each username can be reached by a mention in the audit project's confidential issues:
 * a GitLab user (not a group: mentioning a group mentions all its members), active, and a member
 * of the project with Planner or higher. One user lookup and one membership lookup per name,
 * four at a time; a name asked twice is looked up once.
 */
export async function resolveReach(
  tracker: Tracker,
  usernames: readonly string[],
): Promise<Map<string, Unreachable | undefined>> {
  const unique = [...new Map(usernames.map((name) => [name.toLowerCase(), name])).values()];
  const results = await mapConcurrently(
    unique,
    4,
    async (username) => [username, await reachOf(tracker, username)] as const,
  );
  const byLowerCase = new Map(results.map(([username, reach]) => [username.toLowerCase(), reach]));
  return new Map(usernames.map((name) => [name, byLowerCase.get(name.toLowerCase())]));
}

async function reachOf(tracker: Tracker, username: string): Promise<Unreachable | undefined> {
  const user = await tracker.findUser(username);
  if (!user) {
    const group = await tracker.isGroup(username);
    return {
      username,
      reason: group
        ? `\`${username}\` is a GitLab group, not a person: a mention would notify all its members; ` +
          'name a person in the roster or config'
        : `\`${username}\` is not a GitLab user: correct the username in the roster or config`,
    };
  }
  if (user.state !== 'active') {
    return {
      username,
      reason:
        `\`${username}\` is ${user.state} in GitLab and gets no notifications: ` +
        'name someone active, or reactivate them',
    };
  }
  const level = await tracker.projectAccessLevel(user.id);
  if (level === null || level < PLANNER_ACCESS_LEVEL) {
    const role = level === null ? 'not a member of the audit project' : 'a Guest of the audit project';
    return {
      username,
      reason:
        `\`${username}\` cannot see this confidential issue (${role}): ` +
        'add them to the project as Planner or higher',
    };
  }
  return undefined;
}
