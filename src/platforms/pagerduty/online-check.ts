import { messageOf, statusOf } from '../../http/errors.js';
import { clientDeps, notSet } from '../checker-support.js';
import type { OnlineCheck, OnlineCheckDeps } from '../contract.js';
import { variable } from '../variables.js';
import { createPagerDutyHttp } from './client.js';

/** `validate --online`: the API key reads one user. */
export async function pagerDutyOnlineCheck(deps: OnlineCheckDeps): Promise<OnlineCheck> {
  const target = variable(deps.env, 'PAGERDUTY_URL') ?? '-';
  const token = variable(deps.env, 'PAGERDUTY_TOKEN');
  if (!token) return notSet(target, ['PAGERDUTY_TOKEN']);
  const http = createPagerDutyHttp({ baseUrl: target, token, ...clientDeps('pagerduty', deps), retry: deps.retry });
  try {
    const { body } = await http.getJson<{ users?: unknown }>('users', { limit: 1 });
    if (!Array.isArray(body?.users))
      return { target, result: 'FAIL', detail: 'GET /users answered without a users list' };
  } catch (error) {
    const status = statusOf(error);
    const hint =
      status === 401
        ? 'PagerDuty refused PAGERDUTY_TOKEN (invalid or revoked): create a read-only REST API key; '
        : status === 403
          ? 'PAGERDUTY_TOKEN may not read users: ' +
            'use a read-only account REST API key (not a user token of a restricted user); '
          : '';
    return { target, result: 'FAIL', detail: `${hint}${messageOf(error)}` };
  }
  return { target, result: 'OK', detail: 'the API key reads users (GET /users?limit=1)' };
}
