/**
 * Every command runs with recognisable tokens, debug logging on, and vendors that echo the
 * credentials they received back in error bodies and headers (long enough bodies that a token
 * straddles any cut). No token, and no piece of one, may appear in any output line, log line,
 * note, issue, label, report file or error message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, type CliRun } from '../helpers.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_ZENDESK_EMAIL } from '../../src/platforms/zendesk/sandbox/index.js';
import type { Fault, FakeRequest, FakeServer } from '../../src/sandbox/fake-server.js';
import { PLATFORM_IDS } from '../../src/domain/platforms.js';
import { sealKeyOf } from '../../src/domain/markers.js';
import { clearFaults, servers } from './support.js';
import { reportFigures } from './figures.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const CANARY = 'LEAKCANARY';
const TOKENS = {
  gitlab: `glpat-${CANARY}-gl-5f0c2d9e8a7b`,
  pagerduty: `${CANARY}+pd/3e1a9c77b2`,
  calendly: `${CANARY}.cal.eyJ9x8w7v6u5`,
  zendesk: `${CANARY}zd0a1b2c3d4e5f6`,
  zendeskUsFederal: `${CANARY}zdf9e8d7c6b5a4`,
  zendeskClientSecret: `${CANARY}zdcs7b6a5e4d3c`,
  zendeskUsFederalClientSecret: `${CANARY}zdfcs2c3d4e5f6`,
};

/** AUDIT_SEAL_KEY: the secret the bot's markers and checkpoint are sealed with (never sent anywhere). */
const SEAL_KEY = `${CANARY}-seal-7e6d5c4b3a29`;

/**
 * Every form a secret could take on the wire: the tokens, Zendesk's Basic credentials, and the
 * part of their base64 that encodes the token.
 */
function secretForms(): string[] {
  // The seal key as set, its tail, and the key the seals are made with (derived from it).
  const derived = sealKeyOf(SEAL_KEY)!;
  const forms: string[] = [
    CANARY.slice(0, 6),
    ...Object.values(TOKENS),
    SEAL_KEY,
    SEAL_KEY.slice(-10),
    derived,
    derived.slice(0, 16),
    derived.slice(-16),
  ];
  for (const token of [TOKENS.zendesk, TOKENS.zendeskUsFederal]) {
    const basic = Buffer.from(`${SANDBOX_ZENDESK_EMAIL}/token:${token}`).toString('base64');
    forms.push(basic, basic.slice(-16));
  }
  for (const token of Object.values(TOKENS)) forms.push(token.slice(-10));
  return forms;
}

const figures = { runs: 0, texts: 0, bytes: 0, found: 0, echoes: 0 };

function leaks(texts: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    figures.texts += 1;
    figures.bytes += text.length;
    for (const form of secretForms()) {
      const at = text.indexOf(form);
      if (at !== -1) found.push(`${where}: …${text.slice(Math.max(0, at - 60), at + form.length + 20)}…`);
    }
  }
  figures.found += found.length;
  return found;
}

/** Everything the sandbox holds that a person could read: issues, notes, labels (the leases' descriptions). */
function gitlabTexts(sandbox: Sandbox): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const issue of sandbox.gitlab.issues()) {
    texts[`issue #${issue.iid}`] = `${issue.title}\n${issue.description ?? ''}`;
    texts[`notes of #${issue.iid}`] = sandbox.gitlab
      .notesOf(issue.iid)
      .map((note) => note.body)
      .join('\n');
  }
  texts.labels = sandbox.gitlab
    .labels()
    .map((label) => `${label.name} ${label.description ?? ''}`)
    .join('\n');
  return texts;
}

function runTexts(name: string, run: CliRun): Record<string, string> {
  figures.runs += 1;
  return { [`${name} stdout`]: run.stdout, [`${name} stderr`]: run.stderr, [`${name} logs`]: run.logs };
}

/**
 * A vendor that answers with the credentials it received: the header in a header and in the
 * body, then the bare token over and over, so that wherever an error message cuts the body, it
 * cuts through a token.
 */
function echo(status: number, token: string, shift = 0): (req: FakeRequest) => Fault {
  return (req) => {
    figures.echoes += 1;
    // Zendesk's OAuth client sends its secret in the JSON body of POST /oauth/tokens.
    const secret = (req.body as { client_secret?: unknown } | undefined)?.client_secret;
    const credentials = [
      req.headers.authorization,
      req.headers['private-token'],
      typeof secret === 'string' ? secret : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    return {
      type: 'status',
      status,
      headers: { 'x-debug-credentials': String(credentials) },
      body: { error: `you sent ${credentials}, token ${'#'.repeat(shift)}${token.repeat(20)}`, headers: req.headers },
    };
  };
}

async function withSecretSandbox<T>(fn: (sandbox: Sandbox, reportDir: string) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ clock: () => NOW, tokens: TOKENS });
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-secrets-'));
  try {
    return await fn(sandbox, reportDir);
  } finally {
    await sandbox.stop();
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
}

function reportTexts(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs.readdirSync(dir).map((file) => [`report ${file}`, fs.readFileSync(path.join(dir, file), 'utf8')]),
  );
}

const DEBUG = { LOG_LEVEL: 'debug', AUDIT_SEAL_KEY: SEAL_KEY };

describe('secrets appear nowhere', () => {
  test('every command, normal runs: output, logs, notes, issues, labels, reports', async () => {
    await withSecretSandbox(async (sandbox, dir) => {
      const texts: Record<string, string> = {};
      const run = async (name: string, argv: string[], now = NOW) => {
        const result = await runAuditBot(sandbox, argv, DEBUG, now);
        Object.assign(texts, runTexts(name, result));
        return result;
      };
      expect((await run('open --dry-run', ['open', '--platform', 'all', '--dry-run'])).code).toBe(0);
      expect((await run('open', ['open', '--platform', 'all', '--report', path.join(dir, 'open.json')])).code).toBe(0);
      for (const platform of PLATFORM_IDS) {
        expect((await run(`check ${platform}`, ['check', '--platform', platform])).code).toBe(0);
        expect(
          (await run(`check ${platform} md`, ['check', '--platform', platform, '--format', 'markdown'])).code,
        ).toBe(0);
      }
      const later = new Date(NOW.getTime() + 72 * 3600_000);
      expect((await run('followup --dry-run', ['followup', '--dry-run'], later)).code).toBe(0);
      expect((await run('followup', ['followup', '--report', path.join(dir, 'followup.json')], later)).code).toBe(0);
      expect((await run('usage error', ['open', '--platform', 'nope'])).code).toBe(2);
      expect(leaks({ ...texts, ...gitlabTexts(sandbox), ...reportTexts(dir) })).toEqual([]);
    });
  });

  test.each<[string, (sandbox: Sandbox) => FakeServer, keyof typeof TOKENS, number, string]>([
    ['PagerDuty 400', (s) => s.pagerduty, 'pagerduty', 400, 'pagerduty'],
    ['PagerDuty 500 (retried, then given up)', (s) => s.pagerduty, 'pagerduty', 500, 'pagerduty'],
    ['Calendly 401', (s) => s.calendly, 'calendly', 401, 'calendly'],
    ['Zendesk 403', (s) => s.zendesk, 'zendeskClientSecret', 403, 'zendesk'],
    [
      'Zendesk US Federal 502 (retried, then given up)',
      (s) => s.zendeskUsFederal,
      'zendeskUsFederalClientSecret',
      502,
      'zendesk-us-federal',
    ],
    ['GitLab 401', (s) => s.gitlab, 'gitlab', 401, 'pagerduty'],
    ['GitLab 500', (s) => s.gitlab, 'gitlab', 500, 'pagerduty'],
  ])(
    'a vendor echoing the credentials back (%s): the run exits 1 and says why, without them',
    async (_name, server, token, status, platform) => {
      for (const shift of [0, 11]) {
        await withSecretSandbox(async (sandbox, dir) => {
          const texts: Record<string, string> = {};
          server(sandbox).setFaultPlan(echo(status, TOKENS[token], shift));
          const open = await runAuditBot(
            sandbox,
            ['open', '--platform', platform, '--report', path.join(dir, 'open.json')],
            DEBUG,
            NOW,
          );
          Object.assign(texts, runTexts('open', open));
          expect(open.code).toBe(1);
          expect(open.stdout).toMatch(
            new RegExp(`^${platform}: FAILED, .* answered HTTP ${status}: \\{"error":"you sent \\[REDACTED\\]`, 'm'),
          );
          if (server(sandbox) === sandbox.gitlab) {
            Object.assign(
              texts,
              runTexts(
                'followup',
                await runAuditBot(sandbox, ['followup', '--report', path.join(dir, 'followup.json')], DEBUG, NOW),
              ),
            );
          } else {
            Object.assign(
              texts,
              runTexts('check', await runAuditBot(sandbox, ['check', '--platform', platform], DEBUG, NOW)),
            );
          }
          expect(leaks({ ...texts, ...gitlabTexts(sandbox), ...reportTexts(dir) })).toEqual([]);
        });
      }
    },
  );

  test(
    'a GitLab write answered with the credentials (note and issue update), ' +
      'and a Zendesk token listing refused with them (404: a finding)',
    async () => {
      await withSecretSandbox(async (sandbox, dir) => {
        const texts: Record<string, string> = {};
        let writes = 0;
        const answer = echo(500, TOKENS.gitlab, 3);
        sandbox.gitlab.setFaultPlan((req) =>
          req.method !== 'GET' && !req.url.pathname.includes('/labels') && ++writes % 3 === 0 ? answer(req) : undefined,
        );
        // Zendesk echoes the bearer token it received, and the client secret (which the bot must still know to mask).
        sandbox.zendesk.setFaultPlan((req) =>
          req.url.pathname.endsWith('/api_tokens') ? echo(404, TOKENS.zendeskClientSecret, 5)(req) : undefined,
        );
        for (let attempt = 0; attempt < 8; attempt++) {
          const run = await runAuditBot(
            sandbox,
            ['open', '--platform', 'zendesk', '--report', path.join(dir, `open-${attempt}.json`)],
            DEBUG,
            NOW,
          );
          Object.assign(texts, runTexts(`open ${attempt}`, run));
          if (run.code === 0) break;
        }
        clearFaults(sandbox);
        sandbox.zendesk.setFaultPlan((req) =>
          req.url.pathname.endsWith('/api_tokens') ? echo(404, TOKENS.zendeskClientSecret, 5)(req) : undefined,
        );
        const done = await runAuditBot(
          sandbox,
          ['open', '--platform', 'zendesk', '--report', path.join(dir, 'open-final.json')],
          DEBUG,
          NOW,
        );
        Object.assign(texts, runTexts('open final', done));
        expect(done.code).toBe(0);
        // The refusal became a finding of its own, evidence and all.
        expect(JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, 'open-final.json'), 'utf8')))).toContain(
          'api-token-access-disabled',
        );
        expect(leaks({ ...texts, ...gitlabTexts(sandbox), ...reportTexts(dir) })).toEqual([]);
      });
    },
  );

  test('a token in a URL variable is refused (exit 2) without echoing it', async () => {
    await withSecretSandbox(async (sandbox) => {
      const run = await runAuditBot(
        sandbox,
        ['open', '--platform', 'all'],
        { ...DEBUG, ZENDESK_URL: `http://user:${TOKENS.zendesk}@127.0.0.1:1/` },
        NOW,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('env ZENDESK_URL: must not contain credentials');
      expect(leaks(runTexts('bad url', run))).toEqual([]);
      expect(servers(sandbox).every((server) => server.log.length === 0)).toBe(true);
    });
  });
});

afterAll(() => {
  reportFigures('5. secrets (recognisable tokens, vendors echoing them)', [
    ['CLI runs', figures.runs],
    ['vendor answers echoing the credentials', figures.echoes],
    [
      'texts searched (output, logs, notes, issues, labels, reports)',
      `${figures.texts} (${(figures.bytes / 1e6).toFixed(1)} MB)`,
    ],
    ['secrets found', figures.found],
  ]);
});
