export type Clock = () => Date;

/**
 * Waits `ms`. `now` is the monotonic time (ms) the sleep is measured on, performance.now when
 * absent: the pacer counts its windows on it. A sleep that returns at once (tests) brings its own,
 * which moves by what it was asked to sleep.
 */
export interface Sleep {
  (ms: number): Promise<void>;
  readonly now?: () => number;
}

export const systemClock: Clock = () => new Date();
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A sleep that returns at once, after telling `onSleep` (tests): its time is the real one plus
 * every sleep it was asked for.
 */
export function instantSleep(onSleep?: (ms: number) => void | Promise<void>): Sleep {
  let slept = 0;
  const sleep = async (ms: number) => {
    slept += Math.max(0, ms);
    await onSleep?.(ms);
  };
  return Object.assign(sleep, { now: () => performance.now() + slept });
}
