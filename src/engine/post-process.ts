import type { TriageSummary } from '../model/audit-report.ts';
import type { Finding, ToolDiagnostic } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { Severity } from '../model/rule.ts';
import { compareLocations } from './run-rules.ts';

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const CONFIDENCE_ORDER = { high: 0, medium: 1, low: 2 } as const;
const ID_PREFIX: Record<Severity, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' };

/** `# shipgate-ignore: rule-a, rule-b -- reason` (or `//`, `<!-- -->`), on the flagged line or the line above it. */
const SUPPRESSION = /(?:#|\/\/|<!--)\s*shipgate-ignore:\s*([\w\s,*-]+?)\s*(?:--\s*(.*?))?\s*(?:-->)?\s*$/;

/** One inline `shipgate-ignore` comment. */
export interface InlineSuppression {
  file: string;
  line: number;
  ruleIds: string[];
  /** Undefined when the comment gives none: such a comment is not honoured. */
  reason?: string;
}

/** Every inline suppression comment in the audited files (a cheap text pre-filter first). */
export function collectInlineSuppressions(files: ParsedFiles): InlineSuppression[] {
  const out: InlineSuppression[] = [];
  for (const file of files.all) {
    if (!file.text.includes('shipgate-ignore')) continue;
    const lines = file.text.split('\n');
    lines.forEach((text, i) => {
      if (!text.includes('shipgate-ignore')) return;
      const match = SUPPRESSION.exec(text);
      if (!match) return;
      // In Markdown only an HTML comment is a suppression; `# shipgate-ignore: …` there is documentation of the syntax.
      if (file.kind === 'markdown' && !/<!--\s*shipgate-ignore/.test(text)) return;
      const reason = match[2]?.trim();
      out.push({ file: file.path, line: i + 1, ruleIds: match[1].split(',').map((r) => r.trim()).filter(Boolean), ...(reason ? { reason } : {}) });
    });
  }
  return out;
}

/**
 * Mark findings that an inline comment with a reason suppresses as `accepted` (they stay listed,
 * out of the score). Returns the findings and the comments that suppressed at least one.
 */
export function applyInlineSuppressions(
  findings: Finding[],
  suppressions: readonly InlineSuppression[],
  diagnostics: ToolDiagnostic[],
): { findings: Finding[]; used: Set<InlineSuppression> } {
  const at = new Map(suppressions.map((s) => [`${s.file}\0${s.line}`, s]));
  const used = new Set<InlineSuppression>();
  const warned = new Set<InlineSuppression>();
  const out = findings.map((finding) => {
    const line = finding.location.startLine;
    if (!line) return finding;
    for (const candidate of [line, line - 1]) {
      const suppression = at.get(`${finding.location.file}\0${candidate}`);
      if (!suppression) continue;
      if (!suppression.ruleIds.includes(finding.ruleId) && !suppression.ruleIds.includes('*')) continue;
      if (!suppression.reason) {
        if (!warned.has(suppression)) {
          warned.add(suppression);
          diagnostics.push({ kind: 'config', file: suppression.file, message: `line ${candidate}: shipgate-ignore without a reason ("-- why") is not honoured` });
        }
        continue;
      }
      used.add(suppression);
      return { ...finding, status: 'accepted' as const, triage: { source: 'inline' as const, reason: suppression.reason } };
    }
    return finding;
  });
  return { findings: out, used };
}

/**
 * Inline comments with a reason that suppressed nothing. A comment is judged only when every rule
 * it names ran in this audit (`ruleRan` true); a wildcard only on a complete run.
 */
export function unusedInlineSuppressions(
  suppressions: readonly InlineSuppression[],
  used: ReadonlySet<InlineSuppression>,
  ruleRan: (ruleId: string) => boolean | undefined,
  completeRun: boolean,
): TriageSummary['unused'] {
  const out: TriageSummary['unused'] = [];
  for (const s of suppressions) {
    if (!s.reason || used.has(s)) continue;
    const unknown = s.ruleIds.filter((id) => id !== '*' && ruleRan(id) === undefined);
    let why: string;
    if (unknown.length) why = `names \`${unknown[0]}\`, which is not a shipgate rule`;
    else if (s.ruleIds.includes('*') ? !completeRun : s.ruleIds.some((id) => !ruleRan(id))) continue;
    else why = `no finding of ${s.ruleIds.map((id) => `\`${id}\``).join(', ')} on this line or the next: the problem is gone, or the comment is on the wrong line`;
    out.push({ source: 'inline', file: s.file, line: s.line, ruleIds: s.ruleIds, reason: s.reason, why });
  }
  return out;
}

/** Drop exact repeats: same rule, message and location. */
export function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\0${f.messageId}\0${f.location.file}\0${f.location.startLine}\0${f.location.startColumn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] ||
      compareLocations(a.location, b.location) ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
      (a.fingerprint < b.fingerprint ? -1 : 1),
  );
}

/** CRIT-001, HIGH-001 … in sorted order, so the ids read like the reference audits. */
export function assignFindingIds(findings: Finding[]): Finding[] {
  const counters: Record<string, number> = {};
  return findings.map((f) => {
    const prefix = ID_PREFIX[f.severity];
    counters[prefix] = (counters[prefix] ?? 0) + 1;
    return { ...f, id: `${prefix}-${String(counters[prefix]).padStart(3, '0')}` };
  });
}

/**
 * Link compound findings to their parts once ids exist: `parts` on the compound (chain order),
 * `partOf` on each part. A part in two chains belongs to the more severe one (the first in sort
 * order); the other still lists it. Parts dropped by dedupe are left out.
 */
export function linkCompoundFindings(findings: Finding[], compoundParts: ReadonlyMap<string, readonly string[]>): Finding[] {
  if (!compoundParts.size) return findings;
  const idOf = new Map(findings.map((f) => [f.fingerprint, f.id]));
  const partOf = new Map<string, string>();
  const parts = new Map<string, string[]>();
  for (const f of findings) {
    const chain = compoundParts.get(f.fingerprint);
    if (!chain) continue;
    const ids = chain.map((fp) => idOf.get(fp)).filter((id): id is string => id !== undefined && id !== f.id);
    parts.set(f.id, [...new Set(ids)]);
    for (const id of ids) if (!partOf.has(id)) partOf.set(id, f.id);
  }
  return findings.map((f) => {
    const chain = parts.get(f.id);
    const owner = partOf.get(f.id);
    if (!chain && !owner) return f;
    return { ...f, ...(chain ? { parts: chain } : {}), ...(owner && !chain ? { partOf: owner } : {}) };
  });
}
