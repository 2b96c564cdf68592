import type { ZendeskAuditSettings } from './instances.js';

/**
 * Whether `service_accounts` names this credential (by any of `keys`: ids, identifiers, names,
 * emails; case-insensitive).
 */
export function isServiceAccount(
  settings: ZendeskAuditSettings,
  keys: readonly (string | number | null | undefined)[],
): boolean {
  const entries = new Set((settings.service_accounts ?? []).map((entry) => entry.trim().toLowerCase()));
  return keys.some(
    (key) =>
      key !== null && key !== undefined && String(key).trim() !== '' && entries.has(String(key).trim().toLowerCase()),
  );
}
