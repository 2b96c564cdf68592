import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import { PLATFORM_IDS } from '../domain/platforms.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import { PACKAGE_ROOT } from '../paths.js';

/**
 * Where this project publishes its CI/CD component and container image. Placeholders: the group
 * that publishes audit-bot replaces `support-ops` here and in templates/audit.yml's `image` default.
 */
export const COMPONENT_PROJECT = 'gitlab.com/support-ops/audit-bot';
export const IMAGE_REPOSITORY = 'registry.gitlab.com/support-ops/audit-bot';
/** The GitLab username `init` writes for the Support Ops Manager, in both files, until you put yours. */
export const MANAGER_PLACEHOLDER = 'your-gitlab-username';

const AUDITS = PLATFORM_MODULES.flatMap((module) => module.audits);

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface InitFile {
  /** Relative to the new project's folder. */
  path: string;
  content: string;
}

const CONFIG = `# audit.config.yml: what audit-bot audits and how it chases findings. Every key but
# support_ops_managers has a default (docs/configuration.md); \`audit-bot validate\` checks this file,
# roster.yml and the issue templates offline, and names every problem as \`file:line path: message\`.

# GitLab usernames of the Support Operations Manager(s): pinged for review when every finding of an
# audit is addressed, and for assistance at the end of the ladder. Each must be a person in roster.yml.
support_ops_managers: [${MANAGER_PLACEHOLDER}]

# confidential: true          # open audit issues as confidential
# labels: [audit]             # labels put on every audit issue
# ladder:                     # ISO-8601 durations between the follow-up pings
#   second_ping_after: PT72H
#   manager_after: P4D
#   som_after: PT72H
# missed_quarter_after: P3D   # the nightly followup fails when a quarter's audit is this late
# allow_list: []              # known exceptions: { fingerprint, reason, expires }

# The audits. Turn off the ones you do not run (and leave them out of the component's \`platforms\`
# input in .gitlab-ci.yml). Each platform's own keys (admin_allow_list, service_accounts, ...) are
# described in docs/configuration.md.
platforms:
${AUDITS.map(({ id, template }) => `  ${id}:\n    enabled: true\n    template: issue_templates/${template}`).join('\n')}
`;

const ROSTER = `# roster.yml: the Support team, the source of truth the audits compare against. One entry per
# person; \`audit-bot validate\` checks it. Fields (docs/configuration.md):
#   name, email, gitlab.username   required; the username is who gets pinged about their findings
#   reports_to                     the manager's gitlab.username (in this roster); null at the top
${PLATFORM_MODULES.map(({ roster }) => `#   ${roster.skeleton.key.padEnd(28)}   ${roster.skeleton.fields}`).join('\n')}

# The Support Ops Manager (the same username as support_ops_managers in audit.config.yml).
- name: Your Name
  email: you@example.com
  gitlab: { username: ${MANAGER_PLACEHOLDER} }
  reports_to: null
${PLATFORM_MODULES.flatMap(({ roster }) => roster.skeleton.example.map((line) => `  # ${line}`)).join('\n')}
`;

function gitlabCi(version: string): string {
  return `# The audits, run by the audit-bot CI/CD component (${COMPONENT_PROJECT}).
# The Run pipeline form (Build > Pipelines > Run pipeline) and the pipelines API take these inputs;
# schedules and merge requests use the defaults. Schedules pick their job with AUDIT_JOB (open or
# followup), not with the inputs.
spec:
  inputs:
    command:
      description: Which audit-bot command to run. \`open\` is the quarterly step, \`followup\` the nightly one.
      type: string
      options: [open, followup]
      default: open
    platform:
      description: Which audit. \`all\` runs one job per platform.
      type: string
      options: [all, ${PLATFORM_IDS.join(', ')}]
      default: all
    quarter:
      description: "\`open\` only: the quarter to open, like 2026-Q4. Empty means the current quarter."
      type: string
      default: ""
      regex: ^(\\d{4}-Q[1-4])?$
    dry-run:
      description: Print what would be posted and write nothing to GitLab. Untick to really run.
      type: boolean
      default: true
---
# One pipeline per change: the merge request pipeline, not also a branch pipeline.
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    - when: always

# Tokens never go in this file: they are masked CI/CD variables (Settings > CI/CD > Variables).
include:
  - component: ${COMPONENT_PROJECT}/audit@${version}
    inputs:
      platforms: ${PLATFORM_IDS.join(', ')}
      config: audit.config.yml
      roster: roster.yml
      command: $[[ inputs.command ]]
      platform: $[[ inputs.platform ]]
      quarter: $[[ inputs.quarter ]]
      dry-run: $[[ inputs.dry-run ]]
`;
}

/** What `init` writes, relative to the new project's folder. */
export function initFiles(version = packageVersion()): InitFile[] {
  const templates = AUDITS.map((audit) => ({
    path: `issue_templates/${audit.template}`,
    content: fs.readFileSync(path.join(PACKAGE_ROOT, 'issue_templates', audit.template), 'utf8'),
  }));
  return [
    { path: 'audit.config.yml', content: CONFIG },
    { path: 'roster.yml', content: ROSTER },
    { path: '.gitlab-ci.yml', content: gitlabCi(version) },
    ...templates,
  ];
}

/**
 * Step 4: the CI/CD variables every audit needs, the secrets masked and protected, the others plain
 * (those with a default are left out), wrapped as the checklist's other steps are.
 */
function variablesStep(): string {
  const variables = PLATFORM_MODULES.flatMap((module) => module.env);
  const required = [...new Set(AUDITS.flatMap((audit) => audit.requiredEnv))].map((name) =>
    variables.find((variable) => variable.name === name)!,
  );
  const secrets = required.filter((variable) => variable.secret).map((variable) => variable.name);
  const plain = required.filter((variable) => !variable.secret && variable.default === undefined);
  const sentences = [
    'CI/CD variables (Settings > CI/CD > Variables): masked and protected GITLAB_TOKEN (that token), ' +
      `AUDIT_SEAL_KEY (a long random secret)${secrets.map((name) => `, ${name}`).join('')};`,
    ...(plain.length > 0 ? [`plain ${plain.map((variable) => variable.name).join(', ')}.`] : []),
    'Protect the branch the schedules run on.',
  ];
  return `[ ] 4. ${sentences.flatMap((sentence) => wrap(sentence, 96)).join('\n       ')}`;
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The steps left after `init`, as a checklist. */
export function initChecklist(dir: string): string {
  return `Next steps:
[ ] 1. Put the Support Ops Manager's GitLab username in place of ${MANAGER_PLACEHOLDER} in audit.config.yml and
       roster.yml, add the team to roster.yml, then run \`audit-bot validate\` in ${dir}.
[ ] 2. Push ${dir} to a new private GitLab project.
[ ] 3. Token: Settings > Access tokens > a project access token with the api scope and the Reporter
       role or higher (to see, label and close the confidential issues); give it an expiry date.
${variablesStep()}
[ ] 5. Project members: everyone the audit may ping (each person in roster.yml, their managers and
       the Support Ops Managers) as Planner or higher, so they can read the confidential issues.
[ ] 6. Two pipeline schedules (Build > Pipeline schedules) on the default branch, cron timezone UTC:
       quarterly \`0 9 1 1,4,7,10 *\` with variable AUDIT_JOB=open;
       nightly \`0 6 * * *\` with variable AUDIT_JOB=followup.
[ ] 7. A first dry run: Build > Pipelines > Run pipeline, dry-run ticked (the default); read the notes
       it would post in each job's log, then untick dry-run for the real thing.
`;
}

/**
 * `init <dir>`: writes a new audits project. Never overwrites: when any of its files exists, writes
 * nothing and fails (exit 2) naming them.
 */
export function initCommand(dir: string, out: (text: string) => void): number {
  const files = initFiles();
  const existing = files.map((file) => path.join(dir, file.path)).filter((file) => fs.existsSync(file));
  if (existing.length > 0)
    throw new ConfigError(
      existing.map((file) => `${file}: already exists; init never overwrites a file (nothing was written)`),
    );
  for (const file of files) {
    const target = path.join(dir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { flag: 'wx' });
  }
  out(`Wrote ${files.map((file) => path.join(dir, file.path)).join(', ')}.\n\n${initChecklist(dir)}`);
  return 0;
}
