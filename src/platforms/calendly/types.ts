/**
 * The parts of Calendly API v2 objects the audit reads. Calendly names every resource by its
 * URI (`https://api.calendly.com/users/AAAA…`); the last path segment is its uuid.
 */
export type CalendlyOrgRole = 'owner' | 'admin' | 'user' | (string & {});

/** `GET /users/{uuid}` and `/users/me` → `{ resource: CalendlyUser }`. */
export interface CalendlyUser {
  uri: string;
  name: string;
  slug?: string;
  email: string;
  scheduling_url?: string;
  timezone?: string;
  avatar_url?: string | null;
  created_at?: string;
  updated_at?: string;
  /** Present on `/users/me` (and other full user resources). */
  current_organization?: string;
  resource_type?: string;
}

/** An item of `GET /organization_memberships`. */
export interface CalendlyMembership {
  uri: string;
  role: CalendlyOrgRole;
  user: CalendlyUser;
  organization: string;
  created_at: string;
  updated_at?: string;
}

export type CalendlyInvitationStatus = 'pending' | 'accepted' | 'declined' | (string & {});

/** An item of `GET /organizations/{uuid}/invitations`. */
export interface CalendlyInvitation {
  uri: string;
  organization: string;
  email: string;
  status: CalendlyInvitationStatus;
  created_at: string;
  updated_at?: string;
  last_sent_at?: string | null;
  /** The user's URI once the invitation was accepted. */
  user?: string | null;
}

/** Calendly's token pagination, on every collection response. */
export interface CalendlyPagination {
  count: number;
  next_page: string | null;
  previous_page?: string | null;
  next_page_token: string | null;
  previous_page_token?: string | null;
}

/** Everything one audit run read from Calendly. */
export interface CalendlySnapshot {
  /** The token's user (`/users/me`). */
  me: CalendlyUser;
  /** The organization's URI (`current_organization` of the token's user). */
  organization: string;
  memberships: CalendlyMembership[];
  /** Pending invitations only. */
  invitations: CalendlyInvitation[];
}

/** The uuid at the end of a Calendly resource URI (or the value itself when it is not a URI). */
export function uuidOf(uri: string): string {
  const trimmed = uri.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return last || uri;
}
