/**
 * A value read from JSON (a marker field, a request parameter) as text: nothing for null or
 * undefined, a string, number or boolean as `String` writes it, an array or an object as its JSON.
 */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}
