import { HttpError, RetriesExhaustedError } from '../../src/http/errors.js';
import { IncompleteListingError } from '../../src/http/paginate.js';
import { CalendlyTokenError, assertPlausibleMemberships, explainRefusal } from '../../src/platforms/calendly/client.js';
import type { CalendlyMembership, CalendlyUser } from '../../src/platforms/calendly/types.js';

const API = 'https://api.calendly.com';
const ORG = `${API}/organizations/ORG1`;
const ME: CalendlyUser = { uri: `${API}/users/ME`, name: 'Me', email: 'me@example.com', current_organization: ORG };
const member = (uuid: string, organization = ORG): CalendlyMembership => ({
  uri: `${API}/organization_memberships/M${uuid}`,
  role: 'user',
  user: { uri: `${API}/users/${uuid}`, name: uuid, email: `${uuid}@example.com` },
  organization,
  created_at: '2025-01-01T00:00:00Z',
});

describe('assertPlausibleMemberships', () => {
  test('passes when the token user is listed', () => {
    expect(() => assertPlausibleMemberships(ME, ORG, [member('A'), member('ME')])).not.toThrow();
  });

  test('an empty listing, or one without the token user, is incomplete', () => {
    for (const listing of [[], [member('A'), member('B')]]) {
      expect(() => assertPlausibleMemberships(ME, ORG, listing)).toThrow(IncompleteListingError);
    }
    expect(() => assertPlausibleMemberships(ME, ORG, [member('A')])).toThrow(
      `the membership listing of organization ${ORG} (1 member(s)) ` +
        `does not contain the token's own user ${API}/users/ME: the listing is incomplete`,
    );
  });

  test('a membership of another organization is refused', () => {
    expect(() =>
      assertPlausibleMemberships(ME, ORG, [member('ME'), member('X', `${API}/organizations/OTHER`)]),
    ).toThrow(/another organization/);
  });
});

describe('explainRefusal', () => {
  const http = (
    status: number,
    body = '{"title":"Permission Denied","message":"You do not have permission to access this resource."}',
  ) => new HttpError('calendly', 'GET', '/organization_memberships?organization=x', status, {}, body);

  test('a 403 names the scope and CALENDLY_TOKEN, keeping the body and the status', () => {
    const error = explainRefusal(http(403), 'organizations:read') as CalendlyTokenError;
    expect(error).toBeInstanceOf(CalendlyTokenError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(403);
    expect(error.scope).toBe('organizations:read');
    expect(error.message).toMatch(
      new RegExp(
        '^calendly GET /organization_memberships\\?organization=x answered HTTP 403: ' +
          '\\{"title":"Permission Denied".*\\} — the token lacks the scope `organizations:read`; .* set CALENDLY_TOKEN',
      ),
    );
  });

  test('a 401 says the token was refused; behind retries too', () => {
    const error = explainRefusal(new RetriesExhaustedError(2, http(401, '')), 'users:read') as Error;
    expect(error.message).toBe(
      'calendly GET /organization_memberships?organization=x answered HTTP 401: ' +
        'Calendly refused the token (invalid, expired or revoked); ' +
        'create a personal access token with the scopes `users:read` and `organizations:read` and set CALENDLY_TOKEN',
    );
  });

  test('anything else passes through untouched', () => {
    const other = [http(404), http(500), new Error('boom')];
    for (const error of other) expect(explainRefusal(error, 'users:read')).toBe(error);
  });
});
