/**
 * The shape of each source file, for the code-health rules, the metrics and the hotspot table:
 * lines, functions, classes and routes per file, which files are generated or migrations (not
 * judged as hand-written code), and how a large module could be split (its routes' prefixes, or
 * the nouns its function names share). Answered once per file and kept with the parsed file.
 */
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { Route } from '../model/repo-index.ts';

export interface FileStructure {
  path: string;
  /** Physical lines (`wc -l`). */
  lines: number;
  /** Lines that are not blank and not only a comment. */
  codeLines: number;
  /** Named functions and methods (Python `def`; JS/TS declarations, methods, and function values bound to a name). */
  functions: number;
  classes: number;
  /** Names of the module's top-level functions and classes (for the concern grouping of a large module). */
  topLevelNames: string[];
}

const structureCache = new WeakMap<ParsedFile, FileStructure>();

const PY_FUNCTION = { kind: 'function_definition' };
/**
 * Named JS/TS functions: declarations, methods, function values bound to a name
 * (`const handler = async (req, res) => …`), and inline route handlers (`app.get('/x', (req, res) => …)`).
 */
function jsFunctionRule(fieldKind: 'public_field_definition' | 'field_definition') {
  const named = { inside: { any: [{ kind: 'variable_declarator' }, { kind: 'pair' }, { kind: fieldKind }], stopBy: 'neighbor' as const } };
  const inlineHandler = {
    inside: {
      kind: 'arguments',
      stopBy: 'neighbor' as const,
      inside: { kind: 'call_expression', stopBy: 'neighbor' as const, has: { field: 'function', regex: '\\.(get|post|put|patch|delete|all|options|head)$' } },
    },
  };
  return {
    any: [
      { kind: 'function_declaration' },
      { kind: 'generator_function_declaration' },
      { kind: 'method_definition' },
      { kind: 'arrow_function', ...named },
      { kind: 'function_expression', ...named },
      { kind: 'arrow_function', ...inlineHandler },
      { kind: 'function_expression', ...inlineHandler },
    ],
  };
}
const TS_FUNCTION = jsFunctionRule('public_field_definition');
const JS_FUNCTION = jsFunctionRule('field_definition');

/** Lines, functions and classes of a Python or JS/TS file (memoised with the file). */
export function fileStructure(file: ParsedFile): FileStructure {
  let cached = structureCache.get(file);
  if (cached) return cached;
  const lines = file.lineCount;
  const codeLines = countCodeLines(file);
  let functions = 0;
  let classes = 0;
  const topLevelNames: string[] = [];
  if (file.ast && file.kind === 'python') {
    functions = file.findAll(PY_FUNCTION).length;
    classes = file.findAll({ kind: 'class_definition' }).length;
    for (const child of file.ast.children()) {
      const def = child.kind() === 'decorated_definition' ? child.field('definition') : child;
      const name = def && /^(function|class)_definition$/.test(String(def.kind())) ? def.field('name')?.text() : undefined;
      if (name) topLevelNames.push(name);
    }
  } else if (file.ast && file.kind === 'js') {
    functions = file.findAll(file.language === 'javascript' ? JS_FUNCTION : TS_FUNCTION).length;
    classes = file.findAll(file.language === 'javascript' ? { kind: 'class_declaration' } : { any: [{ kind: 'class_declaration' }, { kind: 'abstract_class_declaration' }] }).length;
    for (const node of file.ast.children()) topLevelNames.push(...jsDeclaredNames(node.kind() === 'export_statement' ? (node.field('declaration') ?? node) : node));
  }
  cached = { path: file.path, lines, codeLines, functions, classes, topLevelNames };
  structureCache.set(file, cached);
  return cached;
}

function jsDeclaredNames(node: SyntaxNode): string[] {
  if (/^(function_declaration|generator_function_declaration|class_declaration|abstract_class_declaration)$/.test(String(node.kind()))) {
    const name = node.field('name')?.text();
    return name ? [name] : [];
  }
  if (node.kind() === 'lexical_declaration' || node.kind() === 'variable_declaration')
    return node
      .children()
      .filter((d) => d.kind() === 'variable_declarator' && d.field('name')?.kind() === 'identifier' && /function|arrow/.test(String(d.field('value')?.kind() ?? '')))
      .map((d) => d.field('name')!.text());
  return [];
}

const COMMENT_ONLY = { python: /^\s*#/, js: /^\s*(\/\/|\/\*|\*)/ };

function countCodeLines(file: ParsedFile): number {
  const comment = file.kind === 'python' ? COMMENT_ONLY.python : file.kind === 'js' ? COMMENT_ONLY.js : undefined;
  let n = 0;
  let start = 0;
  const text = file.text;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    if (line.trim() && !(comment && comment.test(line))) n++;
    start = end + 1;
  }
  return n;
}

/** Generated-code markers tools write in a file's first lines (Go's convention, protoc, OpenAPI generators, Django, Alembic). */
const GENERATED_MARKER = /@generated|\bcode generated by\b|\bdo not edit\b|\bauto-?generated\b|\bgenerated by (django|alembic|protoc|openapi|the protocol buffer compiler)/i;
const GENERATED_NAME = /(_pb2(_grpc)?\.py|\.generated\.[cm]?[jt]sx?|\.gen\.[cm]?[jt]sx?|_generated\.py)$/;
const MIGRATION_PATH = /(^|\/)(migrations|alembic\/versions|migrate\/versions|prisma\/migrations|db\/migrate)\//;

/** Whether a file is hand-written code that ships: not a test, not a migration, not generated. */
export function isHandWrittenSource(file: ParsedFile): boolean {
  if ((file.kind !== 'python' && file.kind !== 'js') || file.isTest) return false;
  if (MIGRATION_PATH.test(file.path) || GENERATED_NAME.test(file.path)) return false;
  return !isGeneratedText(file);
}

const generatedCache = new WeakMap<ParsedFile, boolean>();
function isGeneratedText(file: ParsedFile): boolean {
  let cached = generatedCache.get(file);
  if (cached === undefined) {
    let head = '';
    for (let n = 1; n <= Math.min(5, file.lineCount); n++) head += `${file.line(n)}\n`;
    cached = GENERATED_MARKER.test(head);
    generatedCache.set(file, cached);
  }
  return cached;
}

/** Hand-written source files (python and js), in path order. */
export function handWrittenSources(files: ParsedFiles): ParsedFile[] {
  return [...files.ofKind('python'), ...files.ofKind('js')].filter(isHandWrittenSource).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Routes declared in each file (where the decorator or registration is), by path. */
export function routesByFile(routes: readonly Route[]): Map<string, Route[]> {
  const out = new Map<string, Route[]>();
  for (const route of routes) out.set(route.at.file, [...(out.get(route.at.file) ?? []), route]);
  return out;
}

/**
 * Thresholds for a monolithic module: a file crossing any number of a level is reported at that
 * level's severity (the highest level crossed). A 900-line module is nothing; a 130,000-line
 * `server.py` with 400 routes is high. Test files, migrations and generated code are not judged.
 */
export const MONOLITH_THRESHOLDS = {
  low: { lines: 2_000, routes: 40, functions: 120 },
  medium: { lines: 5_000, routes: 80, functions: 250 },
  high: { lines: 15_000, routes: 200, functions: 800 },
} as const;

export type MonolithLevel = keyof typeof MONOLITH_THRESHOLDS;

/** The highest threshold level a file crosses, and what crossed it; undefined below every level. */
export function monolithLevel(counts: { lines: number; routes: number; functions: number }): { level: MonolithLevel; crossed: ('lines' | 'routes' | 'functions')[] } | undefined {
  for (const level of ['high', 'medium', 'low'] as const) {
    const limits = MONOLITH_THRESHOLDS[level];
    const crossed = (['lines', 'routes', 'functions'] as const).filter((k) => counts[k] >= limits[k]);
    if (crossed.length) return { level, crossed };
  }
  return undefined;
}

/** Version and API prefixes that every route shares and that say nothing about the concern. */
const API_SEGMENT = /^(api|apis|rest|v\d+(\.\d+)?|latest|public|private)$/i;

/**
 * How a file's routes group by concern: the first path segment after API/version prefixes
 * (`/api/v1/chat/send` → `/api/v1/chat`), with counts, largest first.
 */
export function routePrefixes(routes: readonly Route[]): { prefix: string; routes: number }[] {
  const counts = new Map<string, number>();
  for (const route of routes) {
    const segments = route.path.split('/').filter(Boolean);
    const head: string[] = [];
    for (const segment of segments) {
      head.push(segment);
      if (!API_SEGMENT.test(segment)) break;
    }
    if (head.length && /^[{<:[]/.test(head[head.length - 1])) head.pop();
    const concern = `/${head.join('/')}`;
    counts.set(concern, (counts.get(concern) ?? 0) + 1);
  }
  return [...counts].map(([prefix, n]) => ({ prefix, routes: n })).sort((a, b) => b.routes - a.routes || (a.prefix < b.prefix ? -1 : 1));
}

/** Verbs and filler words that say what a function does, not what it is about. */
const NAME_NOISE = new Set(
  'get set create update delete remove list add handle process build make fetch load save is has to from with for on do run init new read write parse format validate check compute calc calculate render send find search and or of the by all api async sync helper helpers util utils internal private base default main test app'.split(
    ' ',
  ),
);

/**
 * What a route-less module's functions are about: the first meaningful word of each top-level
 * name (`create_invoice`, `InvoiceRenderer` → `invoice`), with counts, largest first.
 */
export function nameConcerns(names: readonly string[]): { concern: string; names: number }[] {
  const counts = new Map<string, number>();
  for (const name of names) {
    const words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[_\W]+/)
      .filter((w) => w.length > 2 && !NAME_NOISE.has(w));
    const word = words[0]?.replace(/(ies)$/, 'y').replace(/([^s])s$/, '$1');
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].map(([concern, n]) => ({ concern, names: n })).sort((a, b) => b.names - a.names || (a.concern < b.concern ? -1 : 1));
}
