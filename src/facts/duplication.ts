/**
 * Copy-paste detection over the hand-written source files: each file is reduced to its
 * normalised lines (white space folded; blank lines, comments, lone punctuation and import lines
 * dropped), every window of DUPLICATION_WINDOW consecutive normalised lines is hashed, and a
 * line is duplicated when a window that covers it occurs again somewhere (another file or another
 * place of the same file). One pass over the lines and one hash table: linear in the code size.
 *
 * This is the measure of jscpd, PMD CPD and SonarQube's "duplicated lines density", on exact
 * normalised text (renamed copies are not counted: a repeated shape is often legitimate boilerplate).
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { handWrittenSources } from './code-structure.ts';

/** Consecutive normalised lines that make a clone (the `duplicates` tool and jscpd's default are 5–6). */
export const DUPLICATION_WINDOW = 6;
/** A window with less text than this (white space excluded) is too thin to count (`}` `else:` `return None` runs). */
const MIN_WINDOW_CHARS = 60;

export interface CloneBlock {
  /** Normalised lines the two places share. */
  lines: number;
  /** The places, first occurrence first (file order, then line). */
  places: Location[];
}

export interface DuplicationFacts {
  /** Normalised source lines measured. */
  sourceLines: number;
  duplicatedLines: number;
  /** duplicatedLines / sourceLines × 100, one decimal; null when there is no source. */
  percent: number | null;
  files: number;
  /** Duplicated normalised lines per file. */
  perFile: Map<string, number>;
  /** The largest clones, largest first (at most 20). */
  largest: CloneBlock[];
}

interface Normalised {
  file: ParsedFile;
  /** Interned ids of the kept lines. */
  ids: number[];
  /** Original 1-based line number of each kept line. */
  lineNumbers: number[];
  /** Non-space characters of each kept line. */
  weights: number[];
}

const IMPORT_LINE = /^(import\s|from\s+\S+\s+import\s|export\s+\*\s+from\s|export\s+\{[^}]*\}\s+from\s|(const|let|var)\s+[\w{},\s]+=\s*require\()/;
const PUNCTUATION_ONLY = /^[\s()[\]{};,.:]*$/;
const cache = new WeakMap<ParsedFiles, DuplicationFacts>();

/** Duplication of the repository's hand-written source (memoised per file set). */
export function measureDuplication(files: ParsedFiles): DuplicationFacts {
  const cached = cache.get(files);
  if (cached) return cached;
  const intern = new Map<string, number>();
  const sources = handWrittenSources(files).map((file) => normalise(file, intern));
  const windows = new Map<string, number[]>();
  // Window positions packed as fileIndex * 2^26 + lineIndex (files below 67M kept lines).
  const SHIFT = 2 ** 26;
  sources.forEach((source, fileIndex) => {
    const { ids, weights } = source;
    let weight = 0;
    for (let i = 0; i < ids.length; i++) {
      weight += weights[i];
      if (i >= DUPLICATION_WINDOW) weight -= weights[i - DUPLICATION_WINDOW];
      if (i < DUPLICATION_WINDOW - 1 || weight < MIN_WINDOW_CHARS) continue;
      const start = i - DUPLICATION_WINDOW + 1;
      const key = ids.slice(start, i + 1).join(',');
      const list = windows.get(key);
      if (list) list.push(fileIndex * SHIFT + start);
      else windows.set(key, [fileIndex * SHIFT + start]);
    }
  });

  const duplicated = sources.map((s) => new Uint8Array(s.ids.length));
  const pairs: [number, number][] = [];
  for (const positions of windows.values()) {
    if (positions.length < 2) continue;
    for (const position of positions) {
      const fileIndex = Math.floor(position / SHIFT);
      const start = position % SHIFT;
      duplicated[fileIndex].fill(1, start, start + DUPLICATION_WINDOW);
    }
    pairs.push([positions[0], positions[1]]);
  }

  const perFile = new Map<string, number>();
  let duplicatedLines = 0;
  let sourceLines = 0;
  sources.forEach((source, i) => {
    const n = duplicated[i].reduce((sum, v) => sum + v, 0);
    sourceLines += source.ids.length;
    duplicatedLines += n;
    if (n) perFile.set(source.file.path, n);
  });

  const facts: DuplicationFacts = {
    sourceLines,
    duplicatedLines,
    percent: sourceLines ? Math.round((duplicatedLines / sourceLines) * 1000) / 10 : null,
    files: sources.length,
    perFile,
    largest: largestClones(sources, pairs, SHIFT),
  };
  cache.set(files, facts);
  return facts;
}

function normalise(file: ParsedFile, intern: Map<string, number>): Normalised {
  const out: Normalised = { file, ids: [], lineNumbers: [], weights: [] };
  const python = file.kind === 'python';
  let inBlockComment = false;
  for (let n = 1; n <= file.lineCount; n++) {
    const line = file.line(n).trim().replace(/\s+/g, ' ');
    if (!python) {
      if (inBlockComment) {
        if (line.includes('*/')) inBlockComment = false;
        continue;
      }
      if (line.startsWith('/*')) {
        inBlockComment = !line.includes('*/');
        continue;
      }
    }
    if (!line || (python ? line.startsWith('#') : line.startsWith('//')) || PUNCTUATION_ONLY.test(line) || IMPORT_LINE.test(line)) continue;
    let id = intern.get(line);
    if (id === undefined) intern.set(line, (id = intern.size));
    out.ids.push(id);
    out.lineNumbers.push(n);
    out.weights.push(line.replace(/\s/g, '').length);
  }
  return out;
}

/** Grow each repeated window pair into the longest run the two places share; keep the largest distinct runs. */
function largestClones(sources: Normalised[], pairs: [number, number][], shift: number): CloneBlock[] {
  const blocks: { lines: number; a: [number, number]; b: [number, number] }[] = [];
  const covered = new Set<string>();
  // Longest runs first would need every pair grown; pairs are few after the first-occurrence pick.
  for (const [pa, pb] of pairs) {
    const fa = Math.floor(pa / shift);
    const fb = Math.floor(pb / shift);
    let a = pa % shift;
    let b = pb % shift;
    const key = `${fa}:${a}:${fb}:${b}`;
    if (covered.has(key)) continue;
    const ia = sources[fa].ids;
    const ib = sources[fb].ids;
    // Extend backwards, then forwards.
    while (a > 0 && b > 0 && ia[a - 1] === ib[b - 1] && !(fa === fb && a - 1 === b)) {
      a--;
      b--;
    }
    let length = 0;
    while (a + length < ia.length && b + length < ib.length && ia[a + length] === ib[b + length] && !(fa === fb && a + length === b)) length++;
    for (let k = 0; k + DUPLICATION_WINDOW <= length; k++) covered.add(`${fa}:${a + k}:${fb}:${b + k}`);
    if (length >= DUPLICATION_WINDOW) blocks.push({ lines: length, a: [fa, a], b: [fb, b] });
  }
  const unique = new Map<string, (typeof blocks)[number]>();
  for (const block of blocks) {
    const key = `${block.a[0]}:${block.a[1]}:${block.b[0]}:${block.b[1]}`;
    if (!unique.has(key)) unique.set(key, block);
  }
  const place = ([fileIndex, start]: [number, number], length: number): Location => {
    const source = sources[fileIndex];
    return source.file.locateLines(source.lineNumbers[start], source.lineNumbers[start + length - 1]);
  };
  return [...unique.values()]
    .sort((x, y) => y.lines - x.lines || sources[x.a[0]].file.path.localeCompare(sources[y.a[0]].file.path) || x.a[1] - y.a[1])
    .slice(0, 20)
    .map((block) => ({ lines: block.lines, places: [place(block.a, block.lines), place(block.b, block.lines)] }));
}
