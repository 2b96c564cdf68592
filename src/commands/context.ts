import type { AuditConfig, Roster } from '../config/types.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Tracker } from '../gitlab/tracker.js';
import type { CheckResult, PlatformId } from '../domain/types.js';
import type { Rules } from '../domain/checkpoint.js';

export type Checker = () => Promise<CheckResult>;

/** Everything a command needs, passed in (Probot-style): no command reaches for globals. */
export interface AuditContext {
  config: AuditConfig;
  roster: Roster;
  tracker: Tracker;
  /** Builds the checker for a platform; throws a ConfigError when its credentials are missing. */
  checker: (platform: PlatformId) => Checker;
  /** Issue template text for a platform. */
  template: (platform: PlatformId) => string;
  clock: Clock;
  logger: Logger;
  /** Where results for people go (stdout in the CLI). */
  out: (text: string) => void;
  /** Key of the board checkpoint's seal, derived from the bot's GitLab token (none in a dry run without one). */
  checkpointKey?: string;
}

/** username → reports_to, made once per roster (a run follows up every issue with the same roster). */
const managerMaps = new WeakMap<Roster, Map<string, string | null>>();

/** What the ladder depends on besides the notes: its durations, the Support Ops Managers, each person's manager. */
export function ladderRules(ctx: Pick<AuditContext, 'config' | 'roster' | 'checkpointKey'>): Rules {
  let managers = managerMaps.get(ctx.roster);
  if (!managers)
    managerMaps.set(
      ctx.roster,
      (managers = new Map(ctx.roster.map((person) => [person.gitlab.username, person.reports_to]))),
    );
  const known = managers;
  return {
    ladder: ctx.config.ladder,
    supportOpsManagers: ctx.config.support_ops_managers,
    managerOf: (username) => known.get(username) ?? null,
    sealKey: ctx.checkpointKey,
  };
}
