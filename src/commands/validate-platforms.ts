import type { AuditConfig } from '../config/types.js';
import type { PlatformId } from '../domain/types.js';
import { auditOf } from '../platforms/index.js';
import type { RuntimeDeps } from './runtime.js';
import { RETRY, row, type CheckRow } from './check-rows.js';

/** `validate --online`'s row for one enabled platform: its module's online check, with few retries. */
export async function platformCheck(deps: RuntimeDeps, config: AuditConfig, platform: PlatformId): Promise<CheckRow> {
  const onlineCheck = auditOf(platform)?.onlineCheck;
  if (!onlineCheck) return row(platform, '-', 'WARN', 'no online check for this platform');
  const { env, clock, sleep, logger } = deps;
  const { target, result, detail } = await onlineCheck({ env, config, clock, sleep, logger, retry: RETRY });
  return row(platform, target, result, detail);
}
