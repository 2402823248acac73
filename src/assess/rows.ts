/** Small helpers the testing, dependency and compliance assessments share to build scorecard rows. */
import type { ScorecardEntry, ScorecardStatus } from '../model/audit-report.ts';
import type { Finding, Location } from '../model/finding.ts';
import type { AssessmentInput } from './index.ts';

export interface RowDetail {
  findings?: Finding[];
  rules?: string[];
  evidence?: Location[];
  howToKnow?: string;
}

const MAX_EVIDENCE = 10;

export function scorecardRow(name: string, status: ScorecardStatus, notes: string, detail: RowDetail = {}): ScorecardEntry {
  const evidence = dedupeLocations(detail.evidence ?? []).slice(0, MAX_EVIDENCE);
  return {
    name,
    status,
    notes,
    findings: [...new Set((detail.findings ?? []).map((f) => f.id))],
    rules: detail.rules ?? [],
    ...(evidence.length ? { evidence } : {}),
    ...(detail.howToKnow ? { howToKnow: detail.howToKnow } : {}),
  };
}

/** Open findings of these rules (optionally filtered), in report order. */
export function openFindings(input: AssessmentInput, ruleIds: readonly string[], filter: (f: Finding) => boolean = () => true): Finding[] {
  return input.findings.filter((f) => ruleIds.includes(f.ruleId) && f.status === 'open' && !f.partOf && filter(f));
}

/** Whether one of these rules ran (was selected and applicable): the row's findings mean something only then. */
export function rulesSelected(input: AssessmentInput, ruleIds: readonly string[]): string[] {
  return ruleIds.filter((id) => input.metas.has(id));
}

export function locationOf(file: string, line?: number, note?: string): Location {
  return { file, ...(line ? { startLine: line, endLine: line } : {}), ...(note ? { note } : {}) };
}

function dedupeLocations(locations: Location[]): Location[] {
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const l of locations) {
    const key = `${l.file}:${l.startLine ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l);
  }
  return out;
}

/** `3 files` / `1 file`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The first few items of a list in prose: "`a`, `b`, `c` and 4 more". */
export function listSome(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
