/** Replaces every known secret value in `text` with a fixed mask. Used on every log line and error message. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    result = result.split(secret).join('[REDACTED]');
  }
  return result;
}

export function scrubDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, secrets));
  if (value && typeof value === 'object') {
    if (value instanceof Error) {
      return { type: value.name, message: scrubSecrets(value.message, secrets) };
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, secrets)]));
  }
  return value;
}
