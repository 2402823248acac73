/**
 * The only module that imports the syntax-tree library. Rules and facts use the re-exported
 * types and the helpers here, so a change of parser stays in this folder.
 */
import { Lang, parse, registerDynamicLanguage, type NapiConfig, type SgNode } from '@ast-grep/napi';
import python from '@ast-grep/lang-python';
import type { SourceLanguage } from '../model/parsed-file.ts';

export type SyntaxNode = SgNode;
export type SyntaxRule = NapiConfig['rule'];

let pythonRegistered = false;
function ensurePython(): void {
  if (pythonRegistered) return;
  // lang-python's type declaration predates napi 0.51's LangRegistration shape; the runtime object matches.
  registerDynamicLanguage({ python: python as unknown as Parameters<typeof registerDynamicLanguage>[0][string] });
  pythonRegistered = true;
}

const LANGS: Record<SourceLanguage, Lang | string> = {
  python: 'python',
  typescript: Lang.TypeScript,
  tsx: Lang.Tsx,
  javascript: Lang.JavaScript,
};

/** Parse source text into a syntax tree root. Throws on internal parser failure only. */
export function parseSource(language: SourceLanguage, text: string): SyntaxNode {
  if (language === 'python') ensurePython();
  return parse(LANGS[language] as Lang, text).root();
}

/**
 * ERROR nodes, or MISSING nodes (the zero-width tokens tree-sitter inserts to recover, e.g. the `)`
 * of `def f(:`; the only empty-text nodes besides the root of an empty file). The tree stays usable.
 */
export function hasSyntaxError(root: SyntaxNode): boolean {
  const hit = root.find({ rule: { any: [{ kind: 'ERROR' }, { regex: '^$' }] } });
  return hit !== null && hit.kind() !== root.kind();
}

export function findAllIn(root: SyntaxNode, rule: SyntaxRule | string): SyntaxNode[] {
  return typeof rule === 'string' ? root.findAll(rule) : root.findAll({ rule });
}

/**
 * Call nodes whose callee text matches `callee`, filtered inside the native matcher when the
 * pattern is valid there (Rust regex lacks look-around), so JS only sees the candidates.
 */
export function findCallsByCallee(root: SyntaxNode, callKind: 'call' | 'call_expression', callee: RegExp): SyntaxNode[] {
  const nativePattern = nativeRegex(callee);
  const candidates = nativePattern
    ? root.findAll({ rule: { kind: callKind, has: { field: 'function', regex: nativePattern } } })
    : root.findAll({ rule: { kind: callKind } });
  return candidates.filter((node) => {
    const fn = node.field('function');
    return fn !== null && callee.test(fn.text());
  });
}

const nativeRegexCache = new Map<string, string | null>();
function nativeRegex(pattern: RegExp): string | null {
  const key = `${pattern.source}/${pattern.flags}`;
  let cached = nativeRegexCache.get(key);
  if (cached !== undefined) return cached;
  cached = /\(\?<?[=!]|\\[1-9]|\(\?<[a-zA-Z]/.test(pattern.source) || /[^i]/.test(pattern.flags.replace(/[gmsuy]/g, '')) ? null : (pattern.flags.includes('i') ? `(?i)${pattern.source}` : pattern.source);
  nativeRegexCache.set(key, cached);
  return cached;
}

/**
 * Source text for a one-line message code span: whitespace folded, backticks turned into quotes
 * (a backtick would end the Markdown span), cut to `max` characters with an ellipsis.
 */
export function codeSpanText(node: SyntaxNode | string, max = 70): string {
  const text = (typeof node === 'string' ? node : node.text()).replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  return text.length > max ? `${text.slice(0, max - 3)}…` : text;
}

/**
 * `a`, `a and b`, `a, b and c` for messages; more than `max` items end in "and N more <noun>"
 * (`joinWords(routes, 'routes')` → "GET /a, POST /b, PUT /c and 2 more routes").
 */
export function joinWords(items: string[], noun = '', max = 4): string {
  if (items.length > max) return `${items.slice(0, max - 1).join(', ')} and ${items.length - max + 1} more${noun ? ` ${noun}` : ''}`;
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `apiKey`, `api-key`, `API.Key` → `api_key`: one spelling to match secret-ish names against. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s.]+/g, '_')
    .toLowerCase();
}
