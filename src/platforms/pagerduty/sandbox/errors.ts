import { json, type FakeResponse } from '../../../sandbox/fake-server.js';

/** PagerDuty's error body: `{"error":{"message","code","errors"?}}`. */
export function pdError(status: number, message: string, code: number, errors?: string[]): FakeResponse {
  const error: Record<string, unknown> = { message, code };
  if (errors) error.errors = errors;
  return json(status, { error });
}

export const notFound = (): FakeResponse => pdError(404, 'Not Found', 2100);

/** PagerDuty's 429 body (code 2020). */
export const rateLimitExceeded = (): { error: { message: string; code: number } } => ({
  error: { message: 'Rate Limit Exceeded', code: 2020 },
});
