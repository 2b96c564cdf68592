/**
 * The parts of Zendesk Support API v2 objects the audit reads (Users, Group Memberships, Groups,
 * Custom Roles, API Tokens). Ids are integers; times are ISO-8601 strings.
 */

/** Zendesk's own role of a user; agents' finer role is in `role_type` and `custom_role_id`. */
export type ZdUserRole = 'end-user' | 'agent' | 'admin' | (string & {});

/** `role_type`: 0 custom agent, 1 light agent, 2 chat agent, 3 contributor, 4 admin, 5 billing admin. */
export const ZD_ROLE_TYPE_LIGHT_AGENT = 1;

/** An item of `GET /api/v2/users`. */
export interface ZdUser {
  id: number;
  name: string;
  email: string | null;
  role: ZdUserRole;
  role_type?: number | null;
  /** The agent's custom role (Enterprise); null for plain agents and admins. */
  custom_role_id?: number | null;
  /** false once deleted. */
  active?: boolean;
  suspended?: boolean;
  /** Null when the user never signed in. */
  last_login_at?: string | null;
  created_at?: string;
  /** Null or absent where the account does not report it. */
  two_factor_auth_enabled?: boolean | null;
}

/** An item of `GET /api/v2/group_memberships`. */
export interface ZdGroupMembership {
  id: number;
  user_id: number;
  group_id: number;
  default?: boolean;
}

/** An item of `GET /api/v2/groups`. */
export interface ZdGroup {
  id: number;
  name: string;
  deleted?: boolean;
}

/** An item of `GET /api/v2/custom_roles` (Enterprise). */
export interface ZdCustomRole {
  id: number;
  name: string;
  role_type?: number;
}

/**
 * An item of `GET /api/v2/api_tokens`. The owner is not a field: it is read from the
 * description's naming convention (see tokens.ts).
 */
export interface ZdApiToken {
  id: number;
  description: string | null;
  active: boolean;
  created_at: string;
  /** Null when the token was never used. */
  last_used?: string | null;
  /** The token's last characters, as the Admin Center shows them. */
  visible_token?: string;
}

/**
 * An item of `GET /api/v2/oauth/clients`. `user_id` is the admin who created the client; `kind`
 * (public or confidential) is read where the account reports it.
 */
export interface ZdOAuthClient {
  id: number;
  name: string;
  identifier: string;
  kind?: string | null;
  user_id?: number | null;
  company?: string | null;
  created_at?: string;
  global?: boolean;
}

/** An item of `GET /api/v2/oauth/tokens?all=true` (admins): which client holds a token, for whom, until when. */
export interface ZdOAuthToken {
  id: number;
  client_id?: number | null;
  user_id?: number | null;
  created_at?: string;
  /** Null or absent: the token does not expire. */
  expires_at?: string | null;
  used_at?: string | null;
  scopes?: string[];
}

/** The OAuth token listing, or why there is none (a refusal is said, never taken as "no tokens"). */
export type ZdOAuthTokenListing =
  { available: true; tokens: ZdOAuthToken[] } | { available: false; status: number; reason: string };

/** The token listing, or why there is none. */
export type ZdTokenListing =
  { available: true; tokens: ZdApiToken[] } | { available: false; status: number; reason: string };

/** Everything one audit run read from one Zendesk instance. */
export interface ZendeskSnapshot {
  /** Agents and admins (`role[]=agent&role[]=admin`), suspended ones included. */
  users: ZdUser[];
  memberships: ZdGroupMembership[];
  groups: ZdGroup[];
  customRoles: ZdCustomRole[];
  tokens: ZdTokenListing;
  oauthClients: ZdOAuthClient[];
  oauthTokens: ZdOAuthTokenListing;
  /** The user the bot's credentials act as (`GET /api/v2/users/me`). */
  me: ZdUser;
  /**
   * The identifier of the OAuth client the audit logs in with, when it does: each run holds a fresh
   * access token of it, so its token count says nothing about it and is not shown.
   */
  ownClient?: string;
}
