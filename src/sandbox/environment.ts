import path from 'node:path';
import type { Clock } from '../clock.js';
import { loadRoster } from '../config/roster.js';
import { SANDBOX_SEED_DIR } from '../paths.js';
import { createGitLabSandbox, type GitLabSandbox, type GitLabSandboxUser } from './gitlab/index.js';
import { createPagerDutySandbox, type PagerDutySandbox } from '../platforms/pagerduty/sandbox/server.js';
import { seedPagerDuty } from '../platforms/pagerduty/sandbox/seed.js';
import { createCalendlySandbox, type CalendlySandbox } from '../platforms/calendly/sandbox/server.js';
import { seedCalendly } from '../platforms/calendly/sandbox/seed.js';
import { createZendeskSandbox, type ZendeskSandbox } from '../platforms/zendesk/sandbox/server.js';
import { SANDBOX_ZENDESK_CLIENT_ID, seedZendesk, seedZendeskUsFederal } from '../platforms/zendesk/sandbox/seed.js';

const SANDBOX_DEFAULT_TOKENS = {
  gitlab: 'sandbox-gitlab-bot-token',
  pagerduty: 'sandbox-pagerduty-token',
  calendly: 'sandbox-calendly-token',
  zendesk: 'sandbox-zendesk-token',
  zendeskUsFederal: 'sandbox-zendesk-us-federal-token',
  zendeskClientSecret: 'sandbox-zendesk-client-secret',
  zendeskUsFederalClientSecret: 'sandbox-zendesk-us-federal-client-secret',
} as const;
export const SANDBOX_TOKENS: Readonly<Record<keyof typeof SANDBOX_DEFAULT_TOKENS, string>> = SANDBOX_DEFAULT_TOKENS;

/**
 * The Zendesk admin both sandbox instances' API tokens belong to (`{email}/token:{token}`), and
 * who created their OAuth clients. The sandbox logs in with the OAuth clients; tests of the
 * API-token fallback set ZENDESK_EMAIL and ZENDESK_API_TOKEN instead.
 */
export const SANDBOX_ZENDESK_EMAIL = 'alex.rivera@example.com';

export const SANDBOX_PROJECT = 'support-ops/access-audits';
export const SANDBOX_BOT = 'audit-bot';
export const SANDBOX_ROSTER = path.join(SANDBOX_SEED_DIR, 'roster.yml');
export const SANDBOX_CONFIG = path.join(SANDBOX_SEED_DIR, 'audit.config.yml');

/**
 * The sandbox's GitLab users: the bot plus everyone in the sandbox roster; each person gets a token
 * `token-<username>`.
 */
function sandboxUsers(botToken: string = SANDBOX_TOKENS.gitlab): {
  users: GitLabSandboxUser[];
  tokens: Record<string, string>;
} {
  const roster = loadRoster(SANDBOX_ROSTER);
  const users: GitLabSandboxUser[] = [{ id: 1, username: SANDBOX_BOT, name: 'Audit Bot', bot: true }];
  const tokens: Record<string, string> = { [botToken]: SANDBOX_BOT };
  roster.forEach((person, index) => {
    users.push({ id: index + 2, username: person.gitlab.username, name: person.name });
    tokens[`token-${person.gitlab.username}`] = person.gitlab.username;
  });
  return { users, tokens };
}

export interface Sandbox {
  gitlab: GitLabSandbox;
  pagerduty: PagerDutySandbox;
  calendly: CalendlySandbox;
  /** The main Zendesk instance and the US Federal one: one fake each, different data. */
  zendesk: ZendeskSandbox;
  zendeskUsFederal: ZendeskSandbox;
  /** Environment for the CLI pointing at the sandbox servers (and its seed config and roster). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts every fake on 127.0.0.1 (random ports), seeded with the sample team; `tokens` replaces the
 * credentials the fakes accept.
 */
export async function startSandbox(
  options: { clock?: Clock; tokens?: Partial<Record<keyof typeof SANDBOX_TOKENS, string>> } = {},
): Promise<Sandbox> {
  const clock = options.clock ?? (() => new Date());
  const credentials = { ...SANDBOX_DEFAULT_TOKENS, ...options.tokens };
  const { users, tokens } = sandboxUsers(credentials.gitlab);
  const gitlab = createGitLabSandbox({ projectPath: SANDBOX_PROJECT, users, tokens, now: clock });
  const pagerduty = createPagerDutySandbox({ token: credentials.pagerduty, data: seedPagerDuty(clock()), now: clock });
  const calendly = createCalendlySandbox({ token: credentials.calendly, data: seedCalendly(clock()), now: clock });
  const zendesk = createZendeskSandbox({
    name: 'zendesk',
    email: SANDBOX_ZENDESK_EMAIL,
    token: credentials.zendesk,
    data: seedZendesk(clock(), credentials.zendeskClientSecret),
    now: clock,
  });
  const zendeskUsFederal = createZendeskSandbox({
    name: 'zendesk-us-federal',
    email: SANDBOX_ZENDESK_EMAIL,
    token: credentials.zendeskUsFederal,
    data: seedZendeskUsFederal(clock(), credentials.zendeskUsFederalClientSecret),
    now: clock,
  });
  await Promise.all([gitlab.start(), pagerduty.start(), calendly.start(), zendesk.start(), zendeskUsFederal.start()]);
  return {
    gitlab,
    pagerduty,
    calendly,
    zendesk,
    zendeskUsFederal,
    env: {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: credentials.gitlab,
      AUDIT_PROJECT: SANDBOX_PROJECT,
      PAGERDUTY_URL: pagerduty.url,
      PAGERDUTY_TOKEN: credentials.pagerduty,
      CALENDLY_URL: calendly.url,
      CALENDLY_TOKEN: credentials.calendly,
      ZENDESK_URL: zendesk.url,
      ZENDESK_CLIENT_ID: SANDBOX_ZENDESK_CLIENT_ID,
      ZENDESK_CLIENT_SECRET: credentials.zendeskClientSecret,
      ZENDESK_US_FEDERAL_URL: zendeskUsFederal.url,
      ZENDESK_US_FEDERAL_CLIENT_ID: SANDBOX_ZENDESK_CLIENT_ID,
      ZENDESK_US_FEDERAL_CLIENT_SECRET: credentials.zendeskUsFederalClientSecret,
      AUDIT_CONFIG: SANDBOX_CONFIG,
      AUDIT_ROSTER: SANDBOX_ROSTER,
    },
    stop: async () => {
      await Promise.all([gitlab.stop(), pagerduty.stop(), calendly.stop(), zendesk.stop(), zendeskUsFederal.stop()]);
    },
  };
}
