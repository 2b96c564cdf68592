import { DateTime } from 'luxon';
import { GITLAB_ENV } from '../config/env.js';
import type { AuditConfig, Roster } from '../config/types.js';
import type { Unreachable } from '../domain/reach.js';
import { resolveReach, PLANNER_ACCESS_LEVEL } from '../gitlab/reach.js';
import { VendorClient } from '../http/client.js';
import { GITLAB_RATE_LIMIT_HEADERS } from '../http/rate-limit.js';
import { buildTracker, type RuntimeDeps } from './runtime.js';
import { RETRY, messageOf, row, statusOf, type CheckRow } from './check-rows.js';

/**
 * GitLab's roles as `access_level` (Members API, "Roles": No access 0, Minimal access 5, Guest 10,
 * Planner 15, Reporter 20, Developer 30, Maintainer 40, Owner 50, Admin 60).
 */
const ROLE_NAMES: Record<number, string> = {
  0: 'No access',
  5: 'Minimal access',
  10: 'Guest',
  15: 'Planner',
  20: 'Reporter',
  30: 'Developer',
  40: 'Maintainer',
  50: 'Owner',
  60: 'Admin',
};
const roleName = (level: number) => `${ROLE_NAMES[level] ?? 'role'} (${level})`;

/** The first day of the quarter after `now` (UTC): the next quarterly `open`. */
export function nextQuarterStart(now: Date): string {
  return DateTime.fromJSDate(now, { zone: 'utc' }).startOf('quarter').plus({ quarters: 1 }).toISODate()!;
}

interface GitLabUser {
  id: number;
  username: string;
  bot?: boolean;
}

export async function gitlabChecks(deps: RuntimeDeps, config: AuditConfig, roster: Roster): Promise<CheckRow[]> {
  const { env } = deps;
  const missing = GITLAB_ENV.filter((name) => !env[name]);
  if (missing.length > 0) {
    return [
      row(
        'gitlab token',
        env.GITLAB_URL ?? '-',
        'FAIL',
        `not set: ${missing.join(', ')}; every open and followup job needs them`,
      ),
    ];
  }
  const url = env.GITLAB_URL!;
  const project = env.AUDIT_PROJECT!;
  const http = new VendorClient({
    vendor: 'gitlab',
    rateLimitHeaders: GITLAB_RATE_LIMIT_HEADERS,
    baseUrl: `${url}/api/v4`,
    headers: { 'private-token': env.GITLAB_TOKEN!, accept: 'application/json' },
    logger: deps.logger.child({ vendor: 'gitlab' }),
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: env.AUDIT_HTTP_TIMEOUT_MS,
    retry: RETRY,
  });
  const rows: CheckRow[] = [];

  // GET /user: the token works, and whom it acts as.
  let me: GitLabUser;
  try {
    me = (await http.getJson<GitLabUser>('user')).body;
    if (typeof me?.id !== 'number' || typeof me.username !== 'string')
      throw new Error('GitLab GET /user answered without a user');
  } catch (error) {
    const status = statusOf(error);
    const hint =
      status === 401
        ? 'GitLab refused GITLAB_TOKEN (invalid, expired or revoked): ' +
          'create a project access token with the api scope; '
        : '';
    return [row('gitlab token', url, 'FAIL', `${hint}${messageOf(error)}`)];
  }
  rows.push(
    row(
      'gitlab token',
      url,
      'OK',
      `acts as @${me.username}${me.bot ? ' (a bot user: project or group access token)' : ''}`,
    ),
  );

  // GET /personal_access_tokens/self (GitLab 15.5+): scopes and expiry of the token itself.
  rows.push(...(await tokenChecks(http, url, deps.clock())));

  // The project, then the token user's role in it (inherited membership included).
  let projectPath: string;
  try {
    const { body } = await http.getJson<{ id: number; path_with_namespace?: string }>(
      `projects/${encodeURIComponent(project)}`,
    );
    projectPath = body?.path_with_namespace ?? project;
  } catch (error) {
    const hint =
      statusOf(error) === 404
        ? `no project ${project}, or @${me.username} cannot see it: ` +
          "check AUDIT_PROJECT and add the token's user to the project; "
        : '';
    rows.push(row('gitlab project', project, 'FAIL', `${hint}${messageOf(error)}`));
    return rows;
  }
  rows.push(await roleCheck(http, project, projectPath, me));

  // Everyone the audit may mention: roster people, their managers, the Support Ops Managers.
  rows.push(...(await reachChecks(deps, projectPath, config, roster)));
  return rows;
}

async function tokenChecks(http: VendorClient, url: string, now: Date): Promise<CheckRow[]> {
  let token: { scopes?: unknown; expires_at?: unknown };
  try {
    token = (await http.getJson<typeof token>('personal_access_tokens/self')).body ?? {};
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined || status >= 500)
      return [
        row('gitlab token scope', url, 'WARN', `could not read the token's scopes and expiry: ${messageOf(error)}`),
      ];
    return [
      row(
        'gitlab token scope',
        url,
        'WARN',
        "GitLab does not tell this token's scopes and expiry " +
          `(GET /personal_access_tokens/self answered HTTP ${status}; it needs GitLab 15.5 or later): ` +
          'check them under Settings > Access tokens',
      ),
    ];
  }
  const rows: CheckRow[] = [];
  const scopes = Array.isArray(token.scopes) ? token.scopes.map(String) : [];
  rows.push(
    scopes.includes('api')
      ? row('gitlab token scope', url, 'OK', `scopes: ${scopes.join(', ')}`)
      : row(
          'gitlab token scope',
          url,
          'FAIL',
          `scopes: ${scopes.join(', ') || 'none'}; lacks \`api\`: ` +
            'the bot cannot create issues, post notes or take its lease (read_api only reads); ' +
            'create a token with the api scope',
        ),
  );
  const next = nextQuarterStart(now);
  const expires = typeof token.expires_at === 'string' ? token.expires_at.slice(0, 10) : undefined;
  if (!expires) rows.push(row('gitlab token expiry', url, 'OK', 'no expiry date'));
  // A token stops working on its expiry date (at 00:00 UTC): one expiring on the quarter's first
  // day misses its 09:00 run.
  else if (expires <= next)
    rows.push(
      row(
        'gitlab token expiry',
        url,
        'WARN',
        `expires ${expires}, before the next quarterly run on ${next}: rotate it and update GITLAB_TOKEN`,
      ),
    );
  else rows.push(row('gitlab token expiry', url, 'OK', `expires ${expires}, after the next quarterly run on ${next}`));
  return rows;
}

async function roleCheck(http: VendorClient, project: string, projectPath: string, me: GitLabUser): Promise<CheckRow> {
  const needs =
    'the bot needs Reporter (or Planner, GitLab 17.7+) or higher ' +
    'to read the confidential audit issues, label and close them';
  // `state` is the user's (active, blocked…), `membership_state` the membership's (active, or
  // awaiting an invitation's acceptance).
  let member: { access_level?: unknown; state?: unknown; membership_state?: unknown };
  try {
    member =
      (await http.getJson<typeof member>(`projects/${encodeURIComponent(project)}/members/all/${me.id}`)).body ?? {};
  } catch (error) {
    if (statusOf(error) === 404)
      return row('gitlab role', projectPath, 'FAIL', `@${me.username} is not a member of ${projectPath}: ${needs}`);
    return row('gitlab role', projectPath, 'FAIL', messageOf(error));
  }
  const level = typeof member.access_level === 'number' ? member.access_level : undefined;
  if (level === undefined)
    return row('gitlab role', projectPath, 'FAIL', `GitLab gave no access_level for @${me.username}`);
  if (typeof member.membership_state === 'string' && member.membership_state !== 'active') {
    return row(
      'gitlab role',
      projectPath,
      'FAIL',
      `@${me.username}'s membership is ${member.membership_state}, not active: ${needs}`,
    );
  }
  if (level < PLANNER_ACCESS_LEVEL)
    return row('gitlab role', projectPath, 'FAIL', `@${me.username} is ${roleName(level)}: ${needs}`);
  return row('gitlab role', projectPath, 'OK', `@${me.username} is ${roleName(level)}`);
}

/** Every username the audit may mention, once each (GitLab compares usernames without case). */
export function mentionedUsernames(config: AuditConfig, roster: Roster): string[] {
  const names = new Map<string, string>();
  const add = (name: string | null) => {
    if (name && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  };
  for (const person of roster) add(person.gitlab.username);
  for (const person of roster) add(person.reports_to);
  for (const name of config.support_ops_managers) add(name);
  return [...names.values()];
}

async function reachChecks(
  deps: RuntimeDeps,
  projectPath: string,
  config: AuditConfig,
  roster: Roster,
): Promise<CheckRow[]> {
  const usernames = mentionedUsernames(config, roster);
  let reach: Map<string, Unreachable | undefined>;
  try {
    reach = await resolveReach(buildTracker(deps, false), usernames);
  } catch (error) {
    return [
      row(
        'people reach',
        projectPath,
        'FAIL',
        `could not check who can read the confidential issues: ${messageOf(error)}`,
      ),
    ];
  }
  const rows: CheckRow[] = [];
  for (const username of usernames) {
    const unreachable = reach.get(username);
    if (unreachable) rows.push(row('people reach', `@${username}`, 'FAIL', unreachable.reason.replace(/`/g, '')));
  }
  const reachable = usernames.length - rows.length;
  rows.unshift(
    row(
      'people reach',
      projectPath,
      rows.length > 0 ? 'FAIL' : 'OK',
      `${reachable} of ${usernames.length} usernames (roster, managers, Support Ops Managers) ` +
        'can read the confidential issues',
    ),
  );
  return rows;
}
