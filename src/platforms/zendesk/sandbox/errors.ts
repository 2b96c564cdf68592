import { json, type FakeResponse } from '../../../sandbox/fake-server.js';

/** Zendesk's error body: `{"error", "description"?}`. */
export function zendeskError(status: number, error: string, description?: string): FakeResponse {
  return json(status, description === undefined ? { error } : { error, description });
}

export const notFound = (): FakeResponse => zendeskError(404, 'InvalidEndpoint', 'Not found');

export const forbidden = (): FakeResponse =>
  zendeskError(
    403,
    'Forbidden',
    'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  );

/** Refused credentials: anything but a live access token or an accepted API-token pair. */
export const couldNotAuthenticate = (): FakeResponse => json(401, { error: "Couldn't authenticate you" });
