/**
 * Every registered platform module (src/platforms/registry.ts) is complete: ids and item prefixes
 * unique, its variables declared and its secrets flagged, its settings' defaults accepted by its
 * own check, its issue template bundled, its rate-limit headers named, and the lists that are not
 * derived from the registry (the CI component's, templates/audit.yml) name the same audits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseAuditConfig } from '../../src/config/audit-config.js';
import { PLATFORM_ENV, SECRET_ENV_NAMES } from '../../src/config/env.js';
import { initFiles } from '../../src/commands/init.js';
import { PLATFORM_IDS, PLATFORMS } from '../../src/domain/platforms.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { PLATFORM_MODULES } from '../../src/platforms/registry.js';
import { splitSpec } from '../ci-eval.js';

const AUDITS = PLATFORM_MODULES.flatMap((module) => module.audits);
const AUDIT_IDS = AUDITS.map((audit) => audit.id);
/** A variable whose name says it holds a credential. */
const CREDENTIAL_NAME = /TOKEN|SECRET|PASSWORD|API_KEY/;

const duplicates = (values: readonly string[]) => values.filter((value, index) => values.indexOf(value) !== index);

describe('the registry', () => {
  // A new platform goes after these: ids people and markers already use keep their order.
  test("starts with today's platforms, in order", () => {
    expect(PLATFORM_MODULES.slice(0, 3).map((module) => module.id)).toEqual(['zendesk', 'calendly', 'pagerduty']);
    expect(AUDIT_IDS.slice(0, 4)).toEqual(['zendesk', 'zendesk-us-federal', 'calendly', 'pagerduty']);
    expect(PLATFORM_IDS).toEqual(AUDIT_IDS);
  });

  test('ids, item prefixes and variable names are not empty, and unique across modules', () => {
    const moduleIds = PLATFORM_MODULES.map((module) => module.id);
    const prefixes = AUDITS.map((audit) => audit.itemPrefix);
    const variables = PLATFORM_MODULES.flatMap((module) => module.env.map((variable) => variable.name));
    for (const value of [...moduleIds, ...AUDIT_IDS, ...prefixes, ...variables]) expect(value).toMatch(/\S/);
    expect({ moduleIds: duplicates(moduleIds), audits: duplicates(AUDIT_IDS) }).toEqual({ moduleIds: [], audits: [] });
    expect({ prefixes: duplicates(prefixes), variables: duplicates(variables) }).toEqual({
      prefixes: [],
      variables: [],
    });
    for (const id of AUDIT_IDS) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
    for (const prefix of prefixes) expect(prefix).toMatch(/^[A-Z]+$/);
  });

  test('display names and item prefixes are what the domain reads', () => {
    for (const audit of AUDITS)
      expect(PLATFORMS[audit.id as keyof typeof PLATFORMS]).toEqual({
        id: audit.id,
        displayName: audit.displayName,
        itemPrefix: audit.itemPrefix,
      });
  });
});

describe.each(PLATFORM_MODULES.map((module) => [module.id, module] as const))('module %s', (_id, module) => {
  const names = module.env.map((variable) => variable.name);

  test('every variable an audit requires is declared, and says what it is for', () => {
    for (const audit of module.audits) {
      expect(audit.requiredEnv.length).toBeGreaterThan(0);
      for (const name of audit.requiredEnv)
        expect({ audit: audit.id, name, declared: names.includes(name) }).toEqual({
          audit: audit.id,
          name,
          declared: true,
        });
      expect(PLATFORM_ENV[audit.id]).toEqual(audit.requiredEnv);
    }
    for (const variable of module.env) {
      expect(variable.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(variable.why).toMatch(/\S/);
    }
  });

  test('credentials are flagged secret, and every secret is scrubbed', () => {
    for (const variable of module.env) {
      if (CREDENTIAL_NAME.test(variable.name))
        expect({ name: variable.name, secret: variable.secret }).toEqual({
          name: variable.name,
          secret: true,
        });
      if (variable.secret) expect(SECRET_ENV_NAMES).toContain(variable.name);
    }
    expect(module.env.some((variable) => variable.secret)).toBe(true);
  });

  test("each audit's settings: their defaults pass its own check, as the config would hold them", () => {
    for (const audit of module.audits) {
      const defaults = audit.settings.defaults();
      for (const key of Object.keys(defaults)) expect(audit.settings.keys).toContain(key);
      const text = stringify({ support_ops_managers: ['som'], platforms: { [audit.id]: defaults } });
      const config = parseAuditConfig(text, 'audit.config.yml');
      expect(config.platforms[audit.id]).toEqual({
        enabled: true,
        template: `issue_templates/${audit.template}`,
        labels: [],
        rate_limit_share: 0.5,
        ...defaults,
      });
      // Left out, the same settings apply.
      expect(parseAuditConfig('support_ops_managers: [som]\n', 'audit.config.yml').platforms[audit.id]).toEqual(
        config.platforms[audit.id],
      );
    }
  });

  test('its issue templates are bundled in issue_templates/', () => {
    for (const audit of module.audits) {
      expect(audit.template).toBe(`${audit.id}.md`);
      expect(fs.existsSync(path.join(PACKAGE_ROOT, 'issue_templates', audit.template))).toBe(true);
    }
  });

  test('its rate-limit headers are named, in lower case', () => {
    const { wait, remaining, reset, limit } = module.rateLimitHeaders;
    for (const headers of [wait, remaining, reset, limit]) {
      expect(headers.length).toBeGreaterThan(0);
      for (const header of headers) expect(header).toBe(header.toLowerCase());
    }
  });

  test('checker, roster section, sandbox and bench are there', () => {
    for (const audit of module.audits) {
      expect(typeof audit.checker).toBe('function');
      expect(['undefined', 'function']).toContain(typeof audit.onlineCheck);
    }
    expect(typeof module.roster.check).toBe('function');
    expect(module.roster.unique.length).toBeGreaterThan(0);
    for (const unique of module.roster.unique) expect(unique.path.length).toBeGreaterThan(0);
    expect(module.roster.skeleton.key.startsWith(module.id)).toBe(true);
    expect(module.roster.skeleton.example.length).toBeGreaterThan(0);
    expect(typeof module.sandbox.start).toBe('function');
    expect(module.bench).toBeDefined();
  });
});

describe('the lists kept beside the registry name the same audits', () => {
  const alternatives = (regex: string) => /^\^ \*\(([^)]*)\)/.exec(regex)?.[1].split('|');

  test("templates/audit.yml: the `platforms` input's default and regex, the `platform` options", () => {
    const raw = fs.readFileSync(path.join(PACKAGE_ROOT, 'templates', 'audit.yml'), 'utf8');
    const { inputs } = splitSpec(raw, 'templates/audit.yml');
    const platforms = inputs.platforms as { default: string; regex: string };
    expect(platforms.default.split(/ *, */)).toEqual(AUDIT_IDS);
    expect(alternatives(platforms.regex)).toEqual(AUDIT_IDS);
    expect(platforms.regex).toBe(`^ *(${AUDIT_IDS.join('|')})( *, *(${AUDIT_IDS.join('|')}))* *$`);
    expect((inputs.platform as { options: string[] }).options).toEqual(['all', ...AUDIT_IDS]);
  });

  test('what `audit-bot init` writes: the CI inputs, the config, the templates', () => {
    const files = initFiles('1.0.0');
    const ci = files.find((file) => file.path === '.gitlab-ci.yml')!.content;
    const { inputs, body } = splitSpec(ci, 'init: .gitlab-ci.yml');
    expect((inputs.platform as { options: string[] }).options).toEqual(['all', ...AUDIT_IDS]);
    const include = (parse(body) as { include: { inputs: { platforms: string } }[] }).include[0];
    expect(include.inputs.platforms.split(/ *, */)).toEqual(AUDIT_IDS);
    const config = parse(files.find((file) => file.path === 'audit.config.yml')!.content) as {
      platforms: Record<string, unknown>;
    };
    expect(Object.keys(config.platforms)).toEqual(AUDIT_IDS);
    expect(files.filter((file) => file.path.startsWith('issue_templates/')).map((file) => file.path)).toEqual(
      AUDITS.map((audit) => `issue_templates/${audit.template}`),
    );
  });
});
