import type { PlatformId } from '../config/types.js';
import type { AuditModule, Checker, CheckerDeps, PlatformModule } from './contract.js';
import { PLATFORM_MODULES } from './registry.js';

export type { CheckerDeps } from './contract.js';
export { PlatformAccessError } from './checker-support.js';

/** The audit with platform id `platform` among `modules`' audits, or undefined. */
export function auditOf(
  platform: string,
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): AuditModule | undefined {
  for (const module of modules) {
    const audit = module.audits.find((candidate) => candidate.id === platform);
    if (audit) return audit;
  }
  return undefined;
}

/** Platforms whose checker exists: every registered audit. */
export function implementedPlatforms(): PlatformId[] {
  return PLATFORM_MODULES.flatMap((module) => module.audits.map((audit) => audit.id as PlatformId));
}

/** The platform's checker; throws a ConfigError naming the variables to set when they are missing. */
export function buildChecker(platform: PlatformId, deps: CheckerDeps): Checker {
  const audit = auditOf(platform);
  if (!audit) throw new NotImplementedError(platform);
  return audit.checker(deps);
}

export class NotImplementedError extends Error {
  constructor(readonly platform: PlatformId) {
    super(`${platform}: this audit is not implemented yet`);
    this.name = 'NotImplementedError';
  }
}
