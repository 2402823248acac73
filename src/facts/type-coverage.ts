/**
 * How much of the code is typed: for Python, the share of function parameters and return values
 * that carry an annotation (the measure of mypy's `--linecoverage`-style reports and of the
 * HypnoAgent reference's "Type Hint Coverage: ~70%"); for TypeScript, explicit `any` per 1,000
 * lines (typescript-eslint's `no-explicit-any`, counted). Hand-written shipped code only.
 */
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { pyClassOf, pyParameters } from '../parse/python-syntax.ts';
import { fileStructure, handWrittenSources } from './code-structure.ts';

export interface PythonAnnotationFile {
  file: string;
  slots: number;
  annotated: number;
  lines: number;
}

export interface PythonAnnotationCoverage {
  /** Parameters (without `self`/`cls`, `*args`, `**kwargs`) and return values (without `__init__`'s). */
  slots: number;
  annotated: number;
  /** annotated / slots × 100, one decimal; null when there are no functions. */
  percent: number | null;
  files: number;
  /** Code lines of the measured files. */
  lines: number;
  perFile: PythonAnnotationFile[];
}

export interface TypescriptAnyDensity {
  /** Explicit `any` in type positions (`: any`, `as any`, `any[]`, `Record<string, any>`). */
  count: number;
  /** Code lines of the TypeScript files measured (.ts, .tsx, .mts, .cts). */
  lines: number;
  /** count per 1,000 lines, one decimal; null when there is no TypeScript. */
  perThousandLines: number | null;
  files: number;
  perFile: { file: string; count: number; lines: number }[];
}

const pyCache = new WeakMap<ParsedFiles, PythonAnnotationCoverage>();
const tsCache = new WeakMap<ParsedFiles, TypescriptAnyDensity>();

/** Annotation slots of one Python file. */
export function pythonAnnotationSlots(file: ParsedFile): { slots: number; annotated: number } {
  let slots = 0;
  let annotated = 0;
  for (const fn of file.findAll({ kind: 'function_definition' })) {
    const isMethod = pyClassOf(fn) !== undefined;
    const params = pyParameters(fn);
    params.forEach((p, i) => {
      if (!p.name || (i === 0 && isMethod && (p.name === 'self' || p.name === 'cls' || p.name === 'mcs'))) return;
      slots++;
      if (p.annotation) annotated++;
    });
    if (fn.field('name')?.text() !== '__init__') {
      slots++;
      if (fn.field('return_type')) annotated++;
    }
  }
  return { slots, annotated };
}

export function measurePythonAnnotations(files: ParsedFiles): PythonAnnotationCoverage {
  const cached = pyCache.get(files);
  if (cached) return cached;
  const perFile: PythonAnnotationFile[] = [];
  for (const file of handWrittenSources(files)) {
    if (file.kind !== 'python' || !file.ast) continue;
    const { slots, annotated } = pythonAnnotationSlots(file);
    if (slots) perFile.push({ file: file.path, slots, annotated, lines: fileStructure(file).codeLines });
  }
  const slots = perFile.reduce((s, f) => s + f.slots, 0);
  const annotated = perFile.reduce((s, f) => s + f.annotated, 0);
  const result: PythonAnnotationCoverage = {
    slots,
    annotated,
    percent: slots ? Math.round((annotated / slots) * 1000) / 10 : null,
    files: perFile.length,
    lines: perFile.reduce((s, f) => s + f.lines, 0),
    perFile,
  };
  pyCache.set(files, result);
  return result;
}

const ANY_TYPE = { kind: 'predefined_type', regex: '^any$' };

export function measureTypescriptAny(files: ParsedFiles): TypescriptAnyDensity {
  const cached = tsCache.get(files);
  if (cached) return cached;
  const perFile: TypescriptAnyDensity['perFile'] = [];
  for (const file of handWrittenSources(files)) {
    if (file.kind !== 'js' || (file.language !== 'typescript' && file.language !== 'tsx') || !file.ast) continue;
    const count = /\bany\b/.test(file.text) ? file.findAll(ANY_TYPE).length : 0;
    perFile.push({ file: file.path, count, lines: fileStructure(file).codeLines });
  }
  const count = perFile.reduce((s, f) => s + f.count, 0);
  const lines = perFile.reduce((s, f) => s + f.lines, 0);
  const result: TypescriptAnyDensity = {
    count,
    lines,
    perThousandLines: lines ? Math.round((count / lines) * 10_000) / 10 : null,
    files: perFile.length,
    perFile,
  };
  tsCache.set(files, result);
  return result;
}
