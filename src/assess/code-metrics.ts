/**
 * The report's "Detailed Metrics" (the HypnoAgent reference: files, lines, type-hint coverage,
 * duplication): measured from the parsed files and the route model, no findings needed.
 */
import type { ClaimCheck, CodeMetrics } from '../model/audit-report.ts';
import type { ScorecardRow } from '../model/rule.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex } from '../model/repo-index.ts';
import { fileStructure, handWrittenSources, routesByFile } from '../facts/code-structure.ts';
import { measureDuplication } from '../facts/duplication.ts';
import { codeMarkers } from '../facts/code-markers.ts';
import { measurePythonAnnotations, measureTypescriptAny } from '../facts/type-coverage.ts';

/** How many of the largest files the metrics list. */
const LARGEST_FILES = 10;
/** How many markers the metrics list with their places (all are counted). */
const LISTED_MARKERS = 25;

export function measureCode(index: RepoIndex, files: ParsedFiles): CodeMetrics {
  const filesByKind: Record<string, number> = {};
  for (const file of files.all) filesByKind[file.kind] = (filesByKind[file.kind] ?? 0) + 1;
  const sources = handWrittenSources(files);
  const routes = routesByFile(index.routes);
  const sourceLines = { python: 0, js: 0 };
  const sized = sources.map((file) => {
    const s = fileStructure(file);
    sourceLines[file.kind === 'python' ? 'python' : 'js'] += s.codeLines;
    return { file: file.path, lines: s.lines, routes: routes.get(file.path)?.length ?? 0, functions: s.functions };
  });
  const largestFiles = sized.sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : 1)).slice(0, LARGEST_FILES);

  const duplication = measureDuplication(files);
  const annotations = measurePythonAnnotations(files);
  const any = measureTypescriptAny(files);
  const markers = codeMarkers(files);
  const byMarker: Record<string, number> = {};
  for (const m of markers) byMarker[m.kind] = (byMarker[m.kind] ?? 0) + 1;

  const isSource = (kind: string) => kind === 'python' || kind === 'js';
  return {
    files: {
      python: files.ofKind('python').filter((f) => !f.isTest).length,
      js: files.ofKind('js').filter((f) => !f.isTest).length,
      test: files.all.filter((f) => f.isTest && isSource(f.kind)).length,
      total: files.all.length,
    },
    filesByKind: Object.fromEntries(Object.entries(filesByKind).sort(([a], [b]) => (a < b ? -1 : 1))),
    sourceLines,
    largestFiles,
    duplicationPercent: duplication.percent,
    duplication: { sourceLines: duplication.sourceLines, duplicatedLines: duplication.duplicatedLines, largest: duplication.largest.slice(0, 5) },
    typeAnnotationCoverage: annotations.percent,
    typeAnnotations: { slots: annotations.slots, annotated: annotations.annotated, files: annotations.files },
    anyPerThousandLines: any.perThousandLines,
    anyUsage: { count: any.count, lines: any.lines, files: any.files },
    todoMarkers: markers.length,
    todoMarkerDetail: { byMarker, first: markers.slice(0, LISTED_MARKERS).map((m) => ({ marker: m.kind, text: m.text.slice(0, 120), at: m.at })) },
  };
}

/**
 * One line of evidence for the code-health and claims scorecard rows (like the reference audits'
 * "Type Hint Coverage: ~70%"), prefixed to the rule-derived notes.
 */
export function codeHealthNotes(metrics: CodeMetrics | undefined, claims: ClaimCheck[] | undefined): Partial<Record<ScorecardRow, string>> {
  const notes: Partial<Record<ScorecardRow, string>> = {};
  if (metrics) {
    const largest = metrics.largestFiles[0];
    if (largest) notes['Code Structure'] = `largest file \`${largest.file}\`: ${largest.lines.toLocaleString('en-US')} lines, ${largest.routes} routes, ${largest.functions} functions`;
    if (metrics.duplicationPercent !== null) notes.Duplication = `${metrics.duplicationPercent}% of ${metrics.duplication.sourceLines.toLocaleString('en-US')} source lines duplicated`;
    const typing = [
      ...(metrics.typeAnnotationCoverage !== null ? [`Python annotations ${metrics.typeAnnotationCoverage}%`] : []),
      ...(metrics.anyPerThousandLines !== null ? [`TypeScript \`any\` ${metrics.anyPerThousandLines} per 1,000 lines`] : []),
    ];
    if (typing.length) notes['Type Safety'] = typing.join(', ');
  }
  if (claims?.length) {
    const count = (s: ClaimCheck['status']) => claims.filter((c) => c.status === s).length;
    notes['Claims vs Reality'] = `${claims.length} documented claim${claims.length === 1 ? '' : 's'}: ${count('VERIFIED')} verified, ${count('CONTRADICTED')} contradicted, ${count('UNKNOWN')} unknown`;
  }
  return notes;
}
