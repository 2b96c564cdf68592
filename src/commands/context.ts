import type { AuditConfig, Roster } from '../config/types.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Tracker } from '../gitlab/tracker.js';
import type { CheckResult, PlatformId } from '../domain/types.js';

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
}
