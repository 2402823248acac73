import type { Domain, Rule, Severity } from '../model/rule.ts';
import type { ShipgateConfig } from '../config/schema.ts';

export interface SelectedRule {
  rule: Rule;
  applicable: boolean;
  /** Severity after config overrides. */
  severity: Severity;
}

/** Rules switched on by config (and `only`), each marked applicable when all its domains are present. */
export function selectRules(registry: readonly Rule[], config: ShipgateConfig, domains: ReadonlySet<Domain>, only?: string[]): SelectedRule[] {
  const out: SelectedRule[] = [];
  for (const rule of registry) {
    if (only && !only.includes(rule.meta.id)) continue;
    const setting = config.rules[rule.meta.id];
    if (setting === 'off') continue;
    if (rule.meta.status === 'deprecated' && !only) continue;
    const severity = typeof setting === 'string' ? setting : (setting?.severity ?? rule.meta.severity);
    out.push({ rule, applicable: rule.meta.appliesWhen.every((d) => domains.has(d)), severity });
  }
  return out;
}
