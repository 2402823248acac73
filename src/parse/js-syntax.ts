/** Small, reusable questions about JS/TS syntax trees (tree-sitter-typescript node kinds). */
import type { SyntaxNode } from './syntax.ts';

export interface JsCall {
  node: SyntaxNode;
  /** The callee as written: `app.get`, `cors`, `Object.assign`. */
  callee: string;
  args: SyntaxNode[];
}

export function describeJsCall(node: SyntaxNode): JsCall | undefined {
  if (node.kind() !== 'call_expression') return undefined;
  const fn = node.field('function');
  const argList = node.field('arguments');
  if (!fn) return undefined;
  const args = (argList?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== 'comment');
  return { node, callee: fn.text(), args };
}

export function findJsCalls(root: SyntaxNode | undefined, callee: RegExp): JsCall[] {
  if (!root) return [];
  const out: JsCall[] = [];
  for (const node of root.findAll({ rule: { kind: 'call_expression' } })) {
    const fn = node.field('function');
    if (!fn || !callee.test(fn.text())) continue;
    const call = describeJsCall(node);
    if (call) out.push(call);
  }
  return out;
}

/** The value of a string literal or a template literal without substitutions. */
export function jsStringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind() === 'string') return node.children().filter((c) => c.kind() === 'string_fragment' || c.kind() === 'escape_sequence').map((c) => c.text()).join('');
  if (node.kind() === 'template_string' && !node.children().some((c) => c.kind() === 'template_substitution'))
    return node.text().slice(1, -1);
  return undefined;
}

export function isJsTemplateWithSubstitution(node: SyntaxNode): boolean {
  return node.kind() === 'template_string' && node.children().some((c) => c.kind() === 'template_substitution');
}

/** The value node of `key` in an object literal (`{ key: value }` or shorthand `{ key }`). */
export function jsObjectProperty(object: SyntaxNode | undefined, key: string): SyntaxNode | undefined {
  if (object?.kind() !== 'object') return undefined;
  for (const child of object.children()) {
    if (child.kind() === 'pair') {
      const k = child.field('key');
      const name = k ? (jsStringValue(k) ?? k.text()) : undefined;
      if (name === key) return child.field('value') ?? undefined;
    }
    if (child.kind() === 'shorthand_property_identifier' && child.text() === key) return child;
  }
  return undefined;
}

const FUNCTION_KINDS = new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'function']);

export function isJsFunction(node: SyntaxNode): boolean {
  return FUNCTION_KINDS.has(String(node.kind()));
}

export function enclosingJsFunction(node: SyntaxNode): SyntaxNode | undefined {
  let current = node.parent();
  while (current) {
    if (FUNCTION_KINDS.has(String(current.kind()))) return current;
    current = current.parent();
  }
  return undefined;
}

export function isAsyncJsFunction(fn: SyntaxNode): boolean {
  return fn.children().some((c) => c.kind() === 'async') || /^(export\s+)?(default\s+)?async\b/.test(fn.text());
}
