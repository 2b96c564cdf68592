/** Replaces every known secret value in `text` with a fixed mask. Used on every log line and error message. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 4) continue;
    result = result.split(secret).join('[REDACTED]');
  }
  return result;
}
