import { ConfigError } from '../config/errors.js';
import { quote, suggest } from '../config/validate.js';
import {
  formatProblem,
  lineOfPath,
  parseYaml,
  readTextFile,
  type Path,
  type YamlSource,
} from '../config/yaml-source.js';
import type { AuditConfig, Roster } from '../config/types.js';
import { issueDescription, TEMPLATE_PLACEHOLDERS } from '../domain/issue.js';
import { quarterOf } from '../domain/quarter.js';
import type { PlatformId } from '../domain/types.js';
import { implementedPlatforms } from '../platforms/index.js';
import { loadConfiguration, loadTemplates, type RuntimeDeps } from './runtime.js';
import { onlineChecks, printTable } from './validate-online.js';

export interface ValidateRequest {
  /** Also check the credentials and GitLab access from the environment (network). */
  online: boolean;
}

/** The placeholders issueDescription fills in (src/domain/issue.ts). */
const KNOWN_PLACEHOLDERS = TEMPLATE_PLACEHOLDERS;

/**
 * `validate`: config, roster and templates checked offline with every check `open` makes (the same
 * loaders), plus what only the two files together can say. Bad input is a ConfigError (exit 2,
 * `file:line path: message` per problem). With `--online`, the credentials and GitLab access too:
 * a table, exit 1 when a check fails.
 */
export async function validateCommand(deps: RuntimeDeps, request: ValidateRequest): Promise<number> {
  const checked = validateOffline(deps);
  deps.out(`${checked.summary}\n`);
  if (!request.online) return 0;
  const rows = await onlineChecks(deps, checked);
  deps.out(printTable(rows));
  return rows.some((row) => row.result === 'FAIL') ? 1 : 0;
}

export interface OfflineResult {
  config: AuditConfig;
  roster: Roster;
  /** Implemented platforms enabled in the config. */
  platforms: PlatformId[];
  summary: string;
}

/** Every offline check; throws a ConfigError listing every problem. */
export function validateOffline(deps: RuntimeDeps): OfflineResult {
  // The loaders `open` uses: both files' problems at once.
  const { config, roster } = loadConfiguration(deps.env);
  const implemented = implementedPlatforms();
  const platforms = implemented.filter((platform) => config.platforms[platform].enabled);
  // Lines of the config's values, for problems the loaders cannot see (they need the roster, or the disk).
  let source: YamlSource | undefined;
  const at = (path: Path, message: string) => {
    source ??= parseYaml(readTextFile(config.file), config.file);
    const line = lineOfPath(source, path);
    return { line, text: formatProblem(config.file, line, path, message) };
  };
  const problems: { line: number; text: string }[] = [];

  const people = new Map(roster.map((person) => [person.gitlab.username.toLowerCase(), person]));
  const usernames = roster.map((person) => person.gitlab.username);
  config.support_ops_managers.forEach((username, index) => {
    if (people.has(username.toLowerCase())) return;
    const near = suggest(username, usernames);
    problems.push(
      at(
        ['support_ops_managers', index],
        `${quote(username)} is not a person in ${deps.env.AUDIT_ROSTER} (no gitlab.username matches)` +
          (near ? `: did you mean ${quote(near)}?` : '') +
          '; add them to the roster or correct the username',
      ),
    );
  });

  const quarter = quarterOf(deps.clock());
  for (const platform of platforms) {
    const path = ['platforms', platform, 'template'];
    let template: string | undefined;
    try {
      template = loadTemplates(config, [platform], deps.baseDir).get(platform);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // `file: platforms.<id>.template: cannot read …`, given the line of the key (or of its nearest
      // parent when it is not written).
      const prefix = `${config.file}: platforms.${platform}.template: `;
      for (const problem of error.problems)
        problems.push(at(path, problem.startsWith(prefix) ? problem.slice(prefix.length) : problem));
      continue;
    }
    const rendered = issueDescription(template ?? '', platform, quarter, config.ladder);
    const unknown = [...new Set(rendered.match(/\{\{[^{}\n]*\}\}/g) ?? [])];
    if (unknown.length > 0) {
      problems.push(
        at(
          path,
          `${config.platforms[platform].template}: unknown placeholder${unknown.length > 1 ? 's' : ''} ` +
            `${unknown.join(', ')} (known: ${KNOWN_PLACEHOLDERS.join(', ')})`,
        ),
      );
    }
    if (template !== undefined && template.trim() === '')
      problems.push(at(path, `${config.platforms[platform].template}: the template is empty`));
  }

  if (problems.length > 0)
    throw new ConfigError(problems.sort((a, b) => a.line - b.line).map((problem) => problem.text));
  const disabled = implemented.filter((platform) => !platforms.includes(platform));
  const summary =
    `ok: ${config.file}, ${deps.env.AUDIT_ROSTER} and ${platforms.length} issue template(s) checked; ` +
    `${roster.length} people, ${config.support_ops_managers.length} Support Ops Manager(s); ` +
    `platforms enabled: ${platforms.length > 0 ? platforms.join(', ') : 'none'}` +
    (disabled.length > 0 ? ` (disabled: ${disabled.join(', ')})` : '');
  return { config, roster, platforms, summary };
}
