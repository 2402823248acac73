/** Small, reusable questions about JS/TS syntax trees (tree-sitter-typescript node kinds). */
import { findCallsByCallee, type SyntaxNode } from './syntax.ts';

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
  for (const node of findCallsByCallee(root, 'call_expression', callee)) {
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

/**
 * How `name` got its value before the character offset `before`, inside `scope` (a function or the
 * program) and not inside nested functions: `const name = v` / `name = v` (assign), `name += v`
 * (augment), `const { name } = v` / `const { key: name } = v` (field `key` of v) and
 * `const { a, ...name } = v` (rest of v). In source order.
 */
export function jsAssignmentsBefore(
  scope: SyntaxNode,
  name: string,
  before: number,
): { value: SyntaxNode; kind: 'assign' | 'augment' | 'field' | 'rest'; field?: string; node: SyntaxNode }[] {
  const out: { value: SyntaxNode; kind: 'assign' | 'augment' | 'field' | 'rest'; field?: string; node: SyntaxNode }[] = [];
  const scopeStart = isJsFunction(scope) ? scope.range().start.index : -1;
  const rule = { any: [{ kind: 'variable_declarator' }, { kind: 'assignment_expression' }, { kind: 'augmented_assignment_expression' }] };
  for (const node of scope.findAll({ rule })) {
    if (node.range().start.index >= before) continue;
    const owner = enclosingJsFunction(node);
    if ((owner ? owner.range().start.index : -1) !== scopeStart) continue;
    if (node.kind() === 'variable_declarator') {
      const target = node.field('name');
      const value = node.field('value');
      if (!target || !value) continue;
      if (target.kind() === 'identifier' && target.text() === name) out.push({ value, kind: 'assign', node });
      if (target.kind() !== 'object_pattern') continue;
      for (const part of target.children()) {
        if (part.kind() === 'shorthand_property_identifier_pattern' && part.text() === name) out.push({ value, kind: 'field', field: name, node });
        if (part.kind() === 'pair_pattern' && part.field('value')?.text() === name)
          out.push({ value, kind: 'field', field: part.field('key')?.text() ?? name, node });
        if (part.kind() === 'rest_pattern' && part.children().some((c) => c.kind() === 'identifier' && c.text() === name))
          out.push({ value, kind: 'rest', node });
      }
      continue;
    }
    const left = node.field('left');
    const value = node.field('right');
    if (!left || !value || left.text() !== name) continue;
    if (node.kind() === 'augmented_assignment_expression') {
      if (node.field('operator')?.text() === '+=') out.push({ value, kind: 'augment', node });
    } else out.push({ value, kind: 'assign', node });
  }
  return out;
}

/**
 * Functions of the same file that `fn` calls by plain name (`helper(...)`): function declarations
 * and `const helper = (...) => ...` / `function` expressions, followed transitively up to `depth`
 * calls deep. `fn` itself is not included.
 */
export function jsLocalCallees(fn: SyntaxNode, root: SyntaxNode, depth = 2): SyntaxNode[] {
  let byName = jsFunctionsByNameOf.get(root);
  if (!byName) {
    byName = new Map<string, SyntaxNode>();
    for (const decl of root.findAll({ rule: { kind: 'function_declaration' } })) {
      const name = decl.field('name')?.text();
      if (name && !byName.has(name)) byName.set(name, decl);
    }
    for (const declarator of root.findAll({ rule: { kind: 'variable_declarator' } })) {
      const name = declarator.field('name');
      const value = declarator.field('value');
      if (name?.kind() === 'identifier' && value && isJsFunction(value) && !byName.has(name.text())) byName.set(name.text(), value);
    }
    jsFunctionsByNameOf.set(root, byName);
  }
  if (!byName.size) return [];
  const seen = new Set<number>([fn.range().start.index]);
  const out: SyntaxNode[] = [];
  let frontier = [fn];
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: SyntaxNode[] = [];
    for (const current of frontier) {
      for (const call of current.findAll({ rule: JS_PLAIN_CALL_RULE })) {
        const callee = call.field('function');
        const def = callee?.kind() === 'identifier' ? byName.get(callee.text()) : undefined;
        if (!def || seen.has(def.range().start.index)) continue;
        seen.add(def.range().start.index);
        out.push(def);
        next.push(def);
      }
    }
    frontier = next;
  }
  return out;
}

/** Named functions of a file, per tree root (the same object for the life of a parse). */
const jsFunctionsByNameOf = new WeakMap<SyntaxNode, Map<string, SyntaxNode>>();
/** Calls of a plain name, picked natively (the loop re-checks them). */
const JS_PLAIN_CALL_RULE = { kind: 'call_expression', has: { field: 'function', kind: 'identifier' } };
