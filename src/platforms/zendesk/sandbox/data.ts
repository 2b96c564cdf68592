/**
 * The Zendesk fake's store: what one instance serves, in the shapes tests and seeds write. The
 * fake renders these as Zendesk's API objects.
 */

export type ZendeskRole = 'end-user' | 'agent' | 'admin';

export interface ZendeskUserSeed {
  id: number;
  name: string;
  email: string | null;
  role: ZendeskRole;
  /** 1 for a light agent; null otherwise (the API's default). */
  role_type?: number | null;
  custom_role_id?: number | null;
  suspended?: boolean;
  /** Null: never signed in. */
  last_login_at?: string | null;
  created_at: string;
  /** Undefined renders as null (the API does not report it). */
  two_factor_auth_enabled?: boolean | null;
  /** Group memberships, in order (the first is the default group). */
  groupIds?: number[];
}

export interface ZendeskGroupSeed {
  id: number;
  name: string;
  deleted?: boolean;
  created_at?: string;
}

export interface ZendeskCustomRoleSeed {
  id: number;
  name: string;
  role_type: number;
  description?: string;
}

export interface ZendeskTokenSeed {
  id: number;
  description: string | null;
  active: boolean;
  created_at: string;
  last_used: string | null;
  /** Last characters of the token as the Admin Center shows them. */
  visible_token: string;
}

export interface ZendeskOAuthClientSeed {
  id: number;
  name: string;
  /** The client_id of the OAuth requests. */
  identifier: string;
  kind: 'confidential' | 'public';
  /** The admin who created it: its tokens act as them. */
  user_id: number;
  secret: string;
  created_at: string;
  company?: string | null;
}

export interface ZendeskOAuthTokenSeed {
  id: number;
  client_id: number;
  user_id: number;
  /** The whole access token (listings show its first 10 characters). */
  value: string;
  scopes: string[];
  created_at: string;
  /** Null: it does not expire. */
  expires_at: string | null;
  used_at: string | null;
  revoked?: boolean;
}

export interface ZendeskData {
  subdomain: string;
  /** None when absent. */
  oauthClients?: ZendeskOAuthClientSeed[];
  /** Access tokens of every client: seeded ones, and those POST /oauth/tokens issues. */
  oauthTokens?: ZendeskOAuthTokenSeed[];
  users: ZendeskUserSeed[];
  groups: ZendeskGroupSeed[];
  /** Null: not an Enterprise account (the endpoint answers 403). */
  customRoles: ZendeskCustomRoleSeed[] | null;
  /** False: API token access is disabled (the api_tokens endpoint answers 404). */
  tokenAccess: boolean;
  tokens: ZendeskTokenSeed[];
}

/** The data a running fake serves: the OAuth lists are always there (empty when the seed has none). */
export type ZendeskStore = ZendeskData & Required<Pick<ZendeskData, 'oauthClients' | 'oauthTokens'>>;

/**
 * `count` agents with deterministic ids (from `firstId`), names and emails, all signed in
 * recently, for pagination tests. They are in no group and not in any roster.
 */
export function generateZendeskAgents(
  count: number,
  firstId = 900_000_001,
  signedInAt = '2026-11-20T12:00:00Z',
): ZendeskUserSeed[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    return {
      id: firstId + i,
      name: `Generated Agent ${n}`,
      email: `generated-agent-${n}@example.com`,
      role: 'agent' as const,
      created_at: '2025-01-01T00:00:00Z',
      last_login_at: signedInAt,
      two_factor_auth_enabled: true,
    };
  });
}
