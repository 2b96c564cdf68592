import { ConfigError } from '../config/errors.js';
import { zendeskCredentials } from '../config/env.js';
import type { AuditConfig } from '../config/types.js';
import type { PlatformId } from '../domain/types.js';
import { createPagerDutyHttp } from '../platforms/pagerduty/client.js';
import { CALENDLY_SCOPES, CalendlyClient, createCalendlyHttp, explainRefusal } from '../platforms/calendly/client.js';
import type { CalendlyMembership } from '../platforms/calendly/types.js';
import { ZendeskClient, createZendeskHttp } from '../platforms/zendesk/client.js';
import { zendeskAuth } from '../platforms/zendesk/auth.js';
import type { RuntimeDeps } from './runtime.js';
import { RETRY, messageOf, row, statusOf, type CheckRow } from './check-rows.js';

/** What every platform client takes, with few retries. */
function clientDeps(deps: RuntimeDeps, config: AuditConfig, platform: PlatformId) {
  return {
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
    logger: deps.logger.child({ platform }),
    budgetShare: config.platforms[platform].rate_limit_share,
    retry: RETRY,
  };
}

const notSet = (platform: PlatformId, target: string, names: string[]) =>
  row(
    platform,
    target,
    'WARN',
    `not set: ${names.join(', ')}: ` +
      'its jobs will fail (exit 2) until the variables are set, or the platform is disabled',
  );

export async function platformCheck(deps: RuntimeDeps, config: AuditConfig, platform: PlatformId): Promise<CheckRow> {
  const { env } = deps;
  switch (platform) {
    case 'pagerduty': {
      const target = env.PAGERDUTY_URL;
      if (!env.PAGERDUTY_TOKEN) return notSet(platform, target, ['PAGERDUTY_TOKEN']);
      const http = createPagerDutyHttp({
        baseUrl: target,
        token: env.PAGERDUTY_TOKEN,
        ...clientDeps(deps, config, platform),
      });
      try {
        const { body } = await http.getJson<{ users?: unknown }>('users', { limit: 1 });
        if (!Array.isArray(body?.users))
          return row(platform, target, 'FAIL', 'GET /users answered without a users list');
      } catch (error) {
        const status = statusOf(error);
        const hint =
          status === 401
            ? 'PagerDuty refused PAGERDUTY_TOKEN (invalid or revoked): create a read-only REST API key; '
            : status === 403
              ? 'PAGERDUTY_TOKEN may not read users: ' +
                'use a read-only account REST API key (not a user token of a restricted user); '
              : '';
        return row(platform, target, 'FAIL', `${hint}${messageOf(error)}`);
      }
      return row(platform, target, 'OK', 'the API key reads users (GET /users?limit=1)');
    }
    case 'calendly': {
      const target = env.CALENDLY_URL;
      if (!env.CALENDLY_TOKEN) return notSet(platform, target, ['CALENDLY_TOKEN']);
      const http = createCalendlyHttp({
        baseUrl: target,
        token: env.CALENDLY_TOKEN,
        ...clientDeps(deps, config, platform),
      });
      const client = new CalendlyClient(http);
      let membership: CalendlyMembership | undefined;
      let organization: string | undefined;
      try {
        const me = await client.me();
        organization = me.current_organization;
        if (!organization)
          return row(
            platform,
            target,
            'FAIL',
            "the token's user has no current_organization: use a token of an organization owner or admin",
          );
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
        return row(platform, target, 'FAIL', messageOf(error));
      }
      if (!membership)
        return row(platform, target, 'FAIL', `the token's user has no membership in its organization ${organization}`);
      const scopes = `scopes ${CALENDLY_SCOPES.me} and ${CALENDLY_SCOPES.memberships} work`;
      if (membership.role !== 'owner' && membership.role !== 'admin') {
        return row(
          platform,
          target,
          'WARN',
          `${scopes}, but the token's user is a ${membership.role} of the organization: ` +
            'use a token of an owner or admin (invitations are read too)',
        );
      }
      return row(platform, target, 'OK', `${scopes}; the token's user is ${membership.role} of the organization`);
    }
    case 'zendesk':
    case 'zendesk-us-federal': {
      let login;
      try {
        login = zendeskCredentials(env, platform);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const names = error.problems.map((problem) => /^env (\w+)/.exec(problem)?.[1] ?? problem);
        const url = platform === 'zendesk' ? env.ZENDESK_URL : env.ZENDESK_US_FEDERAL_URL;
        return notSet(platform, url ?? '-', names);
      }
      const target = login.baseUrl;
      const common = clientDeps(deps, config, platform);
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
        return row(platform, target, 'FAIL', `${hint}${messageOf(error)}`);
      }
      const as = `logged in with ${how} as user ${me.id} (admin)`;
      return auth.warning
        ? row(platform, target, 'WARN', `${as}; this instance ${auth.warning}`)
        : row(platform, target, 'OK', as);
    }
    default:
      return row(platform, '-', 'WARN', 'no online check for this platform');
  }
}
