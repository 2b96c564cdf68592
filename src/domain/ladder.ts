import { DateTime, Duration } from 'luxon';
import type { LadderDurations } from '../config/types.js';
import { LADDER, type ItemState, type LadderStep } from './audit-types.js';
import { somsToAsk } from './followup-state.js';
import { everyoneReachable, routeUp, type ReachOf, type Route } from './reach.js';

/** What the ladder's timing depends on besides the item. */
export interface LadderTiming {
  now: Date;
  ladder: LadderDurations;
  /** The manager (roster reports_to) of a GitLab username, or null. */
  managerOf: (username: string) => string | null;
  supportOpsManagers?: readonly string[];
}

const WAIT_AFTER: Record<Exclude<LadderStep, 'som'>, keyof LadderDurations | null> = {
  ping1: 'second_ping_after',
  ping2: 'manager_after',
  manager: 'som_after',
};

/**
 * The ladder step due for an item now, if any: one step per run, timed from when the previous step
 * was taken (the time its run planned it: see ItemState.pings), so a schedule at a fixed hour takes
 * each step exactly its configured wait after the previous one, never a run later.
 */
export function nextDueStep(item: ItemState, input: LadderTiming): LadderStep | undefined {
  const last = item.pings.at(-1);
  if (!last) return 'ping1';
  if (last.step === 'som' || !hasNextStep(item, input)) return undefined;
  const wait = WAIT_AFTER[last.step];
  const dueAt = dueDateTime(ladderClock(item, last.at), input.ladder[wait!]);
  if (DateTime.fromJSDate(input.now) < dueAt) return undefined;
  const next = LADDER[LADDER.indexOf(last.step) + 1];
  // Nobody to escalate to at the manager step: the Support Ops Managers are next.
  if (next === 'manager' && (item.owner === null || input.managerOf(item.owner) === null)) return 'som';
  return next;
}

/**
 * Whether the ladder has a step left for the item: not after the Support Ops Managers, nor when
 * only they remain and all were asked.
 */
function hasNextStep(item: ItemState, input: Partial<Pick<LadderTiming, 'supportOpsManagers' | 'managerOf'>>): boolean {
  const last = item.pings.at(-1);
  if (!last) return true;
  if (last.step === 'som') return false;
  const managerNext =
    last.step === 'ping2' &&
    item.owner !== null &&
    input.managerOf !== undefined &&
    input.managerOf(item.owner) !== null;
  const somNext = last.step === 'manager' || (last.step === 'ping2' && !managerNext);
  return !somNext || input.supportOpsManagers === undefined || somsToAsk(item, input.supportOpsManagers).length > 0;
}

/** When the item's next ladder step falls due; undefined when it has none left or none was taken yet. */
export function dueAt(
  item: ItemState,
  ladder: LadderDurations,
  rules: Partial<Pick<LadderTiming, 'supportOpsManagers' | 'managerOf'>> = {},
): Date | undefined {
  const last = item.pings.at(-1);
  if (!last || last.step === 'som' || !hasNextStep(item, rules)) return undefined;
  return dueDateTime(ladderClock(item, last.at), ladder[WAIT_AFTER[last.step]!]).toJSDate();
}

/** What the next step is timed from: the last step, or the item's revival when it came back after that. */
function ladderClock(item: ItemState, lastStepAt: string): string {
  return item.revived && item.revived.at > lastStepAt ? item.revived.at : lastStepAt;
}

/**
 * `at` + the ISO-8601 `duration`, in UTC. Remembered: the items pinged in one note share its
 * time, and the plan and the board ask for each item's due time several times, for every issue.
 */
const dueTimes = new Map<string, DateTime>();
function dueDateTime(at: string, duration: string): DateTime {
  const key = `${at} ${duration}`;
  let due = dueTimes.get(key);
  if (!due) {
    if (dueTimes.size >= 10_000) dueTimes.clear();
    due = DateTime.fromISO(at, { zone: 'utc' }).plus(Duration.fromISO(duration));
    dueTimes.set(key, due);
  }
  return due;
}

/**
 * Who gets an item's ladder step: its owner (the pings) or the owner's manager, or the first
 * reachable person up the roster's `reports_to` chain when they cannot see the issue; the Support
 * Ops Managers (null) at the last step, for an item nobody owns, or when nobody up the chain can be reached.
 */
export function routeOf(
  item: ItemState,
  step: LadderStep,
  input: { managerOf: (username: string) => string | null; reach?: ReachOf },
): Route {
  if (step === 'som' || item.owner === null) return { to: null, skipped: [] };
  const first = step === 'manager' ? input.managerOf(item.owner) : item.owner;
  return routeUp(first, input.managerOf, input.reach ?? everyoneReachable);
}
