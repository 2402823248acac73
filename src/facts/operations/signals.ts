/**
 * The unit of operations evidence: one thing found in the repository that a scorecard row or a
 * rule can cite ("Sentry initialised", "HorizontalPodAutoscaler api 2–10 replicas"), with its
 * place. Shared by every operations fact family.
 */
export { baseName, dirOf } from '../repo-paths.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';

export interface Signal {
  /** Machine key of what was found: `sentry`, `prometheus`, `k8s-hpa`, `alembic` … */
  kind: string;
  /** Plain words for reports: "Sentry initialised (traces_sample_rate=0.1)". */
  label: string;
  /** Where; `note` repeats the label so evidence lists read on their own. */
  at: Location;
}

/** A signal on a line range of a file. */
export function signalAt(file: ParsedFile, kind: string, label: string, startLine: number, endLine = startLine): Signal {
  return { kind, label, at: { ...file.locateLines(startLine, endLine), note: label } };
}

/** A signal at a character offset of a file (regex matches on text). */
export function signalAtOffset(file: ParsedFile, kind: string, label: string, offset: number): Signal {
  return signalAt(file, kind, label, file.position(offset).line);
}

/** A signal for a whole file (no line: a folder of migrations, a SECURITY.md). */
export function signalOfFile(path: string, kind: string, label: string): Signal {
  return { kind, label, at: { file: path, note: label } };
}



/** Is `path` inside folder `dir` ('' is the repository root)? */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/** Signals sorted by file and line, one per place and kind. */
export function sortSignals<S extends Signal>(signals: S[]): S[] {
  const seen = new Set<string>();
  return signals
    .filter((s) => {
      const key = `${s.kind}\0${s.at.file}\0${s.at.startLine ?? 0}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)));
}

/** "backend/app/main.py:12" */
export function formatAt(at: Location): string {
  return at.startLine ? `${at.file}:${at.startLine}` : at.file;
}

/** Every match of a global regex in a file's text, with its 1-based line. */
export function matchLines(file: ParsedFile, re: RegExp): { match: RegExpExecArray; line: number }[] {
  const out: { match: RegExpExecArray; line: number }[] = [];
  const global = re.global ? re : new RegExp(re.source, `${re.flags}g`);
  global.lastIndex = 0;
  for (let m = global.exec(file.text); m; m = global.exec(file.text)) {
    out.push({ match: m, line: file.position(m.index).line });
    if (m[0] === '') global.lastIndex++;
  }
  return out;
}

/** A document's headings with their levels: parsed Markdown blocks for .md/.mdx, a fence-aware line reader otherwise (reStructuredText underlines, plain text). */
export function documentHeadings(file: ParsedFile): { text: string; line: number; depth: number }[] {
  if (file.markdown) return file.markdown.filter((b) => b.kind === 'heading').map((b) => ({ text: b.text, line: b.line, depth: b.depth ?? 1 }));
  const out: { text: string; line: number; depth: number }[] = [];
  const lines = file.text.split('\n');
  let fenced = false;
  lines.forEach((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) fenced = !fenced;
    if (fenced) return;
    const md = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(raw);
    if (md) out.push({ text: md[2], line: i + 1, depth: md[1].length });
    else if (raw.trim() && i + 1 < lines.length && /^[=\-~^"]{3,}\s*$/.test(lines[i + 1]) && !/^[=\-~^"]{3,}\s*$/.test(raw)) out.push({ text: raw.trim(), line: i + 1, depth: lines[i + 1].trim().startsWith('=') ? 1 : 2 });
  });
  return out;
}

/** The text of a document section from its heading to the next heading of the same or a higher level (code included). */
export function sectionText(file: ParsedFile, headingLine: number): string {
  const headings = documentHeadings(file);
  const index = headings.findIndex((h) => h.line === headingLine);
  if (index < 0) return '';
  const level = headings[index].depth;
  const next = headings.slice(index + 1).find((h) => h.depth <= level);
  const end = next ? next.line - 1 : file.lineCount;
  const out: string[] = [];
  for (let n = headingLine + 1; n <= end; n++) out.push(file.line(n));
  return out.join('\n').replace(/^[=\-~^"]{3,}\s*$/m, '').trim();
}
