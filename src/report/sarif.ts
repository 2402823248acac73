/**
 * SARIF 2.1.0 (`--format sarif`) for code-scanning platforms (GitHub code scanning, Azure DevOps,
 * SonarQube import, the SARIF viewers). One run: the driver with every selected rule (help text
 * and Markdown from the rule's why/fix, helpUri to its docs page, tags, precision and a
 * security-severity for security rules), one result per finding with its region (snippet
 * redacted like every output), related locations, the move-proof fingerprint as a partial
 * fingerprint, suppressions for triaged findings and the baseline state (against --baseline /
 * --changed-since when given, else against the last audit in the history).
 * Paths are relative to %SRCROOT% (the audited folder); no absolute path is written.
 * Validated in tests against the OASIS schema and Microsoft's SARIF validator.
 */
import type * as Sarif from 'sarif';
import type { AuditReport } from '../model/audit-report.ts';
import type { Finding, Location, ToolDiagnostic } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { docsUrlOf } from '../engine/run-rules.ts';
import { firstSentence } from './markdown-text.ts';

const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const INFORMATION_URI = 'https://github.com/shipgate/shipgate';
/** The key under which the finding's fingerprint is published (versioned: a new fingerprint scheme gets a new key). */
export const FINGERPRINT_KEY = 'shipgateFingerprint/v1';
const SRCROOT = 'SRCROOT';

const LEVEL: Record<Severity, Sarif.Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub's bands: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.5', info: '0.0' };
const PRECISION = { high: 'high', medium: 'medium', low: 'low' } as const;
const PROBLEM_SEVERITY: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'recommendation', info: 'recommendation' };

export function renderSarif(report: AuditReport): string {
  const rules = [...report.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const baseline = baselineStates(report);

  const descriptors: Sarif.ReportingDescriptor[] = rules.map((rule) => {
    const cwe = rule.references?.cwe ?? [];
    const tags = [rule.category, ...(rule.category === 'security' ? ['security'] : []), ...cwe.map((c) => `external/cwe/cwe-${c}`), ...(rule.references?.owasp ?? []).map((o) => `owasp/${o}`)];
    return {
      id: rule.id,
      name: pascalCase(rule.id),
      shortDescription: { text: rule.title },
      fullDescription: { text: plain(firstSentence(rule.why)) },
      help: { text: plain(`${rule.why}\n\nHow to fix: ${rule.fix}`), markdown: `## Why it matters\n\n${rule.why}\n\n## How to fix\n\n${rule.fix}` },
      helpUri: docsUrlOf(rule.id),
      defaultConfiguration: { level: LEVEL[rule.severity] },
      properties: {
        tags: [...new Set(tags)],
        precision: PRECISION[rule.confidence],
        'problem.severity': PROBLEM_SEVERITY[rule.severity],
        ...(rule.category === 'security' ? { 'security-severity': SECURITY_SEVERITY[rule.severity] } : {}),
        severity: rule.severity,
        effortHours: rule.effortHours,
      },
    };
  });

  const results: Sarif.Result[] = report.findings.map((f) => result(f, ruleIndex, baseline));
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'shipgate',
        fullName: `shipgate ${report.tool.version} production-readiness auditor`,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: INFORMATION_URI,
        rules: descriptors,
      },
    },
    invocations: [invocation(report)],
    originalUriBaseIds: { [SRCROOT]: { description: { text: `The root of the audited repository (${report.target}); every artifact location is relative to it.` } } },
    results,
    columnKind: 'utf16CodeUnits',
    properties: {
      target: report.target,
      score: report.summary.score,
      grade: report.summary.grade,
      securityGrade: report.summary.securityGrade,
      verdict: report.summary.verdict,
      riskLevel: report.summary.riskLevel,
      ...(report.summary.commit ? { commit: report.summary.commit } : {}),
    },
  };
  const log: Sarif.Log = { $schema: SCHEMA_URI, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function result(f: Finding, ruleIndex: Map<string, number>, baseline: Map<string, Sarif.Result.baselineState>): Sarif.Result {
  const index = ruleIndex.get(f.ruleId);
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    kind: 'fail',
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: physicalLocation(f.location) }],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      id: f.id,
      severity: f.severity,
      priority: f.priority,
      confidence: f.confidence,
      category: f.category,
      effortHours: f.effortHours,
      status: f.status,
      ...(f.cwe.length ? { cwe: f.cwe.map((c) => `CWE-${c}`) } : {}),
      ...(f.parts?.length ? { parts: f.parts } : {}),
      ...(f.partOf ? { partOf: f.partOf } : {}),
    },
  };
  if (f.related.length)
    out.relatedLocations = f.related.map((r, i) => ({
      id: i + 1,
      physicalLocation: physicalLocation(r),
      ...(r.note ? { message: { text: r.note } } : {}),
    }));
  if (f.status !== 'open' && f.status !== 'fixed')
    out.suppressions = [
      {
        kind: f.triage?.source === 'inline' ? 'inSource' : 'external',
        status: 'accepted',
        justification: `${f.status}: ${f.triage?.reason ?? 'triaged'}${f.triage?.until ? ` (until ${f.triage.until})` : ''}`,
      },
    ];
  const state = baseline.get(f.id);
  if (state) out.baselineState = state;
  return out;
}

function physicalLocation(location: Location): Sarif.PhysicalLocation {
  const artifactLocation: Sarif.ArtifactLocation = { uri: encodeUri(location.file), uriBaseId: SRCROOT };
  if (!location.startLine) return { artifactLocation };
  const startLine = location.startLine;
  const endLine = Math.max(startLine, location.endLine ?? startLine);
  const hasColumns = location.startColumn !== undefined && location.endColumn !== undefined && (endLine > startLine || location.endColumn > location.startColumn);
  const region: Sarif.Region = { startLine, endLine, ...(hasColumns ? { startColumn: location.startColumn, endColumn: location.endColumn } : {}) };
  if (!location.snippet) return { artifactLocation, region };
  // The snippet holds whole lines: it is the region's text only when the region is whole lines; otherwise it is the context around it.
  if (!hasColumns) return { artifactLocation, region: { ...region, snippet: { text: location.snippet } } };
  return { artifactLocation, region, contextRegion: { startLine, endLine, snippet: { text: location.snippet } } };
}

function invocation(report: AuditReport): Sarif.Invocation {
  const notifications: Sarif.Notification[] = report.diagnostics.map((d) => notification(d));
  for (const s of report.skipped) notifications.push({ level: 'note', message: { text: `Skipped ${s.file}: ${s.reason}` }, locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(s.file.replace(/\/$/, '')), uriBaseId: SRCROOT } } }] });
  return {
    executionSuccessful: !report.outcomes.some((o) => o.status === 'error'),
    ...(report.summary.date ? { startTimeUtc: report.summary.date } : {}),
    ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
  };
}

function notification(d: ToolDiagnostic): Sarif.Notification {
  const level: Sarif.Notification.level = d.kind === 'rule-error' ? 'error' : d.kind === 'parse-error' || d.kind === 'read-error' ? 'warning' : 'note';
  return {
    level,
    message: { text: `${d.kind}: ${d.message}` },
    ...(d.file ? { locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(d.file), uriBaseId: SRCROOT } } }] } : {}),
  };
}

/** new / unchanged from the history's progress (a regression is new again); nothing without a previous audit. */
function baselineStates(report: AuditReport): Map<string, Sarif.Result.baselineState> {
  const out = new Map<string, Sarif.Result.baselineState>();
  // Against a baseline or a change (--baseline, --changed-since): new in scope, everything else unchanged.
  if (report.scope) {
    const fresh = new Set(report.scope.new);
    for (const f of report.findings) out.set(f.id, fresh.has(f.id) ? 'new' : 'unchanged');
    return out;
  }
  if (!report.progress) return out;
  for (const id of [...report.progress.new, ...report.progress.regressed]) out.set(id, 'new');
  for (const id of [...report.progress.stillOpen, ...report.progress.triaged, ...report.progress.reopened]) out.set(id, 'unchanged');
  return out;
}

/** A relative URI reference for a repository path: each segment percent-encoded, `/` kept. */
function encodeUri(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** Markdown → plain text for the `text` fields: code fences and inline markup dropped, prose kept. */
function plain(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
