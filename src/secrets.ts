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

const CREDENTIAL_HEADERS = new Set(['authorization', 'private-token', 'job-token', 'proxy-authorization']);

/**
 * The secret parts of the credentials a request carried (Authorization, PRIVATE-TOKEN, …): the
 * whole value, the credential after its scheme (`Bearer X`, `Token token=X`), and for Basic what
 * it decodes to and the password in it (Zendesk's `email/token:X`). A vendor that echoes them
 * back in an error body is masked before the body is cut short: a cut token is no longer
 * recognisable by the later scrubbing of whole secrets.
 */
export function credentialValues(headers: Record<string, string | string[] | undefined> | undefined): string[] {
  const values = new Set<string>();
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase()) || raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      values.add(value);
      const [scheme, ...rest] = value.trim().split(/\s+/);
      const credential = rest.join(' ');
      if (!credential) continue;
      values.add(credential);
      const tokenParameter = /^token=(.+)$/i.exec(credential);
      if (tokenParameter) values.add(tokenParameter[1]);
      if (scheme.toLowerCase() === 'basic') {
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        values.add(decoded);
        if (decoded.includes(':')) values.add(decoded.slice(decoded.indexOf(':') + 1));
      }
    }
  }
  return [...values].filter((value) => value.length >= 6);
}
