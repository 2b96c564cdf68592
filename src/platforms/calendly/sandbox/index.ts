import type { SandboxModule } from '../../contract.js';
import { createCalendlySandbox, type CalendlySandbox } from './server.js';
import { seedCalendly } from './seed.js';

declare module '../../../sandbox/environment.js' {
  interface SandboxFakes {
    calendly: CalendlySandbox;
  }
  interface SandboxTokens {
    /** The personal access token the fake accepts (`CALENDLY_TOKEN`). */
    calendly: string;
  }
}

/** The Calendly organization of the sample team. */
export const sandbox: SandboxModule = {
  tokens: { calendly: 'sandbox-calendly-token' },
  async start({ clock, tokens }) {
    const calendly = createCalendlySandbox({ token: tokens.calendly, data: seedCalendly(clock()), now: clock });
    await calendly.start();
    return {
      fakes: { calendly },
      env: { CALENDLY_URL: calendly.url, CALENDLY_TOKEN: tokens.calendly },
    };
  },
};
