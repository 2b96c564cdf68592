import { DateTime } from 'luxon';

const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export function quarterOf(date: Date): string {
  const utc = DateTime.fromJSDate(date, { zone: 'utc' });
  return `${utc.year}-Q${utc.quarter}`;
}

export function isQuarter(value: string): boolean {
  return QUARTER_PATTERN.test(value);
}

export function previousQuarter(quarter: string): string {
  const [, year, q] = /^(\d{4})-Q([1-4])$/.exec(quarter) ?? [];
  if (!year) throw new Error(`not a quarter: ${quarter}`);
  return Number(q) === 1 ? `${Number(year) - 1}-Q4` : `${year}-Q${Number(q) - 1}`;
}

/** When a quarter begins: 00:00 UTC on the first day of its first month. */
export function quarterStart(quarter: string): Date {
  const [, year, q] = QUARTER_PATTERN.exec(quarter) ?? [];
  if (!year) throw new Error(`not a quarter: ${quarter}`);
  return DateTime.utc(Number(year), (Number(q) - 1) * 3 + 1, 1).toJSDate();
}
