import type {
  ZendeskCustomRoleSeed,
  ZendeskGroupSeed,
  ZendeskOAuthClientSeed,
  ZendeskOAuthTokenSeed,
  ZendeskStore,
  ZendeskTokenSeed,
  ZendeskUserSeed,
} from './data.js';

/** Renders the store's records as Zendesk API v2 objects; their `url` links start with the running fake's URL. */
export class ZendeskRenderer {
  constructor(
    private readonly data: ZendeskStore,
    private readonly apiUrlOf: () => string,
  ) {}

  private get url(): string {
    return this.apiUrlOf();
  }

  /** Group memberships derived from the users' `groupIds` (a deleted group has no memberships left). */
  memberships(): Record<string, unknown>[] {
    const created = (user: ZendeskUserSeed) => user.created_at;
    const deleted = new Set(this.data.groups.filter((group) => group.deleted === true).map((group) => group.id));
    return [...this.data.users]
      .sort((a, b) => a.id - b.id)
      .flatMap((user) =>
        (user.groupIds ?? [])
          .filter((groupId) => !deleted.has(groupId))
          .map((groupId, index) => ({
            url: `${this.url}/api/v2/group_memberships/${membershipId(user.id, groupId)}.json`,
            id: membershipId(user.id, groupId),
            user_id: user.id,
            group_id: groupId,
            default: index === 0,
            created_at: created(user),
            updated_at: created(user),
          })),
      )
      .sort((a, b) => a.id - b.id);
  }

  user(user: ZendeskUserSeed): Record<string, unknown> {
    return {
      id: user.id,
      url: `${this.url}/api/v2/users/${user.id}.json`,
      name: user.name,
      email: user.email,
      created_at: user.created_at,
      updated_at: user.created_at,
      time_zone: 'America/New_York',
      iana_time_zone: 'America/New_York',
      locale: 'en-US',
      locale_id: 1,
      organization_id: null,
      role: user.role,
      verified: true,
      external_id: null,
      tags: [],
      alias: null,
      active: true,
      shared: false,
      shared_agent: false,
      last_login_at: user.last_login_at ?? null,
      two_factor_auth_enabled: user.two_factor_auth_enabled ?? null,
      signature: null,
      details: '',
      notes: '',
      role_type: user.role_type ?? null,
      custom_role_id: user.custom_role_id ?? null,
      moderator: user.role === 'admin',
      ticket_restriction: user.role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: false,
      suspended: user.suspended === true,
      default_group_id: user.groupIds?.[0] ?? null,
      report_csv: user.role === 'admin',
      user_fields: {},
    };
  }

  group(group: ZendeskGroupSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/groups/${group.id}.json`,
      id: group.id,
      is_public: true,
      name: group.name,
      description: '',
      default: false,
      deleted: group.deleted === true,
      created_at: group.created_at ?? '2020-01-01T00:00:00Z',
      updated_at: group.created_at ?? '2020-01-01T00:00:00Z',
    };
  }

  customRole(role: ZendeskCustomRoleSeed): Record<string, unknown> {
    return {
      id: role.id,
      name: role.name,
      description: role.description ?? '',
      role_type: role.role_type,
      team_member_count: this.data.users.filter((user) => user.custom_role_id === role.id).length,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
      configuration: {},
    };
  }

  client(client: ZendeskOAuthClientSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/oauth/clients/${client.id}.json`,
      id: client.id,
      user_id: client.user_id,
      name: client.name,
      identifier: client.identifier,
      kind: client.kind,
      company: client.company ?? null,
      description: null,
      redirect_uri: [],
      logo_url: null,
      global: false,
      created_at: client.created_at,
      updated_at: client.created_at,
    };
  }

  oauthToken(token: ZendeskOAuthTokenSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/oauth/tokens/${token.id}.json`,
      id: token.id,
      client_id: token.client_id,
      user_id: token.user_id,
      token: token.value.slice(0, 10),
      refresh_token: null,
      scopes: token.scopes,
      created_at: token.created_at,
      expires_at: token.expires_at,
      used_at: token.used_at,
    };
  }

  apiToken(token: ZendeskTokenSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/api_tokens/${token.id}.json`,
      id: token.id,
      description: token.description,
      active: token.active,
      created_at: token.created_at,
      last_used: token.last_used,
      visible_token: token.visible_token,
    };
  }
}

function membershipId(userId: number, groupId: number): number {
  // Deterministic and unique per (user, group) for the sandbox's small ids.
  return Number(`${groupId % 100_000}${String(userId % 1_000_000_000).padStart(9, '0')}`);
}
