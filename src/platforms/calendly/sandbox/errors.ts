import { json, type FakeResponse } from '../../../sandbox/fake-server.js';

/** Calendly's error body: `title`, `message` and optional `details`. */
export function calendlyError(
  status: number,
  title: string,
  message: string,
  details?: Array<{ parameter: string; message: string }>,
): FakeResponse {
  return json(status, details ? { title, message, details } : { title, message });
}

export const permissionDenied = (): FakeResponse =>
  calendlyError(403, 'Permission Denied', 'You do not have permission to access this resource.');

export const notFound = (): FakeResponse =>
  calendlyError(404, 'Resource Not Found', 'The server could not find the requested resource.');

export const invalid = (parameter: string, message: string): FakeResponse =>
  calendlyError(400, 'Invalid Argument', 'The supplied parameters are invalid.', [{ parameter, message }]);
