import type { Logger } from '../log.js';
import type { Tracker } from '../gitlab/tracker.js';
import { resolveReach } from '../gitlab/reach.js';
import type { ReachOf, Unreachable } from '../domain/reach.js';
import type { PlannedNote } from '../domain/open-plan.js';

/** The note steps that mention someone: their marker's owner, or the Support Ops Managers when it has none. */
const MENTIONING_STEPS = new Set(['ping1', 'ping2', 'manager', 'som', 'review']);

/** Everyone the notes would @-mention. */
export function mentionedIn(notes: readonly PlannedNote[], supportOpsManagers: readonly string[]): string[] {
  return notes.flatMap(({ marker }) =>
    MENTIONING_STEPS.has(marker.step)
      ? typeof marker.owner === 'string'
        ? [marker.owner]
        : [...supportOpsManagers]
      : [],
  );
}

/**
 * Who this run can reach by a mention, learnt once per run and only for the people a plan would
 * mention: a plan is made, the names it mentions that are not known yet are looked up, and it is
 * made again with what was learnt (a ping passed up the chain may mention someone new). A run that
 * mentions nobody asks GitLab nothing.
 */
export class ReachBook {
  private readonly known = new Map<string, Unreachable | undefined>();

  constructor(
    private readonly tracker: Tracker,
    private readonly logger: Logger,
  ) {}

  readonly reachOf: ReachOf = (username) => this.known.get(username.toLowerCase());

  /** Everyone found unreachable so far. */
  unreachable(): Unreachable[] {
    return [...this.known.values()].filter((entry): entry is Unreachable => entry !== undefined);
  }

  async plan<P>(plan: (reach: ReachOf) => P, mentioned: (plan: P) => string[]): Promise<P> {
    // Each round either learns a name or ends; the chain of managers is finite, so is this.
    for (;;) {
      const planned = plan(this.reachOf);
      const unknown = [...new Set(mentioned(planned).filter((username) => !this.known.has(username.toLowerCase())))];
      if (unknown.length === 0) return planned;
      for (const [username, reach] of await resolveReach(this.tracker, unknown)) {
        this.known.set(username.toLowerCase(), reach);
        if (reach) this.logger.warn({ username }, `not mentioned: ${reach.reason}`);
      }
    }
  }
}

const books = new WeakMap<Tracker, ReachBook>();

/** The run's book for its tracker (one per run: each run builds its own tracker). */
export function reachBookOf(ctx: { tracker: Tracker; logger: Logger }): ReachBook {
  let book = books.get(ctx.tracker);
  if (!book) books.set(ctx.tracker, (book = new ReachBook(ctx.tracker, ctx.logger)));
  return book;
}
