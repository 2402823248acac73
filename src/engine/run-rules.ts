import type { Finding, Location, Priority, RuleOutcome, ToolDiagnostic } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex } from '../model/repo-index.ts';
import type { ReportInput, Severity } from '../model/rule.ts';
import { fingerprintOf } from './fingerprint.ts';
import type { SelectedRule } from './select-rules.ts';

export const DOCS_BASE = 'https://github.com/shipgate/shipgate/blob/main/docs/rules';
export const docsUrlOf = (ruleId: string) => `${DOCS_BASE}/${ruleId}.md`;

export const PRIORITY_OF: Record<Severity, Priority> = { critical: 'P0', high: 'P1', medium: 'P2', low: 'P3', info: 'P3' };

export interface RunResult {
  outcomes: RuleOutcome[];
  /** Every secret value any rule reported: redacted from all output. */
  secrets: string[];
  diagnostics: ToolDiagnostic[];
  /** Compound findings' chains, by fingerprint: compound → its parts' fingerprints in chain order (linked after ids are assigned). */
  compoundParts: Map<string, string[]>;
}

/**
 * Run each applicable rule in isolation: a crash becomes an `error` outcome, never a lost audit.
 * Ordinary rules run first; rules with `meta.requires` (compound findings, the claims check) run
 * after them and read their findings.
 */
export function runRules(selected: SelectedRule[], context: { index: RepoIndex; files: ParsedFiles }): RunResult {
  const result: RunResult = { outcomes: [], secrets: [], diagnostics: [], compoundParts: new Map() };
  const anchors = routeAnchors(context.index);
  const dependent = (s: SelectedRule) => (s.rule.meta.requires?.length ?? 0) > 0;
  const earlier: Finding[] = [];
  for (const s of selected.filter((s) => !dependent(s))) earlier.push(...runOne(s, context, [], result, anchors));
  const visible: readonly Finding[] = Object.freeze([...earlier]);
  for (const s of selected.filter(dependent)) runOne(s, context, visible, result, anchors);
  // Report outcomes in the order the rules were selected, whatever order they ran in.
  const order = new Map(selected.map((s, i) => [s.rule.meta.id, i]));
  result.outcomes.sort((a, b) => (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0));
  return result;
}

function runOne(
  { rule, applicable, severityOverride }: SelectedRule,
  context: { index: RepoIndex; files: ParsedFiles },
  findingsSoFar: readonly Finding[],
  result: RunResult,
  anchors: Map<string, string>,
): Finding[] {
  const { meta } = rule;
  const { outcomes, secrets, diagnostics } = result;
  if (!applicable) {
    outcomes.push({ ruleId: meta.id, status: 'not-applicable', findings: [], durationMs: 0 });
    return [];
  }
  const reports: ReportInput<string>[] = [];
  const started = performance.now();
  try {
    rule.check({ index: context.index, files: context.files, findings: findingsSoFar, report: (r) => reports.push(r) });
  } catch (error) {
    const message = error instanceof Error ? `${error.message}` : String(error);
    outcomes.push({ ruleId: meta.id, status: 'error', findings: [], error: message, durationMs: performance.now() - started });
    diagnostics.push({ kind: 'rule-error', message: `rule ${meta.id} crashed and was skipped: ${message}` });
    return [];
  }
  const occurrences = new Map<string, number>();
  const findings: Finding[] = reports.map((r) => {
    for (const s of r.secrets ?? []) secrets.push(s);
    const data = r.data ?? {};
    const findingSeverity = severityOverride ?? r.severity ?? meta.severity;
    // A finding anchored on a route is identified by the route, not by the decorator lines: adding
    // `@login_required` to fix one finding must not give the route's other findings new identities.
    const route = anchors.get(`${r.at.file}\0${r.at.startLine}`);
    const snippet = route ?? r.at.snippet ?? '';
    const occurrenceKey = `${r.at.file}\0${snippet}\0${r.messageId}`;
    const occurrence = occurrences.get(occurrenceKey) ?? 0;
    occurrences.set(occurrenceKey, occurrence + 1);
    const fingerprint = fingerprintOf(meta.id, r.at.file, `${r.messageId}\0${snippet}`, r.at.keyPath, occurrence);
    if (r.parts?.length) result.compoundParts.set(fingerprint, r.parts.map((p) => p.fingerprint));
    return {
      id: '',
      ruleId: meta.id,
      messageId: r.messageId,
      title: meta.title,
      message: renderMessage(meta.messages[r.messageId] ?? r.messageId, data),
      data,
      category: meta.category,
      severity: findingSeverity,
      priority: PRIORITY_OF[findingSeverity],
      confidence: r.confidence ?? meta.confidence,
      cwe: meta.references?.cwe ?? [],
      owasp: meta.references?.owasp ?? [],
      location: r.at,
      related: r.related ?? [],
      risk: meta.why,
      fix: meta.fix,
      effortHours: meta.effortHours,
      fingerprint,
      status: 'open',
      docsUrl: docsUrlOf(meta.id),
    };
  });
  outcomes.push({ ruleId: meta.id, status: findings.length ? 'failed' : 'passed', findings, durationMs: performance.now() - started });
  return findings;
}

/** `file\0line` of each route declaration → the route's identity (`route POST /voice/gather gather_speech`). */
function routeAnchors(index: RepoIndex): Map<string, string> {
  const anchors = new Map<string, string[]>();
  for (const route of index.routes) {
    const key = `${route.at.file}\0${route.at.startLine}`;
    anchors.set(key, [...(anchors.get(key) ?? []), `${route.method} ${route.path} ${route.handler.name}`]);
  }
  return new Map([...anchors].map(([key, ids]) => [key, `route ${[...new Set(ids)].sort().join(', ')}`]));
}

/**
 * Fill `{{name}}` placeholders. Inside a code span (`` `{{name}}` ``) backticks in the value
 * become quotes, so a JS template literal cannot break the span; elsewhere the value is kept.
 */
export function renderMessage(template: string, data: Record<string, string>): string {
  return template.replace(/(`?)\{\{\s*(\w+)\s*\}\}/g, (_, tick: string, name: string) => {
    const value = data[name];
    if (value === undefined) return `${tick}{{${name}}}`;
    return tick ? tick + value.replace(/`/g, "'") : value;
  });
}

export function compareLocations(a: Location, b: Location): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : (a.startLine ?? 0) - (b.startLine ?? 0) || (a.startColumn ?? 0) - (b.startColumn ?? 0);
}
