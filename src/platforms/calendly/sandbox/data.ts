/**
 * The Calendly fake's store: what it serves, in the shapes tests and seeds write. The fake renders
 * these as Calendly's API resources.
 */

export type CalendlyRole = 'owner' | 'admin' | 'user';

export interface CalendlyMemberSeed {
  /** The user's uuid (their URI is `<base>/users/<uuid>`). */
  uuid: string;
  /** The membership's uuid; defaults to `M` + the user's uuid. */
  membershipUuid?: string;
  name: string;
  email: string;
  role: CalendlyRole;
  /** ISO-8601: when the membership (and the user) were created. */
  created_at: string;
  timezone?: string;
}

export interface CalendlyInvitationSeed {
  uuid: string;
  email: string;
  status: 'pending' | 'accepted' | 'declined';
  created_at: string;
  last_sent_at?: string | null;
  /** The accepting user's uuid, for accepted invitations. */
  userUuid?: string;
}

export interface CalendlyData {
  organization: { uuid: string; name: string };
  /** The uuid of the member the token belongs to (`/users/me`). */
  tokenUserUuid: string;
  members: CalendlyMemberSeed[];
  invitations: CalendlyInvitationSeed[];
}

/**
 * `count` members with deterministic uuids GENUSER0000001… and names that sort in uuid order,
 * created one minute apart from `createdFrom`, for pagination tests.
 */
export function generateCalendlyMembers(
  count: number,
  createdFrom = '2024-01-01T00:00:00Z',
  prefix = 'Generated Member',
): CalendlyMemberSeed[] {
  const start = Date.parse(createdFrom);
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(7, '0');
    return {
      uuid: `GENUSER${n}`,
      name: `${prefix} ${n}`,
      email: `generated-${n}@example.com`,
      role: 'user' as const,
      created_at: new Date(start + i * 60_000).toISOString(),
    };
  });
}
