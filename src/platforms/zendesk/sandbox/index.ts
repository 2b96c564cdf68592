import type { SandboxModule } from '../../contract.js';
import { createZendeskSandbox, type ZendeskSandbox } from './server.js';
import { SANDBOX_ZENDESK_CLIENT_ID, seedZendesk, seedZendeskUsFederal } from './seed.js';

declare module '../../../sandbox/environment.js' {
  interface SandboxFakes {
    /** The main instance and the US Federal one: one fake each, different data. */
    zendesk: ZendeskSandbox;
    zendeskUsFederal: ZendeskSandbox;
  }
  interface SandboxTokens {
    /** Each instance's API token (with SANDBOX_ZENDESK_EMAIL) and its OAuth client's secret. */
    zendesk: string;
    zendeskUsFederal: string;
    zendeskClientSecret: string;
    zendeskUsFederalClientSecret: string;
  }
}

/**
 * The Zendesk admin both sandbox instances' API tokens belong to (`{email}/token:{token}`), and
 * who created their OAuth clients. The sandbox logs in with the OAuth clients; tests of the
 * API-token fallback set ZENDESK_EMAIL and ZENDESK_API_TOKEN instead.
 */
export const SANDBOX_ZENDESK_EMAIL = 'alex.rivera@example.com';

/** The sample team's two Zendesk instances, main and US Federal. */
export const sandbox: SandboxModule = {
  tokens: {
    zendesk: 'sandbox-zendesk-token',
    zendeskUsFederal: 'sandbox-zendesk-us-federal-token',
    zendeskClientSecret: 'sandbox-zendesk-client-secret',
    zendeskUsFederalClientSecret: 'sandbox-zendesk-us-federal-client-secret',
  },
  async start({ clock, tokens }) {
    const zendesk = createZendeskSandbox({
      name: 'zendesk',
      email: SANDBOX_ZENDESK_EMAIL,
      token: tokens.zendesk,
      data: seedZendesk(clock(), tokens.zendeskClientSecret),
      now: clock,
    });
    const zendeskUsFederal = createZendeskSandbox({
      name: 'zendesk-us-federal',
      email: SANDBOX_ZENDESK_EMAIL,
      token: tokens.zendeskUsFederal,
      data: seedZendeskUsFederal(clock(), tokens.zendeskUsFederalClientSecret),
      now: clock,
    });
    await Promise.all([zendesk.start(), zendeskUsFederal.start()]);
    return {
      fakes: { zendesk, zendeskUsFederal },
      env: {
        ZENDESK_URL: zendesk.url,
        ZENDESK_CLIENT_ID: SANDBOX_ZENDESK_CLIENT_ID,
        ZENDESK_CLIENT_SECRET: tokens.zendeskClientSecret,
        ZENDESK_US_FEDERAL_URL: zendeskUsFederal.url,
        ZENDESK_US_FEDERAL_CLIENT_ID: SANDBOX_ZENDESK_CLIENT_ID,
        ZENDESK_US_FEDERAL_CLIENT_SECRET: tokens.zendeskUsFederalClientSecret,
      },
    };
  },
};
