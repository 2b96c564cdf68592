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
