import type { Clock, Sleep } from '../clock.js';
import type { Checker as ConfigChecker, Fields } from '../config/validate.js';
import type { AuditConfig, Env, PlatformConfig, Roster } from '../config/types.js';
import type { CheckResult } from '../domain/types.js';
import type { Logger } from '../log.js';
import type { FakeServer } from '../sandbox/fake-server.js';

/**
 * What a platform is: one folder, src/platforms/<id>/, whose index.ts exports one PlatformModule.
 * The registry (registry.ts) lists the modules; platform ids, variables, secrets, config and roster
 * validation, rate-limit headers, the sandbox, the demo and the benchmark are all derived from it.
 */
export interface PlatformModule {
  /** The folder's name, the roster section's key and the vendor the HTTP layer paces: `pagerduty`. */
  readonly id: string;
  /** The audits this platform runs, one issue each: one per instance (Zendesk: main and US Federal). */
  readonly audits: readonly AuditModule[];
  /** Every environment variable the platform reads. */
  readonly env: readonly EnvVariable[];
  /** The person's section in roster.yml under `id`. */
  readonly roster: RosterSectionSchema;
  /** The vendor's rate-limit headers (lower case), read by the pacer and the retry layer. */
  readonly rateLimitHeaders: RateLimitHeaders;
  /** The fake of the vendor's API on 127.0.0.1, with its seed data. */
  readonly sandbox: SandboxModule;
  /** The vendor's data for a synthetic organisation, for the benchmark. */
  readonly bench: BenchModule;
}

/** One audit: one issue per quarter, one checker, one `platforms.<id>` block in the config. */
export interface AuditModule {
  /** The platform id people see: config key, `--platform`, labels, markers (`zendesk-us-federal`). */
  readonly id: string;
  readonly displayName: string;
  /** Prefix of the short item ids people use in replies (PD-3). */
  readonly itemPrefix: string;
  /** Variables this audit cannot run without (names from the module's `env`). */
  readonly requiredEnv: readonly string[];
  /** Its settings under `platforms.<id>` beyond enabled, template, labels and rate_limit_share. */
  readonly settings: SettingsSchema;
  /** The bundled issue template's file name in issue_templates/ (`<id>.md`). */
  readonly template: string;
  /** Builds the checker; throws a ConfigError naming the variables to set when they are missing. */
  readonly checker: (deps: CheckerDeps) => Checker;
}

export type Checker = () => Promise<CheckResult>;

export interface CheckerDeps {
  env: Env;
  roster: Roster;
  config: AuditConfig;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
}

export interface EnvVariable {
  readonly name: string;
  /** What it is for, shown when it is required and missing. */
  readonly why: string;
  /** Never printed; scrubbed from every log line and everything written to GitLab. */
  readonly secret?: boolean;
  /** Checked when set: an http(s) URL without credentials, or an email address. */
  readonly kind?: 'url' | 'email';
  readonly default?: string;
}

/** A platform's settings: their defaults, and the check of what the config file says. */
export interface SettingsSchema {
  /** The keys allowed besides the common ones, for "unknown key" messages and suggestions. */
  readonly keys: readonly string[];
  /** Checks `fields` (the `platforms.<id>` mapping) and writes the typed settings into `into`. */
  readonly check: (checker: ConfigChecker, fields: Fields, into: PlatformConfig & Record<string, unknown>) => void;
  /** The settings when the config leaves them out. */
  readonly defaults: () => Record<string, unknown>;
}

/** A roster section: its check, and which of its values must be unique across people. */
export interface RosterSectionSchema {
  readonly check: (checker: ConfigChecker, fields: Fields) => unknown;
  /** Paths inside the section whose values must differ between people (`id`, `main.id`). */
  readonly uniqueKeys: readonly string[];
}

export interface RateLimitHeaders {
  /** How long to wait after a 429, first match wins. */
  readonly wait: readonly string[];
  /** Requests left in the current window, and when it resets. */
  readonly remaining: readonly string[];
  readonly reset: readonly string[];
  /** The whole budget per window. */
  readonly limit: readonly string[];
}

export interface SandboxModule {
  /** Starts the fakes, seeded; `env` points the CLI at them with credentials they accept. */
  start(options: { clock: Clock }): Promise<StartedFakes>;
}

export interface StartedFakes {
  /** The fakes by name, for tests to look and act (`pagerduty`, `zendesk`, `zendeskUsFederal`). */
  readonly fakes: Readonly<Record<string, FakeServer>>;
  readonly env: Readonly<Record<string, string>>;
}

export interface BenchModule {
  /** The vendor's data for `people` synthetic people, in the fakes' data shape, by fake name. */
  data(people: number, now: Date): Readonly<Record<string, unknown>>;
}
