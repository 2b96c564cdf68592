import type { EnvVariable } from '../contract.js';

export const DEFAULT_CALENDLY_URL = 'https://api.calendly.com';

export const CALENDLY_ENV: readonly EnvVariable[] = [
  { name: 'CALENDLY_URL', why: 'base URL of the Calendly API', kind: 'url', default: DEFAULT_CALENDLY_URL },
  {
    name: 'CALENDLY_TOKEN',
    why: 'a Calendly personal access token of an organization owner or admin',
    secret: true,
  },
];
