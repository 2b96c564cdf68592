import { runAuditBot, withSandbox } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { SANDBOX_TOKENS, type Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_ZENDESK_EMAIL } from '../../src/platforms/zendesk/sandbox/index.js';

/** The main instance logged in with its API-token pair instead of its OAuth client. */
const API_TOKEN_PAIR = {
  ZENDESK_CLIENT_ID: '',
  ZENDESK_CLIENT_SECRET: '',
  ZENDESK_EMAIL: SANDBOX_ZENDESK_EMAIL,
  ZENDESK_API_TOKEN: SANDBOX_TOKENS.zendesk,
};
const CHECK = ['check', '--platform', 'zendesk', '--format', 'json'];

const requests = (sandbox: Sandbox) =>
  sandbox.zendesk.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
const fingerprints = (stdout: string) =>
  (JSON.parse(stdout) as { fingerprint: string }[]).map((finding) => finding.fingerprint);

describe('Zendesk with OAuth client credentials', () => {
  test('an access token that expires mid-run is replaced once, transparently, and the run goes on', async () => {
    await withSandbox(async (sandbox) => {
      const clean = await runAuditBot(sandbox, CHECK);
      expect(clean.code).toBe(0);
      sandbox.zendesk.log.length = 0;
      // The account's tokens expire just as the second listing goes out.
      let expired = false;
      sandbox.zendesk.setFaultPlan((req) => {
        if (!expired && req.url.pathname === '/api/v2/groups') {
          expired = true;
          sandbox.zendesk.expireAccessTokens();
        }
        return undefined;
      });
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(fingerprints(run.stdout)).toEqual(fingerprints(clean.stdout));
      const log = requests(sandbox);
      expect(log.filter((line) => line.startsWith('POST /oauth/tokens'))).toEqual([
        'POST /oauth/tokens 200',
        'POST /oauth/tokens 200',
      ]);
      // Every request that met the expired token was sent again with the new one; nothing was retried blindly.
      const refused = log.filter((line) => line.endsWith(' 401'));
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const line of refused)
        expect(log.filter((other) => other === line.replace(/ 401$/, ' 200')).length).toBeGreaterThanOrEqual(1);
      expect(run.sleeps).toEqual([]);
    });
  });

  test('an access token announced with expires_in is used until it is due, with no refusal', async () => {
    await withSandbox(async (sandbox) => {
      // expires_in 1 s: a tenth of it is the margin, so a run of more than 0.9 s renews before a
      // request; every token is accepted meanwhile.
      (sandbox.zendesk as unknown as { accessTokenLifetimeMs: number }).accessTokenLifetimeMs = 1000;
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(0);
      expect(requests(sandbox).filter((line) => line.endsWith(' 401'))).toEqual([]);
    });
  });

  test('both the OAuth client and the API-token pair set: OAuth wins; the pair alone warns of 2027-04-30', async () => {
    await withSandbox(async (sandbox) => {
      const both = await runAuditBot(sandbox, ['open', '--platform', 'zendesk'], {
        ZENDESK_EMAIL: SANDBOX_ZENDESK_EMAIL,
        ZENDESK_API_TOKEN: SANDBOX_TOKENS.zendesk,
      });
      expect(both.code).toBe(0);
      expect(requests(sandbox)[0]).toBe('POST /oauth/tokens 200');
      expect(both.logs).not.toContain('2027-04-30');
      const results = sandbox.gitlab.notesOf(1).find((note) => parseMarkers(note.body)[0]?.step === 'results')!.body;
      expect(results).not.toContain('Warning');
    });
    await withSandbox(async (sandbox) => {
      const pair = await runAuditBot(sandbox, ['open', '--platform', 'zendesk'], API_TOKEN_PAIR);
      expect(pair.code).toBe(0);
      expect(requests(sandbox).some((line) => line.startsWith('POST /oauth/tokens'))).toBe(false);
      expect(pair.logs).toMatch(
        new RegExp(
          /"level":40.*logs in with an API token \(ZENDESK_EMAIL \+ ZENDESK_API_TOKEN\): /.source +
            /Zendesk stops accepting every API token on 2027-04-30/.source,
        ),
      );
      const results = sandbox.gitlab.notesOf(1).find((note) => parseMarkers(note.body)[0]?.step === 'results')!.body;
      expect(results).toContain(
        '> **Warning:** This audit logs in with an API token (`ZENDESK_EMAIL` + `ZENDESK_API_TOKEN`): ' +
          'Zendesk stops accepting every API token on 2027-04-30',
      );
      expect(results).toContain('set `ZENDESK_CLIENT_ID` and `ZENDESK_CLIENT_SECRET`');
    });
  });

  test('once Zendesk refuses API tokens, the pair fails with 401 (exit 1); OAuth still reads everything', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.apiTokensAccepted = false;
      const pair = await runAuditBot(sandbox, CHECK, API_TOKEN_PAIR);
      expect(pair.code).toBe(1);
      expect(pair.stderr).toMatch(/answered HTTP 401/);
      const oauth = await runAuditBot(sandbox, CHECK);
      expect(oauth.code).toBe(0);
      expect(fingerprints(oauth.stdout)).toContain('zendesk:oauth-client-review:802');
    });
  });

  test("an agent and admin listing without the audit's own admin is incomplete: exit 1, nothing reported", async () => {
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.setFaultPlan((req) =>
        req.url.pathname === '/api/v2/users'
          ? {
              type: 'rewrite',
              transform: (payload) => {
                const page = JSON.parse(payload.toString('utf8')) as { users: { id: number }[] };
                page.users = page.users.filter((user) => user.id !== 360001001);
                return Buffer.from(JSON.stringify(page));
              },
            }
          : undefined,
      );
      const run = await runAuditBot(sandbox, ['open', '--platform', 'zendesk']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(
          /zendesk: FAILED, no findings were produced: /.source +
            /.*does not contain user 360001001, the admin the audit's credentials act as/.source,
        ),
      );
      expect(sandbox.gitlab.issues()).toHaveLength(0);
    });
  });

  test('the client secret and the access token never leak, even when Zendesk echoes them', async () => {
    await withSandbox(async (sandbox) => {
      const secret = sandbox.env.ZENDESK_CLIENT_SECRET;
      sandbox.zendesk.setFaultPlan((req) =>
        req.url.pathname === '/oauth/tokens'
          ? {
              type: 'status',
              status: 401,
              body: { error: 'invalid_client', error_description: `unknown secret ${secret}` },
            }
          : undefined,
      );
      const refused = await runAuditBot(sandbox, CHECK, { LOG_LEVEL: 'debug' });
      expect(refused.code).toBe(1);
      for (const text of [refused.stdout, refused.stderr, refused.logs]) expect(text).not.toContain(secret);
      expect(refused.stderr).toContain('[REDACTED]');
    });
    await withSandbox(async (sandbox) => {
      // The data endpoints echo the bearer token they were sent.
      sandbox.zendesk.setFaultPlan((req) =>
        req.url.pathname === '/api/v2/groups'
          ? {
              type: 'status',
              status: 400,
              body: { error: 'InvalidValue', description: `bad ${String(req.headers.authorization)}` },
            }
          : undefined,
      );
      const run = await runAuditBot(sandbox, CHECK, { LOG_LEVEL: 'debug' });
      expect(run.code).toBe(1);
      const issued = sandbox.zendesk.data.oauthTokens.at(-1)!.value;
      for (const text of [run.stdout, run.stderr, run.logs]) expect(text).not.toContain(issued);
      expect(run.stderr).toContain('zendesk GET /api/v2/groups');
    });
  });

  test('a ZENDESK_URL copied with /api/v2 is read as the instance URL, never doubled in the request path', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, CHECK, { ZENDESK_URL: `${sandbox.zendesk.url}/api/v2/` });
      expect(run.code).toBe(0);
      expect(sandbox.zendesk.log.every((entry) => !entry.path.includes('/api/v2/api/v2'))).toBe(true);
      expect(requests(sandbox)[0]).toBe('POST /oauth/tokens 200');
    });
  });

  test('credentials that act as an agent, not an admin, fail naming what to fix', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.zendesk.data.oauthClients.find((client) => client.id === 801)!.user_id = 360001004;
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/act as user 360001004 \(role agent\), not as an admin/);
    });
  });
});
