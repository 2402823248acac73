/**
 * The per-file hotspot table of the ActorHub reference ("Router Issues Summary": error handling /
 * input validation / security per file), from the open findings.
 *
 * Every open finding counts once, in the column its rule's scorecard row and category choose:
 *
 * | column          | scorecard rows                                                               |
 * |-----------------|------------------------------------------------------------------------------|
 * | errorHandling   | Error Handling (swallowed exceptions, no global handler), Resilience (timeouts, retries) |
 * | inputValidation | Request Validation (bodies without a schema), Input Validation (request data reaching SSRF, path, command, code, header and deserialisation sinks), File Upload Security |
 * | security        | every other row of a `security` rule (authentication, authorization, secrets, SQL injection, CORS, webhooks, debug exposure …) |
 * | other           | everything else (concurrency, data model, completeness, code structure …)    |
 *
 * A compound finding is not counted (its parts are, where they are). Findings count at their
 * primary location. Files with no open finding are left out; the rest sort by the three columns'
 * sum, then `other`, then path.
 */
import type { FileHotspot } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex } from '../model/repo-index.ts';
import type { RuleMeta, ScorecardRow } from '../model/rule.ts';
import { fileStructure, routesByFile } from '../facts/code-structure.ts';

export type HotspotColumn = 'errorHandling' | 'inputValidation' | 'security' | 'other';

export const ERROR_HANDLING_ROWS: ReadonlySet<ScorecardRow> = new Set(['Error Handling', 'Resilience']);
export const INPUT_VALIDATION_ROWS: ReadonlySet<ScorecardRow> = new Set(['Request Validation', 'Input Validation', 'File Upload Security']);

/** The column a finding counts in (see the table above). */
export function hotspotColumn(finding: Finding, meta: Pick<RuleMeta, 'scorecard' | 'category'> | undefined): HotspotColumn {
  const row = meta?.scorecard;
  if (row && ERROR_HANDLING_ROWS.has(row)) return 'errorHandling';
  if (row && INPUT_VALIDATION_ROWS.has(row)) return 'inputValidation';
  if ((meta?.category ?? finding.category) === 'security') return 'security';
  return 'other';
}

export function fileHotspots(index: RepoIndex, files: ParsedFiles, findings: readonly Finding[], metas: ReadonlyMap<string, RuleMeta>): FileHotspot[] {
  const routes = routesByFile(index.routes);
  const rows = new Map<string, FileHotspot>();
  for (const finding of findings) {
    if (finding.status !== 'open' || finding.parts?.length) continue;
    const path = finding.location.file;
    let row = rows.get(path);
    if (!row) {
      const parsed = files.get(path);
      const structure = parsed && (parsed.kind === 'python' || parsed.kind === 'js') ? fileStructure(parsed) : undefined;
      row = {
        file: path,
        lines: parsed?.lineCount ?? 0,
        routes: routes.get(path)?.length ?? 0,
        functions: structure?.functions ?? 0,
        errorHandling: 0,
        inputValidation: 0,
        security: 0,
        other: 0,
        total: 0,
        findings: [],
      };
      rows.set(path, row);
    }
    row[hotspotColumn(finding, metas.get(finding.ruleId))]++;
    row.total++;
    row.findings.push(finding.id);
  }
  const main = (h: FileHotspot) => h.errorHandling + h.inputValidation + h.security;
  return [...rows.values()].sort((a, b) => main(b) - main(a) || b.other - a.other || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
