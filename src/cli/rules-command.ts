import type { Rule } from '../model/rule.ts';

export function listRules(registry: readonly Rule[]): string {
  const rows = [...registry].sort((a, b) => (a.meta.category + a.meta.id < b.meta.category + b.meta.id ? -1 : 1));
  const width = Math.max(...rows.map((r) => r.meta.id.length));
  const lines = rows.map((r) => `${r.meta.category.padEnd(14)} ${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(8)} ${r.meta.title}`);
  return `${lines.join('\n')}\n\n${rows.length} rules. \`shipgate explain <rule>\` for details.\n`;
}

export function explainRule(registry: readonly Rule[], id: string): string | undefined {
  const rule = registry.find((r) => r.meta.id === id);
  if (!rule) return undefined;
  const m = rule.meta;
  return [
    `${m.title}  (${m.id})`,
    `${m.category} · severity ${m.severity} · confidence ${m.confidence} · ${m.status} · applies when: ${m.appliesWhen.join(', ') || 'always'}`,
    m.references?.cwe?.length ? `CWE: ${m.references.cwe.map((c) => `CWE-${c}`).join(', ')}` : '',
    '',
    'What it finds:',
    ...Object.values(m.messages).map((t) => `  - ${t as string}`),
    '',
    'Why it matters:',
    m.why,
    '',
    'How to fix:',
    m.fix,
    '',
    `Suppress one occurrence: # shipgate-ignore: ${m.id} -- reason   (or, reviewed in .shipgate/triage.yaml: shipgate triage ID --as accepted --reason "…")`,
    '',
  ]
    .filter((l, i, all) => !(l === '' && all[i - 1] === ''))
    .join('\n');
}
