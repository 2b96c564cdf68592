import path from 'node:path';
import type { Clock } from '../clock.js';
import { loadRoster } from '../config/roster.js';
import { SANDBOX_SEED_DIR } from '../paths.js';
import type { PlatformFake, PlatformModule, StartedFakes } from '../platforms/contract.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import { createGitLabSandbox, type GitLabSandbox, type GitLabSandboxUser } from './gitlab/index.js';

/**
 * The platform fakes by name, typed: each platform's sandbox/index.ts adds its own
 * (`pagerduty: PagerDutySandbox`) by augmenting this interface.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SandboxFakes {}

/**
 * The credentials the fakes accept, by name: GitLab's bot token here, each platform's added by
 * its sandbox/index.ts (`pagerduty: string`).
 */
export interface SandboxTokens {
  /** The bot's GitLab token (`GITLAB_TOKEN`). */
  gitlab: string;
}

const GITLAB_BOT_TOKEN = 'sandbox-gitlab-bot-token';

/** The credentials every fake accepts unless startSandbox is told otherwise. */
export const SANDBOX_TOKENS: Readonly<SandboxTokens> = defaultTokens(PLATFORM_MODULES);

export const SANDBOX_PROJECT = 'support-ops/access-audits';
export const SANDBOX_BOT = 'audit-bot';
export const SANDBOX_ROSTER = path.join(SANDBOX_SEED_DIR, 'roster.yml');
export const SANDBOX_CONFIG = path.join(SANDBOX_SEED_DIR, 'audit.config.yml');

export interface Sandbox extends SandboxFakes {
  gitlab: GitLabSandbox;
  /** Every platform fake by name, the registered modules' in their order. */
  fakes: Readonly<Record<string, PlatformFake>>;
  /** Environment for the CLI pointing at the sandbox servers (and its seed config and roster). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  clock?: Clock;
  /** Replaces credentials the fakes accept, by name (see SandboxTokens). */
  tokens?: Partial<SandboxTokens>;
  /** The modules whose fakes run (default: the registry), e.g. with a test's own module added. */
  registry?: readonly SandboxedModule[];
}

/** What the sandbox needs of a platform module. */
export type SandboxedModule = Pick<PlatformModule, 'id' | 'sandbox'>;

/** Names the Sandbox object has of its own: no fake may take them. */
const RESERVED = new Set(['gitlab', 'fakes', 'env', 'stop']);

function defaultTokens(modules: readonly SandboxedModule[]): SandboxTokens {
  const tokens: Record<string, string> = { gitlab: GITLAB_BOT_TOKEN };
  for (const module of modules) {
    for (const [name, value] of Object.entries(module.sandbox.tokens)) {
      if (name in tokens) throw new Error(`sandbox: ${module.id}'s credential name "${name}" is taken`);
      tokens[name] = value;
    }
  }
  return tokens as unknown as SandboxTokens;
}

/**
 * The sandbox's GitLab users: the bot plus everyone in the sandbox roster; each person gets a token
 * `token-<username>`.
 */
function sandboxUsers(botToken: string): { users: GitLabSandboxUser[]; tokens: Record<string, string> } {
  const roster = loadRoster(SANDBOX_ROSTER);
  const users: GitLabSandboxUser[] = [{ id: 1, username: SANDBOX_BOT, name: 'Audit Bot', bot: true }];
  const tokens: Record<string, string> = { [botToken]: SANDBOX_BOT };
  roster.forEach((person, index) => {
    users.push({ id: index + 2, username: person.gitlab.username, name: person.name });
    tokens[`token-${person.gitlab.username}`] = person.gitlab.username;
  });
  return { users, tokens };
}

/**
 * Starts GitLab and every registered platform's fakes on 127.0.0.1 (random ports), seeded with the
 * sample team; `tokens` replaces credentials the fakes accept.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? (() => new Date());
  const modules = options.registry ?? PLATFORM_MODULES;
  const credentials: Record<string, string> = { ...defaultTokens(modules) };
  for (const [name, value] of Object.entries(options.tokens ?? {})) {
    if (!(name in credentials)) throw new Error(`sandbox: no fake accepts a credential named "${name}"`);
    if (value !== undefined) credentials[name] = value;
  }
  const { users, tokens } = sandboxUsers(credentials.gitlab);
  const gitlab = createGitLabSandbox({ projectPath: SANDBOX_PROJECT, users, tokens, now: clock });
  const [gitlabStart, ...moduleStarts] = await Promise.allSettled([
    gitlab.start(),
    ...modules.map((module) => module.sandbox.start({ clock, tokens: moduleTokens(module, credentials) })),
  ]);
  const started = moduleStarts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  const stop = async () => {
    const servers = started.flatMap((module) => Object.values(module.fakes));
    await Promise.all([gitlab.stop(), ...servers.map((fake) => fake.stop())]);
  };
  try {
    for (const start of [gitlabStart, ...moduleStarts]) if (start.status === 'rejected') throw start.reason;
    const fakes = fakesByName(started);
    const env: Record<string, string> = {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: credentials.gitlab,
      AUDIT_PROJECT: SANDBOX_PROJECT,
      ...Object.fromEntries(started.flatMap((module) => Object.entries(module.env))),
      AUDIT_CONFIG: SANDBOX_CONFIG,
      AUDIT_ROSTER: SANDBOX_ROSTER,
    };
    // The fakes' typed names (SandboxFakes) are the modules' word for what their `fakes` hold.
    return { ...fakes, gitlab, fakes, env, stop } as unknown as Sandbox;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The module's own credentials, each as the caller set it or its default. */
function moduleTokens(module: SandboxedModule, credentials: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(module.sandbox.tokens).map((name) => [name, credentials[name]]));
}

function fakesByName(started: readonly StartedFakes[]): Record<string, PlatformFake> {
  const fakes: Record<string, PlatformFake> = {};
  for (const [name, fake] of started.flatMap((module) => Object.entries(module.fakes))) {
    if (RESERVED.has(name) || name in fakes) {
      throw new Error(`sandbox: a fake is named "${name}", which another fake or the sandbox itself uses`);
    }
    fakes[name] = fake;
  }
  return fakes;
}
