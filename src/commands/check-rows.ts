export type CheckResult = 'OK' | 'FAIL' | 'WARN';

/** One row of `validate --online`'s table. Details never hold a secret (the CLI scrubs its output besides). */
export interface CheckRow {
  check: string;
  target: string;
  result: CheckResult;
  detail: string;
}

/** A few retries only: a preflight that waits minutes on a flaky vendor helps nobody. */
export const RETRY = { retries: 2, baseDelayMs: 500 };

export function row(check: string, target: string, result: CheckResult, detail: string): CheckRow {
  return { check, target, result, detail };
}

export { messageOf, statusOf } from '../http/errors.js';
