import type { Finding, ToolDiagnostic } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { Severity } from '../model/rule.ts';
import { compareLocations } from './run-rules.ts';

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const CONFIDENCE_ORDER = { high: 0, medium: 1, low: 2 } as const;
const ID_PREFIX: Record<Severity, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' };

/** `# shipgate-ignore: rule-a, rule-b -- reason` (or `//`), on the flagged line or the line above it. */
const SUPPRESSION = /(?:#|\/\/|<!--)\s*shipgate-ignore:\s*([\w\s,*-]+?)\s*(?:--\s*(.*?))?\s*(?:-->)?\s*$/;

export function applyInlineSuppressions(findings: Finding[], files: ParsedFiles, diagnostics: ToolDiagnostic[]): Finding[] {
  const warned = new Set<string>();
  return findings.map((finding) => {
    const file = files.get(finding.location.file);
    const line = finding.location.startLine;
    if (!file || !line) return finding;
    for (const candidate of [line, line - 1]) {
      const match = SUPPRESSION.exec(file.line(candidate));
      if (!match) continue;
      const ids = match[1].split(',').map((s) => s.trim());
      if (!ids.includes(finding.ruleId) && !ids.includes('*')) continue;
      const reason = match[2]?.trim();
      if (!reason) {
        const key = `${file.path}:${candidate}`;
        if (!warned.has(key)) {
          warned.add(key);
          diagnostics.push({ kind: 'config', file: file.path, message: `line ${candidate}: shipgate-ignore without a reason ("-- why") is not honoured` });
        }
        continue;
      }
      return { ...finding, status: 'accepted', triage: { source: 'inline', reason } };
    }
    return finding;
  });
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
