import { DateTime } from 'luxon';

const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export function quarterOf(date: Date): string {
  const utc = DateTime.fromJSDate(date, { zone: 'utc' });
  return `${utc.year}-Q${utc.quarter}`;
}

export function isQuarter(value: string): boolean {
  return QUARTER_PATTERN.test(value);
}
