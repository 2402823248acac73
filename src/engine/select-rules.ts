import type { Domain, Rule, Severity } from '../model/rule.ts';
import type { ShipgateConfig } from '../config/schema.ts';

export interface SelectedRule {
  rule: Rule;
  applicable: boolean;
  /** The user's severity from config, when set: it wins over the rule's own per-finding choice. */
  severityOverride?: Severity;
}

/**
 * Rules switched on by config (and `only`), each marked applicable when all its domains are present.
 * `only` is widened by the rules that the chosen ones `require` (their findings are the input).
 */
export function selectRules(registry: readonly Rule[], config: ShipgateConfig, domains: ReadonlySet<Domain>, requested?: string[]): SelectedRule[] {
  const only = requested && withRequiredRules(registry, requested);
  const out: SelectedRule[] = [];
  for (const rule of registry) {
    if (only && !only.includes(rule.meta.id)) continue;
    const setting = config.rules[rule.meta.id];
    if (setting === 'off') continue;
    if (rule.meta.status === 'deprecated' && !only) continue;
    const severityOverride = typeof setting === 'string' ? setting : setting?.severity;
    out.push({ rule, applicable: rule.meta.appliesWhen.every((d) => domains.has(d)), ...(severityOverride ? { severityOverride } : {}) });
  }
  return out;
}

/** `ids` plus every rule they name in `meta.requires`, transitively. */
export function withRequiredRules(registry: readonly Rule[], ids: readonly string[]): string[] {
  const byId = new Map(registry.map((r) => [r.meta.id, r]));
  const out = new Set<string>();
  const visit = (id: string) => {
    if (out.has(id)) return;
    out.add(id);
    for (const required of byId.get(id)?.meta.requires ?? []) visit(required);
  };
  ids.forEach(visit);
  return [...out];
}
