/**
 * Killed after its 1st, 2nd, … Nth write, for every write the run makes, then re-run: the issues
 * end exactly as after an uninterrupted run, with no duplicate ping and no lost finding.
 *
 * What a run killed right after its Nth write leaves in GitLab is what the uninterrupted run had
 * written by then (runs are deterministic: fixed clock, same data). So the uninterrupted run is
 * recorded at every write, and each recorded state is restored, its lease expired (as 15 minutes
 * would), and the run started again. A few real kills (every request after the Nth write
 * dropped) check that they leave exactly the recorded state.
 */
import { expireLeases, runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import type { GitLabSandboxState } from '../../src/sandbox/gitlab/index.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { loadRoster } from '../../src/config/roster.js';
import { generatePagerDutyUsers } from '../../src/platforms/pagerduty/sandbox/data.js';
import {
  clearFaults,
  duplicateNotes,
  QUIET_ENV,
  isWrite,
  issueOf,
  killAfterWrites,
  listedItems,
  markerKeys,
  settle,
  snapshot,
  snapshotDiff,
} from './support.js';
import { reportFigures } from './figures.js';

const SOM = 'som-alex';
const roster = loadRoster(SANDBOX_ROSTER);
const managerOf = new Map(roster.map((person) => [person.gitlab.username, person.reports_to]));

interface Scenario {
  name: string;
  argv: string[];
  /** Brings the sandbox to the state the run under test starts from. */
  setup: (sandbox: Sandbox, time: Timeline) => Promise<void> | void;
}

async function mustRun(sandbox: Sandbox, argv: string[], now: Date): Promise<void> {
  const run = await runAuditBot(sandbox, argv, QUIET_ENV, now);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

const OPEN: Scenario = {
  name: 'open --platform all',
  argv: ['open', '--platform', 'all'],
  setup: () => undefined,
};

/**
 * A follow-up night that writes every kind of note and issue change: second pings (US Federal,
 * opened three days earlier), answers recorded and replies rejected (Zendesk), every item
 * addressed and the review asked for (Calendly), the approval recorded and the issue closed
 * (PagerDuty); the board and the status label of each issue updated.
 */
const FOLLOWUP: Scenario = {
  name: 'followup (pings, records, answers, review, close)',
  argv: ['followup'],
  setup: async (sandbox, time) => {
    time.at('PT0S');
    await mustRun(sandbox, ['open', '--platform', 'zendesk-us-federal'], time.now);
    time.at('PT48H');
    await mustRun(sandbox, ['open', '--platform', 'all'], time.now);
    // PagerDuty's items are all answered and its review asked for: the night under test approves it.
    time.at('PT50H');
    const pagerduty = issueOf(sandbox, 'pagerduty');
    sandbox.gitlab.addNote(pagerduty, {
      author: SOM,
      body: `${listedItems(sandbox, pagerduty)
        .map((item) => item.id)
        .join(', ')} intentional: accepted by Support Ops`,
    });
    time.at('PT52H');
    await mustRun(sandbox, ['followup', '--platform', 'pagerduty'], time.now);
    time.at('PT60H');
    const zendesk = issueOf(sandbox, 'zendesk');
    const [a, b, c] = listedItems(sandbox, zendesk).filter((item) => item.owner !== null && item.owner !== SOM);
    const outsider = roster
      .map((person) => person.gitlab.username)
      .find((name) => name !== b.owner && name !== managerOf.get(b.owner!) && name !== SOM)!;
    sandbox.gitlab.addNote(zendesk, { author: a.owner!, body: `${a.id} intentional: the reliability test needs it` });
    sandbox.gitlab.addNote(zendesk, { author: outsider, body: `${b.id} fixed` });
    sandbox.gitlab.addNote(zendesk, { author: c.owner!, body: `${c.id} fixed` });
    const calendly = issueOf(sandbox, 'calendly');
    sandbox.gitlab.addNote(calendly, {
      author: SOM,
      body: `${listedItems(sandbox, calendly)
        .map((item) => item.id)
        .join(', ')} intentional: accepted by Support Ops`,
    });
    sandbox.gitlab.addNote(issueOf(sandbox, 'pagerduty'), { author: SOM, body: 'approved' });
    time.at('PT72H');
  },
};

/** Results too big for one note (GitLab's cap): killed between two of their parts, the re-run posts only the rest. */
const OPEN_IN_PARTS: Scenario = {
  name: 'open --platform pagerduty with 1,500 findings (results in parts)',
  argv: ['open', '--platform', 'pagerduty'],
  setup: (sandbox) => {
    sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(1_500));
  },
};

const figures = {
  points: 0,
  realKills: 0,
  identical: 0,
  writes: new Map<string, number>(),
  duplicates: 0,
  lost: 0,
  ms: 0,
};

async function crashEveryWrite(scenario: Scenario): Promise<void> {
  const started = Date.now();
  await withTimeline(async (sandbox, time) => {
    await scenario.setup(sandbox, time);
    const before = sandbox.gitlab.saveState();
    // The uninterrupted run, with GitLab's state recorded just before each of its writes.
    const states: GitLabSandboxState[] = [];
    sandbox.gitlab.setFaultPlan((req) => {
      if (isWrite(req.method)) states.push(sandbox.gitlab.saveState());
      return undefined;
    });
    await mustRun(sandbox, scenario.argv, time.now);
    clearFaults(sandbox);
    const writes = states.length;
    const expected = snapshot(sandbox);
    const keys = markerKeys(sandbox);
    figures.writes.set(scenario.name, writes);
    expect(writes).toBeGreaterThan(10);

    // Real kills leave exactly the recorded states.
    for (const after of [1, Math.floor(writes / 2), writes - 1]) {
      sandbox.gitlab.restoreState(before);
      const kill = killAfterWrites(sandbox, after);
      await runAuditBot(sandbox, scenario.argv, QUIET_ENV, time.now);
      expect(kill.writes()).toBe(after);
      await settle(sandbox);
      clearFaults(sandbox);
      const killed = snapshot(sandbox);
      sandbox.gitlab.restoreState(states[after]);
      expect({ after, diff: snapshotDiff(killed, snapshot(sandbox)) }).toEqual({ after, diff: '' });
      figures.realKills += 1;
    }

    for (let after = 0; after < writes; after++) {
      sandbox.gitlab.restoreState(states[after]);
      await expireLeases(sandbox);
      await mustRun(sandbox, scenario.argv, time.now);
      const duplicates = duplicateNotes(sandbox);
      const now = markerKeys(sandbox);
      figures.points += 1;
      figures.duplicates += duplicates.length;
      figures.lost += keys.filter((key) => !now.includes(key)).length;
      expect({ after, duplicates }).toEqual({ after, duplicates: [] });
      expect({ after, diff: snapshotDiff(snapshot(sandbox), expected) }).toEqual({ after, diff: '' });
      figures.identical += 1;
    }
  });
  figures.ms += Date.now() - started;
}

describe('killed after every write, then re-run', () => {
  test('open --platform all: every write point', async () => {
    await crashEveryWrite(OPEN);
  }, 120_000);

  test('open with its results in several notes: killed between any two parts', async () => {
    await crashEveryWrite(OPEN_IN_PARTS);
  }, 120_000);

  test('a follow-up night with pings, records, answers, a review and a close: every write point', async () => {
    await crashEveryWrite(FOLLOWUP);
  }, 60_000);
});

afterAll(() => {
  reportFigures('2. crashes (killed after write N, expired lease, re-run)', [
    ...[...figures.writes].map(([name, n]): [string, string] => [`writes of ${name}`, `${n} → ${n} crash points`]),
    ['crash points tested (re-run from each)', figures.points],
    ['real kills matching the recorded state', figures.realKills],
    ['re-runs ending identical to the uninterrupted run', `${figures.identical} of ${figures.points}`],
    ['duplicate notes', figures.duplicates],
    ['findings or notes lost', figures.lost],
    ['time', `${(figures.ms / 1000).toFixed(1)} s`],
  ]);
});
