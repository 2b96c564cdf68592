import { ConfigError } from '../../config/errors.js';
import { messageOf, statusOf } from '../../http/errors.js';
import { clientDeps, notSet } from '../checker-support.js';
import type { OnlineCheck, OnlineCheckDeps } from '../contract.js';
import { variable } from '../variables.js';
import { zendeskAuth } from './auth.js';
import { ZendeskClient, createZendeskHttp } from './client.js';
import { ZENDESK_REQUIRED_ENV, zendeskCredentials } from './env.js';
import type { ZendeskPlatform } from './instances.js';

/** `validate --online`: the instance's credentials log in, and read the user they act as. */
export async function zendeskOnlineCheck(platform: ZendeskPlatform, deps: OnlineCheckDeps): Promise<OnlineCheck> {
  const { env } = deps;
  let login;
  try {
    login = zendeskCredentials(env, platform);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const names = error.problems.map((problem) => /^env (\w+)/.exec(problem)?.[1] ?? problem);
    return notSet(variable(env, ZENDESK_REQUIRED_ENV[platform][0]) ?? '-', names);
  }
  const target = login.baseUrl;
  const common = { ...clientDeps(platform, deps), retry: deps.retry };
  const auth = zendeskAuth(login, {
    baseUrl: target,
    logger: common.logger,
    clock: common.clock,
    sleep: common.sleep,
    timeoutMs: common.timeoutMs,
  });
  const how =
    login.kind === 'oauth'
      ? `the OAuth client ${login.clientId} (scope read)`
      : `the API-token pair ${login.variables.join(' + ')}`;
  let me;
  try {
    me = await new ZendeskClient(
      createZendeskHttp({ baseUrl: target, auth, ...common }),
      login.kind === 'oauth' ? login.clientId : undefined,
    ).me();
  } catch (error) {
    const hint = statusOf(error) === 401 ? `Zendesk refused ${how}: check ${login.variables.join(' and ')}; ` : '';
    return { target, result: 'FAIL', detail: `${hint}${messageOf(error)}` };
  }
  const as = `logged in with ${how} as user ${me.id} (admin)`;
  return auth.warning
    ? { target, result: 'WARN', detail: `${as}; this instance ${auth.warning}` }
    : { target, result: 'OK', detail: as };
}
