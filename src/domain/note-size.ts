/**
 * GitLab's size caps (docs/vendor-facts.md, "GitLab"): a note longer than 1,000,000 characters is
 * refused with a 400 (create and edit); an issue description longer than 1,048,576 characters too.
 */
export const GITLAB_NOTE_LIMIT = 1_000_000;
export const GITLAB_DESCRIPTION_LIMIT = 1_048_576;

/**
 * What one note of the bot's may grow to, counted in UTF-8 bytes: never fewer than the characters
 * GitLab counts (nor than JavaScript's UTF-16 units), and half the cap, so escaping, the marker and
 * multi-byte text cannot take a note near it.
 */
export const NOTE_BUDGET = 500_000;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
