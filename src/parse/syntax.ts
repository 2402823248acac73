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
