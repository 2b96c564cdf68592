import { messageOf } from '../../http/errors.js';
import { clientDeps, notSet } from '../checker-support.js';
import type { OnlineCheck, OnlineCheckDeps } from '../contract.js';
import { variable } from '../variables.js';
import { CALENDLY_SCOPES, CalendlyClient, createCalendlyHttp, explainRefusal } from './client.js';
import type { CalendlyMembership } from './types.js';

/** `validate --online`: the token reads its user and that user's membership, an owner's or an admin's. */
export async function calendlyOnlineCheck(deps: OnlineCheckDeps): Promise<OnlineCheck> {
  const target = variable(deps.env, 'CALENDLY_URL') ?? '-';
  const token = variable(deps.env, 'CALENDLY_TOKEN');
  if (!token) return notSet(target, ['CALENDLY_TOKEN']);
  const http = createCalendlyHttp({ baseUrl: target, token, ...clientDeps('calendly', deps), retry: deps.retry });
  const client = new CalendlyClient(http);
  const fail = (detail: string): OnlineCheck => ({ target, result: 'FAIL', detail });
  let membership: CalendlyMembership | undefined;
  let organization: string | undefined;
  try {
    const me = await client.me();
    organization = me.current_organization;
    if (!organization)
      return fail("the token's user has no current_organization: use a token of an organization owner or admin");
    try {
      const { body } = await http.getJson<{ collection?: CalendlyMembership[] }>('organization_memberships', {
        organization,
        user: me.uri,
      });
      membership = body?.collection?.[0];
    } catch (error) {
      throw explainRefusal(error, CALENDLY_SCOPES.memberships);
    }
  } catch (error) {
    return fail(messageOf(error));
  }
  if (!membership) return fail(`the token's user has no membership in its organization ${organization}`);
  const scopes = `scopes ${CALENDLY_SCOPES.me} and ${CALENDLY_SCOPES.memberships} work`;
  if (membership.role !== 'owner' && membership.role !== 'admin') {
    return {
      target,
      result: 'WARN',
      detail:
        `${scopes}, but the token's user is a ${membership.role} of the organization: ` +
        'use a token of an owner or admin (invitations are read too)',
    };
  }
  return { target, result: 'OK', detail: `${scopes}; the token's user is ${membership.role} of the organization` };
}
