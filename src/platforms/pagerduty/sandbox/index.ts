import type { SandboxModule } from '../../contract.js';
import { createPagerDutySandbox, type PagerDutySandbox } from './server.js';
import { seedPagerDuty } from './seed.js';

declare module '../../../sandbox/environment.js' {
  interface SandboxFakes {
    pagerduty: PagerDutySandbox;
  }
  interface SandboxTokens {
    /** The REST API key the fake accepts (`PAGERDUTY_TOKEN`). */
    pagerduty: string;
  }
}

/** The PagerDuty account of the sample team. */
export const sandbox: SandboxModule = {
  tokens: { pagerduty: 'sandbox-pagerduty-token' },
  async start({ clock, tokens }) {
    const pagerduty = createPagerDutySandbox({ token: tokens.pagerduty, data: seedPagerDuty(clock()), now: clock });
    await pagerduty.start();
    return {
      fakes: { pagerduty },
      env: { PAGERDUTY_URL: pagerduty.url, PAGERDUTY_TOKEN: tokens.pagerduty },
    };
  },
};
