import type { CalendlyData, CalendlyInvitationSeed, CalendlyMemberSeed } from './data.js';

/** Renders the store's records as Calendly API v2 resources, named by URIs under the running fake's URL. */
export class CalendlyRenderer {
  constructor(
    private readonly data: CalendlyData,
    private readonly apiUrlOf: () => string,
  ) {}

  get apiUrl(): string {
    return this.apiUrlOf();
  }

  get organizationUri(): string {
    return `${this.apiUrl}/organizations/${this.data.organization.uuid}`;
  }

  userUri(uuid: string): string {
    return `${this.apiUrl}/users/${uuid}`;
  }

  membershipUuid(member: CalendlyMemberSeed): string {
    return member.membershipUuid ?? `M${member.uuid}`;
  }

  /** A user; `full` adds what only `GET /users/{uuid}` shows (not the user inside a membership). */
  user(member: CalendlyMemberSeed, full: boolean): Record<string, unknown> {
    const slug = member.email
      .split('@')[0]
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-');
    return {
      uri: this.userUri(member.uuid),
      name: member.name,
      slug,
      email: member.email,
      scheduling_url: `https://calendly.com/${slug}`,
      timezone: member.timezone ?? 'America/New_York',
      avatar_url: null,
      created_at: member.created_at,
      updated_at: member.created_at,
      ...(full ? { current_organization: this.organizationUri, resource_type: 'User', locale: 'en' } : {}),
    };
  }

  membership(member: CalendlyMemberSeed): Record<string, unknown> {
    return {
      uri: `${this.apiUrl}/organization_memberships/${this.membershipUuid(member)}`,
      role: member.role,
      user: this.user(member, false),
      organization: this.organizationUri,
      created_at: member.created_at,
      updated_at: member.created_at,
    };
  }

  invitation(invitation: CalendlyInvitationSeed): Record<string, unknown> {
    return {
      uri: `${this.organizationUri}/invitations/${invitation.uuid}`,
      organization: this.organizationUri,
      email: invitation.email,
      status: invitation.status,
      created_at: invitation.created_at,
      updated_at: invitation.last_sent_at ?? invitation.created_at,
      last_sent_at: invitation.last_sent_at ?? null,
      ...(invitation.status === 'accepted' && invitation.userUuid ? { user: this.userUri(invitation.userUuid) } : {}),
    };
  }
}
