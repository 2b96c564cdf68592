import { instantSleep } from '../../src/clock.js';
/**
 * A platform is its module: one more, defined here and passed beside the registered ones, flows
 * through config parsing, the environment, roster validation and the sandbox with no other change.
 */
import { parseAuditConfig } from '../../src/config/audit-config.js';
import { readEnv, requireEnv, secretEnvNames, secretValues } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';
import { parseRoster } from '../../src/config/roster.js';
import { checkDuration } from '../../src/config/setting-values.js';
import type { PlatformConfig, PlatformId } from '../../src/config/types.js';
import { VendorClient } from '../../src/http/client.js';
import { silentLogger } from '../../src/log.js';
import type { PlatformModule, SettingsSchema } from '../../src/platforms/contract.js';
import { PLATFORM_MODULES } from '../../src/platforms/registry.js';
import { requireVariables } from '../../src/platforms/variables.js';
import { startSandbox } from '../../src/sandbox/environment.js';
import { FakeServer, json, type FakeResponse } from '../../src/sandbox/fake-server.js';
import { problems, yaml } from '../config-helpers.js';

interface ExampleConfig extends PlatformConfig {
  max_age: string;
}

const EXAMPLE_ENV = [
  { name: 'EXAMPLE_URL', why: 'base URL of the Example API', kind: 'url', default: 'https://api.example.test' },
  { name: 'EXAMPLE_TOKEN', why: 'an Example API token', secret: true },
] as const;

const EXAMPLE_RATE_LIMIT_HEADERS = {
  wait: ['retry-after'],
  remaining: ['x-example-remaining'],
  reset: ['x-example-reset'],
  limit: ['x-example-limit'],
};

const SETTINGS: SettingsSchema<ExampleConfig> = {
  keys: ['max_age'],
  defaults: () => ({ max_age: 'P30D' }),
  check(checker, fields, into) {
    const at = fields.get('max_age');
    const maxAge = at ? checkDuration(checker, at, 'P30D') : undefined;
    if (maxAge !== undefined) into.max_age = maxAge;
  },
};

/** The Example API's fake: its users, for the token it was given. */
function exampleFake(token: string, users: readonly { id: string }[]): FakeServer {
  const route = (request: { headers: Record<string, unknown>; url: URL }): FakeResponse => {
    if (request.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'unauthorized' });
    if (request.url.pathname === '/users') return json(200, { users }, { 'x-example-remaining': '99' });
    return json(404, { error: 'not found' });
  };
  return new FakeServer('example', route, () => ({ type: 'status', status: 429, headers: { 'retry-after': '1' } }));
}

const example: PlatformModule = {
  id: 'example',
  audits: [
    {
      id: 'example',
      displayName: 'Example',
      itemPrefix: 'EX',
      requiredEnv: ['EXAMPLE_URL', 'EXAMPLE_TOKEN'],
      settings: SETTINGS,
      template: 'example.md',
      checker: (deps) => {
        const env = requireVariables(deps.env, EXAMPLE_ENV, ['EXAMPLE_URL', 'EXAMPLE_TOKEN']);
        const http = new VendorClient({
          vendor: 'example',
          rateLimitHeaders: EXAMPLE_RATE_LIMIT_HEADERS,
          baseUrl: env.EXAMPLE_URL,
          headers: { authorization: `Bearer ${env.EXAMPLE_TOKEN}` },
          logger: deps.logger,
          clock: deps.clock,
          sleep: deps.sleep,
        });
        return async () => {
          const { body } = await http.getJson<{ users: unknown[] }>('users');
          return {
            platform: 'example' as PlatformId,
            findings: [],
            stats: { requests: http.requestCount, itemsRead: { users: body.users.length } },
          };
        };
      },
    },
  ],
  env: EXAMPLE_ENV,
  roster: {
    check(checker, at) {
      const fields = checker.mapping(at, ['id']);
      const idAt = fields?.require('id');
      const id = idAt ? checker.string(idAt, 'an Example user id') : undefined;
      return id === undefined ? undefined : { id };
    },
    unique: [{ path: ['id'] }],
    skeleton: { key: 'example', fields: '{ id }', example: ['example: { id: U1 }'] },
  },
  rateLimitHeaders: EXAMPLE_RATE_LIMIT_HEADERS,
  sandbox: {
    tokens: { example: 'sandbox-example-token' },
    async start({ tokens }) {
      const fake = Object.assign(exampleFake(tokens.example, [{ id: 'U1' }, { id: 'U2' }]), { data: {} });
      await fake.start();
      return { fakes: { example: fake }, env: { EXAMPLE_URL: fake.url, EXAMPLE_TOKEN: tokens.example } };
    },
  },
  bench: {
    vendor: 'Example',
    rateLimitPerMinute: 100,
    organisation: () => {
      throw new Error('the example module is not benchmarked');
    },
  },
};

const MODULES = [...PLATFORM_MODULES, example];

describe('a module added to the registry', () => {
  test('config: `platforms.example` takes the common keys and its own, with their defaults', () => {
    const text = yaml('support_ops_managers: [som]', 'platforms:', '  example: { max_age: P7D, labels: [ex] }');
    const config = parseAuditConfig(text, 'audit.config.yml', MODULES);
    expect(config.platforms.example).toEqual({
      enabled: true,
      template: 'issue_templates/example.md',
      labels: ['ex'],
      rate_limit_share: 0.5,
      max_age: 'P7D',
    });
    expect(parseAuditConfig('support_ops_managers: [som]\n', 'audit.config.yml', MODULES).platforms.example).toEqual({
      enabled: true,
      template: 'issue_templates/example.md',
      labels: [],
      rate_limit_share: 0.5,
      max_age: 'P30D',
    });
  });

  test('config: unknown keys and bad values refused as for every platform; unregistered, it is unknown', () => {
    const text = yaml(
      'support_ops_managers: [som]', //                  1
      'platforms:', //                                   2
      '  exampel: {}', //                                3
      '  example:', //                                   4
      '    max_agee: P1D', //                            5
      '    enabled: maybe', //                           6
    );
    expect(problems(() => parseAuditConfig(text, 'audit.config.yml', MODULES))).toEqual([
      'audit.config.yml:3 platforms.exampel: unknown platform (did you mean "example"?)',
      'audit.config.yml:5 platforms.example.max_agee: unknown key (did you mean "max_age"?)',
      'audit.config.yml:6 platforms.example.enabled: must be true or false, got "maybe"',
    ]);
    expect(
      problems(() => parseAuditConfig(yaml('support_ops_managers: [som]', 'platforms:', '  example: {}'), 'a.yml')),
    ).toEqual([
      'a.yml:3 platforms.example: unknown platform ' +
        '(expected one of: zendesk, zendesk-us-federal, calendly, pagerduty)',
    ]);
  });

  test('env: its variables are read with their defaults, checked by kind, its secret scrubbed', () => {
    const env = readEnv({ EXAMPLE_TOKEN: ' tok-123 ' }, MODULES);
    expect(env.EXAMPLE_URL).toBe('https://api.example.test');
    expect(env.EXAMPLE_TOKEN).toBe('tok-123');
    expect(readEnv({ EXAMPLE_URL: 'https://example.test/api/' }, MODULES).EXAMPLE_URL).toBe('https://example.test/api');
    expect(problems(() => readEnv({ EXAMPLE_URL: 'ftp://example.test', CALENDLY_URL: 'nope' }, MODULES))).toEqual([
      'env CALENDLY_URL: not a URL',
      'env EXAMPLE_URL: not an http(s) URL',
    ]);
    expect(secretEnvNames(MODULES)).toContain('EXAMPLE_TOKEN');
    expect(secretEnvNames()).not.toContain('EXAMPLE_TOKEN');
    expect(secretValues({ EXAMPLE_TOKEN: ' tok-123 ', PAGERDUTY_TOKEN: 'pd' }, MODULES)).toEqual([
      'pd',
      ' tok-123 ',
      'tok-123',
    ]);
    expect(problems(() => requireEnv(readEnv({}, MODULES), ['EXAMPLE_TOKEN'], MODULES))).toEqual([
      'env EXAMPLE_TOKEN: required (an Example API token)',
    ]);
  });

  test('roster: its section is checked, its unique key reported with both lines; unregistered, it is unknown', () => {
    const person = (name: string, username: string, id: string) => [
      `- name: ${name}`,
      `  email: ${username}@example.com`,
      `  gitlab: { username: ${username} }`,
      `  example: { id: ${id} }`,
    ];
    const roster = parseRoster(yaml(...person('Ann', 'ann', 'U1')), 'roster.yml', MODULES);
    expect(roster[0]).toMatchObject({ name: 'Ann', example: { id: 'U1' } });
    expect(
      problems(() =>
        parseRoster(
          yaml(...person('Ann', 'ann', 'U1'), ...person('Ben', 'ben', 'U1'), '  pagerduty: { id: nope }'),
          'roster.yml',
          MODULES,
        ),
      ),
    ).toEqual([
      'roster.yml:8 [1].example.id: duplicate "U1", also at line 4 ([0] Ann)',
      'roster.yml:9 [1].pagerduty.id: "nope" is not a PagerDuty user id (e.g. PABC123)',
    ]);
    expect(problems(() => parseRoster(yaml(...person('Ann', 'ann', 'U1')), 'roster.yml'))).toEqual([
      'roster.yml:4 [0].example: unknown key ' +
        '(expected one of: name, email, gitlab, reports_to, zendesk, calendly, pagerduty)',
    ]);
  });

  test('sandbox: its fake starts beside the others; its checker reads it with the env the sandbox gives', async () => {
    const sandbox = await startSandbox({ registry: MODULES });
    try {
      expect(Object.keys(sandbox.fakes)).toContain('example');
      expect(sandbox.env).toMatchObject({
        EXAMPLE_TOKEN: 'sandbox-example-token',
        PAGERDUTY_TOKEN: expect.any(String),
      });
      const env = readEnv(sandbox.env, MODULES);
      const roster = parseRoster(
        yaml('- name: Ann', '  email: ann@example.com', '  gitlab: { username: ann }'),
        'r.yml',
      );
      const config = parseAuditConfig('support_ops_managers: [ann]\n', 'audit.config.yml', MODULES);
      const deps = { env, roster, config, clock: () => new Date(), sleep: instantSleep(), logger: silentLogger() };
      const result = await example.audits[0].checker(deps)();
      expect(result).toEqual({ platform: 'example', findings: [], stats: { requests: 1, itemsRead: { users: 2 } } });
      expect(sandbox.fakes.example.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
        'GET /users 200',
      ]);
      const withoutToken = { ...deps, env: readEnv({ EXAMPLE_URL: sandbox.env.EXAMPLE_URL }, MODULES) };
      expect(() => example.audits[0].checker(withoutToken)).toThrow(ConfigError);
    } finally {
      await sandbox.stop();
    }
  });
});
