import type { Finding } from '../../domain/types.js';
import { isScheduleTarget, isUserTarget } from './types.js';
import { rules, targets, type Context } from './context.js';

/** Escalation policies: dead references, rules with no target, one target and no loops. */
export function policyFindings(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  for (const policy of ctx.snapshot.escalationPolicies) {
    const owner = ctx.sharedManager(ctx.policyPeople(policy));
    const live = new Set<string>();
    rules(policy).forEach((rule, index) => {
      const number = index + 1;
      if (targets(rule).length === 0) {
        findings.push({
          platform: 'pagerduty',
          kind: 'empty-rule',
          fingerprint: `pagerduty:empty-rule:${policy.id}:${rule.id}`,
          owner,
          subject: policy.name,
          detail:
            `Escalation policy ${policy.id}, rule ${number} (${rule.id}) has no on-call target: ` +
            'an incident that escalates to it pages nobody. ' +
            'Add a schedule or a user, or remove the rule (or ask Support Ops, PagerDuty admins, to).',
          evidence: { policyId: policy.id, ruleId: rule.id, rule: number },
        });
      }
      for (const target of targets(rule)) {
        const user = isUserTarget(target.type);
        const schedule = isScheduleTarget(target.type);
        if (!user && !schedule) continue;
        const exists = user ? ctx.usersById.has(target.id) : ctx.schedulesById.has(target.id);
        if (exists) {
          live.add(`${user ? 'user' : 'schedule'}:${target.id}`);
          continue;
        }
        const alone = targets(rule).every(
          (other) =>
            other.id === target.id ||
            !(isUserTarget(other.type) ? ctx.usersById.has(other.id) : ctx.schedulesById.has(other.id)),
        );
        findings.push({
          platform: 'pagerduty',
          kind: 'dead-reference',
          fingerprint: `pagerduty:dead-reference:${policy.id}:${target.id}`,
          owner,
          subject: policy.name,
          detail:
            `Escalation policy ${policy.id}, rule ${number} targets ${user ? 'user' : 'schedule'} ${target.id}, ` +
            'which no longer exists' +
            (alone ? ': the rule pages nobody' : '') +
            '. Replace or remove the target (or ask Support Ops, PagerDuty admins, to).',
          evidence: {
            policyId: policy.id,
            ruleId: rule.id,
            rule: number,
            targetType: target.type,
            targetId: target.id,
          },
        });
      }
    });
    if (policy.num_loops === 0 && live.size === 1) {
      const [only] = [...live];
      findings.push({
        platform: 'pagerduty',
        kind: 'single-target-policy',
        fingerprint: `pagerduty:single-target-policy:${policy.id}`,
        owner,
        subject: policy.name,
        detail:
          `Escalation policy ${policy.id} pages one target only (${only.replace(':', ' ')}) and never repeats ` +
          '(0 loops): if that page is missed, nobody else is paged. ' +
          'Add a second target or rule, or loops (or ask Support Ops, PagerDuty admins, to).',
        evidence: { policyId: policy.id, target: only, numLoops: policy.num_loops },
      });
    }
  }
  return findings;
}
