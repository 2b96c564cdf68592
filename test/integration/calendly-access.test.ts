import got from 'got';
import { runAuditBot, withSandbox } from '../helpers.js';
import { generateCalendlyMembers } from '../../src/platforms/calendly/sandbox/data.js';
import { CALENDLY_ORGANIZATION_UUID } from '../../src/platforms/calendly/sandbox/seed.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

const OPEN = ['open', '--platform', 'calendly'];
const CHECK = ['check', '--platform', 'calendly', '--format', 'json'];
const TOKEN_USER = 'UALEXRIVERA00001';
const STACK_FRAME = /^\s+at /m;

const get = (sandbox: Sandbox, path: string, token: string) =>
  got(`${sandbox.calendly.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    throwHttpErrors: false,
    retry: { limit: 0 },
  });

describe("Calendly: a membership listing without the token's own user is never taken as complete", () => {
  test('check fails (exit 1), names the organization and the missing user, reports nothing', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.data.members.push(...generateCalendlyMembers(250));
      sandbox.calendly.omitFromMemberships.add(TOKEN_USER);
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        `the membership listing of organization ${sandbox.calendly.organizationUri} (259 member(s)) ` +
          "does not contain the token's own user " +
          `${sandbox.calendly.userUri(TOKEN_USER)}: the listing is incomplete`,
      );
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stderr).not.toMatch(/missing-member|member-not-in-roster/);
      // Every page was read: the listing is judged whole, not page by page.
      expect(sandbox.calendly.requestsTo('/organization_memberships')).toHaveLength(3);
    });
  });

  test('open fails for Calendly, posts nothing, and an empty listing fails the same way', async () => {
    await withSandbox(async (sandbox) => {
      for (const member of sandbox.calendly.data.members) sandbox.calendly.omitFromMemberships.add(member.uuid);
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(
          /^calendly: FAILED, no findings were produced: calendly \/organization_memberships: /.source +
            /the membership listing of organization \S+ \(0 member\(s\)\) /.source +
            /does not contain the token's own user \S+UALEXRIVERA00001: the listing is incomplete/.source,
          'm',
        ),
      );
      expect(sandbox.gitlab.issues()).toHaveLength(0);
    });
  });

  test("with the token's user back in the listing, the same data audits normally", async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.omitFromMemberships.add(TOKEN_USER);
      expect((await runAuditBot(sandbox, CHECK)).code).toBe(1);
      sandbox.calendly.omitFromMemberships.clear();
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as unknown[]).length).toBe(10);
    });
  });

  test("a listing holding another organization's membership fails too", async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.setFaultPlan((req) => {
        if (req.url.pathname !== '/organization_memberships') return undefined;
        const me = `${sandbox.calendly.url}/users/${TOKEN_USER}`;
        const own = {
          uri: `${sandbox.calendly.url}/organization_memberships/MINE`,
          role: 'owner',
          organization: sandbox.calendly.organizationUri,
          created_at: '2024-01-01T00:00:00Z',
          user: { uri: me, name: 'Alex Rivera', email: 'alex.rivera@example.com' },
        };
        const other = {
          ...own,
          uri: `${sandbox.calendly.url}/organization_memberships/OTHER`,
          organization: `${sandbox.calendly.url}/organizations/SOMEONEELSE`,
          user: { uri: `${sandbox.calendly.url}/users/X`, name: 'X', email: 'x@example.com' },
        };
        return {
          type: 'status',
          status: 200,
          body: { collection: [own, other], pagination: { count: 2, next_page: null, next_page_token: null } },
        };
      });
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('holds a membership of another organization');
    });
  });
});

describe('Calendly: scoped personal access tokens', () => {
  test('the fake answers 403 Permission Denied for a missing scope, as documented; :write includes :read', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.issueToken('users-only', { scopes: ['users:read'] });
      sandbox.calendly.issueToken('org-write', { scopes: ['users:read', 'organizations:write'] });
      const org = encodeURIComponent(sandbox.calendly.organizationUri);
      expect((await get(sandbox, '/users/me', 'users-only')).statusCode).toBe(200);
      const denied = await get(sandbox, `/organization_memberships?organization=${org}`, 'users-only');
      expect(denied.statusCode).toBe(403);
      expect(JSON.parse(denied.body)).toEqual({
        title: 'Permission Denied',
        message: 'You do not have permission to access this resource.',
      });
      expect(denied.headers['x-ratelimit-limit']).toBe('500');
      expect(
        (await get(sandbox, `/organizations/${CALENDLY_ORGANIZATION_UUID}/invitations`, 'users-only')).statusCode,
      ).toBe(403);
      expect((await get(sandbox, `/organization_memberships?organization=${org}`, 'org-write')).statusCode).toBe(200);
      expect(
        (await get(sandbox, `/organizations/${CALENDLY_ORGANIZATION_UUID}/invitations`, 'org-write')).statusCode,
      ).toBe(200);
      sandbox.calendly.revokeToken('org-write');
      expect((await get(sandbox, '/users/me', 'org-write')).statusCode).toBe(401);
    });
  });

  test('without organizations:read: exit 1 naming the scope and CALENDLY_TOKEN, no retry, nothing posted', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.issueToken('users-only', { scopes: ['users:read'] });
      const run = await runAuditBot(sandbox, OPEN, { CALENDLY_TOKEN: 'users-only' });
      expect(run.code).toBe(1);
      expect(run.sleeps).toEqual([]);
      expect(run.stdout).toMatch(
        new RegExp(
          /^calendly: FAILED, no findings were produced: calendly GET \/organization\S+ answered HTTP 403: /.source +
            /\{"title":"Permission Denied".*\} — the token lacks the scope `organizations:read`; /.source +
            /create a personal access token with it \(the audit needs `users:read` and `organizations:read`\) /.source +
            /and set CALENDLY_TOKEN/.source,
          'm',
        ),
      );
      expect(run.stdout).not.toMatch(STACK_FRAME);
      expect(sandbox.gitlab.issues()).toHaveLength(0);

      const check = await runAuditBot(sandbox, CHECK, { CALENDLY_TOKEN: 'users-only' });
      expect(check.code).toBe(1);
      expect(check.stdout).toBe('');
      expect(check.stderr).toMatch(
        new RegExp(
          /^audit-bot: calendly GET \/organization\S+ answered HTTP 403: /.source +
            /.*the token lacks the scope `organizations:read`.*set CALENDLY_TOKEN/.source,
        ),
      );
      expect(check.stderr).not.toMatch(STACK_FRAME);
    });
  });

  test('a token without users:read fails on /users/me, naming users:read', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.issueToken('org-only', { scopes: ['organizations:read'] });
      const run = await runAuditBot(sandbox, CHECK, { CALENDLY_TOKEN: 'org-only' });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /calendly GET \/users\/me answered HTTP 403: .*the token lacks the scope `users:read`.*set CALENDLY_TOKEN/,
      );
      expect(sandbox.calendly.log.map((entry) => [entry.path, entry.status])).toEqual([['/users/me', 403]]);
    });
  });

  test('a token with exactly the documented scopes audits normally', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.issueToken('just-enough', { scopes: ['users:read', 'organizations:read'] });
      const run = await runAuditBot(sandbox, CHECK, { CALENDLY_TOKEN: 'just-enough' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as unknown[]).length).toBe(10);
    });
  });

  test('a 403 after a 429 is still explained (the retry layer wraps it)', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.issueToken('users-only', { scopes: ['users:read'] });
      let limited = false;
      sandbox.calendly.setFaultPlan((req) =>
        req.url.pathname === '/organization_memberships' && !limited
          ? ((limited = true), sandbox.calendly.rateLimitedFault(2))
          : undefined,
      );
      const run = await runAuditBot(sandbox, CHECK, { CALENDLY_TOKEN: 'users-only' });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/answered HTTP 403: .*the token lacks the scope `organizations:read`/);
    });
  });

  test('a revoked (or expired) token is a 401 that says the token was refused and names CALENDLY_TOKEN', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.calendly.issueToken('old-token', { scopes: ['users:read', 'organizations:read'] });
      sandbox.calendly.revokeToken('old-token');
      const run = await runAuditBot(sandbox, OPEN, { CALENDLY_TOKEN: 'old-token' });
      expect(run.code).toBe(1);
      expect(run.sleeps).toEqual([]);
      expect(run.stdout).toMatch(
        new RegExp(
          /^calendly: FAILED, no findings were produced: calendly GET \/users\/me answered HTTP 401: /.source +
            /\{"title":"Unauthenticated".*\} — Calendly refused the token \(invalid, expired or revoked\); /.source +
            /create a personal access token with the scopes `users:read` and `organizations:read` /.source +
            /and set CALENDLY_TOKEN$/.source,
          'm',
        ),
      );
      expect(run.stdout).not.toContain('old-token');
    });
  });
});
