import type { Clock, Sleep } from '../clock.js';
import type { At, Checker as ConfigChecker, Fields } from '../config/validate.js';
import type { AuditConfig, Env, PlatformConfig, Roster } from '../config/types.js';
import type { CheckResult } from '../domain/types.js';
import type { RateLimitHeaders } from '../http/rate-limit.js';
import type { Logger } from '../log.js';
import type { FakeServer } from '../sandbox/fake-server.js';

export type { RateLimitHeaders } from '../http/rate-limit.js';

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
  /**
   * Secrets made from the variables' values that a request or an answer may carry (an encoded
   * credential), scrubbed like the secret variables themselves.
   */
  readonly derivedSecrets?: (env: NodeJS.ProcessEnv) => readonly string[];
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
  /** `validate --online`'s check of its credentials: one cheap request (absent: the row says there is none). */
  readonly onlineCheck?: (deps: OnlineCheckDeps) => Promise<OnlineCheck>;
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

export interface OnlineCheckDeps extends Omit<CheckerDeps, 'roster'> {
  /** A few retries only: a preflight that waits minutes on a flaky vendor helps nobody. */
  retry: { retries: number; baseDelayMs: number };
}

/** One row of `validate --online`'s table: what was checked, and what came of it. */
export interface OnlineCheck {
  /** The base URL checked, or `-` when there is none to check. */
  target: string;
  result: 'OK' | 'WARN' | 'FAIL';
  /** Never holds a secret. */
  detail: string;
}

export interface EnvVariable {
  readonly name: string;
  /** What it is for, shown when it is required and missing. */
  readonly why: string;
  /** Never printed; scrubbed from every log line and everything written to GitLab. */
  readonly secret?: boolean;
  /** Checked when set: an http(s) URL without credentials, or an email address. */
  readonly kind?: 'url' | 'email';
  /** A URL as the requests need it, once valid (default: without its trailing slashes). */
  readonly normalize?: (url: string) => string;
  readonly default?: string;
}

/**
 * A platform's settings: their defaults, and the check of what the config file says. The checks are
 * methods so that a schema of its own settings type (`SettingsSchema<PagerDutyConfig>`) is one.
 */
export interface SettingsSchema<T extends PlatformConfig = PlatformConfig> {
  /** The keys allowed besides the common ones, for "unknown key" messages and suggestions. */
  readonly keys: readonly string[];
  /** Checks `fields` (the `platforms.<id>` mapping, common keys checked) and writes what it sets into `into`. */
  check(checker: ConfigChecker, fields: Fields, into: T): void;
  /** The settings when the config leaves them out (the common ones apart). */
  defaults(): Omit<T, keyof PlatformConfig>;
}

/** A roster section: its check, and which of its values must be unique across people. */
export interface RosterSectionSchema<T = unknown> {
  /** The section as the audit reads it; undefined when it is not valid (after reporting why). */
  check(checker: ConfigChecker, at: At): T | undefined;
  /** Values no two people may share (`id`, `main.id`). */
  readonly unique: readonly UniqueValue[];
  /** How the roster.yml `audit-bot init` writes describes the section. */
  readonly skeleton: RosterSkeleton;
}

export interface RosterSkeleton {
  /** The section's key as the file's header names it (`zendesk.main, zendesk.us_federal`). */
  readonly key: string;
  /** Its fields, on one line (`{ email, role: owner | admin | user }`). */
  readonly fields: string;
  /** A commented-out example in the Support Ops Manager's entry, line by line (`calendly: { ... }`). */
  readonly example: readonly string[];
}

/** A value no two people may share: where it is, within its section. */
export interface UniqueValue {
  readonly path: readonly string[];
  /** Whether `Ann@example.com` and `ann@example.com` are the same. */
  readonly ignoreCase?: boolean;
}

export interface SandboxModule {
  /**
   * The credentials its fakes accept unless a test replaces them, by name (`pagerduty`,
   * `zendeskClientSecret`); no two modules use the same name.
   */
  readonly tokens: Readonly<Record<string, string>>;
  /** Starts its fakes on 127.0.0.1, seeded with the sample team; `env` points the CLI at them. */
  start(options: SandboxStartOptions): Promise<StartedFakes>;
}

export interface SandboxStartOptions {
  clock: Clock;
  /** The module's credentials: its `tokens`, each perhaps replaced by the caller's. */
  tokens: Readonly<Record<string, string>>;
}

/** A vendor's fake: the shared server plumbing plus its live data store (tests may change it between requests). */
export type PlatformFake = FakeServer & { readonly data: unknown };

export interface StartedFakes {
  /** The fakes by name, for tests to look and act (`pagerduty`, `zendesk`, `zendeskUsFederal`). */
  readonly fakes: Readonly<Record<string, PlatformFake>>;
  /** The variables that point the CLI at them, with credentials they accept. */
  readonly env: Readonly<Record<string, string>>;
}

/** A synthetic person of the benchmark's organisation, as the roster's shared fields say. */
export interface BenchPerson {
  readonly index: number;
  readonly name: string;
  readonly email: string;
  readonly username: string;
}

export interface BenchModule {
  /** The vendor's name, as the benchmark's header names its limit (`Zendesk`). */
  readonly vendor: string;
  /** The vendor's announced limit, in requests per minute, which the benchmark gives its fakes. */
  readonly rateLimitPerMinute: number;
  /**
   * The vendor's side of a synthetic organisation of `people`, with about one finding per
   * `driftEvery` people per kind. Every id, name and email is deterministic.
   */
  organisation(people: readonly BenchPerson[], now: Date, driftEvery: number): BenchOrganisation;
  /** The naive N+1 strategy the benchmark compares the module's main audit with. */
  readonly naive?: NaiveStrategy;
}

export interface BenchOrganisation {
  /** A person's section under the module's id in roster.yml: YAML lines indented by two spaces. */
  rosterLines(person: BenchPerson): readonly string[];
  /** The module's audits' blocks under `platforms:` in the config, indented by two spaces. */
  readonly configLines: readonly string[];
  /** The fakes' data, by fake name. */
  readonly data: Readonly<Record<string, unknown>>;
  /** What each audit's `open` must read at least. */
  readonly audits: readonly BenchAudit[];
  /**
   * Starts the fakes on `data` at the vendor's limit counted over `rateLimitWindowMs`, their
   * listings memoized (the data never changes while they serve).
   */
  start(options: { rateLimitWindowMs: number }): Promise<StartedFakes>;
}

export interface BenchAudit {
  /** The audit's id (`zendesk-us-federal`). */
  readonly id: string;
  /** The name of the fake it reads. */
  readonly fake: string;
  /** The requests it needs at least: its listings' pages (and renders). */
  readonly minimum: number;
  /** The longest chain of those requests that must follow each other. */
  readonly chain: number;
}

export interface NaiveStrategy {
  /** The audit whose `open` it is compared with (`zendesk`). */
  readonly audit: string;
  /** What it does, as the benchmark's table says it: `Zendesk: a group-memberships request per agent`. */
  readonly label: string;
  /**
   * Sends the listing part in full against the fakes `env` points at (the benchmark's own), and
   * says how to send the one request per user that follows.
   */
  list(env: Readonly<Record<string, string>>, deps: NaiveDeps): Promise<NaiveListing>;
}

export interface NaiveDeps {
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
}

export interface NaiveListing {
  /** The HTTP client it sent through: its counts are the strategy's requests. */
  readonly client: { readonly requestCount: number; readonly rateLimitedCount: number };
  /** The users it found, one per-user request each. */
  readonly ids: readonly string[];
  readonly perUser: (id: string) => Promise<unknown>;
}
