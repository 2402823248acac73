/** Small, reusable questions about Python syntax trees (tree-sitter-python node kinds). */
import type { SyntaxNode } from './syntax.ts';

export interface PyCall {
  node: SyntaxNode;
  /** The callee as written: `cursor.execute`, `Depends`, `app.get`. */
  callee: string;
  args: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
}

/** Describe a `call` node; undefined for any other node. */
export function describePyCall(node: SyntaxNode): PyCall | undefined {
  if (node.kind() !== 'call') return undefined;
  const fn = node.field('function');
  const argList = node.field('arguments');
  if (!fn) return undefined;
  const args: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  for (const child of argList?.children() ?? []) {
    if (!child.isNamed() || child.kind() === 'comment') continue;
    if (child.kind() === 'keyword_argument') {
      const name = child.field('name')?.text();
      const value = child.field('value');
      if (name && value) keywords.set(name, value);
    } else args.push(child);
  }
  return { node, callee: fn.text(), args, keywords };
}

/** All calls in a tree whose callee text matches. */
export function findPyCalls(root: SyntaxNode | undefined, callee: RegExp): PyCall[] {
  if (!root) return [];
  const out: PyCall[] = [];
  for (const node of root.findAll({ rule: { kind: 'call' } })) {
    const fn = node.field('function');
    if (!fn || !callee.test(fn.text())) continue;
    const call = describePyCall(node);
    if (call) out.push(call);
  }
  return out;
}

/** The value of a plain string literal (no f-string interpolation); undefined otherwise. */
export function pyStringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind() === 'concatenated_string') {
    const parts = node.children().filter((c) => c.kind() === 'string').map((c) => pyStringValue(c));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.kind() !== 'string') return undefined;
  if (node.children().some((c) => c.kind() === 'interpolation')) return undefined;
  return node
    .children()
    .filter((c) => c.kind() === 'string_content' || c.kind() === 'escape_sequence')
    .map((c) => c.text())
    .join('');
}

/** Whether a string node is an f-string with at least one `{…}` interpolation. */
export function isPyFString(node: SyntaxNode): boolean {
  return node.kind() === 'string' && node.children().some((c) => c.kind() === 'interpolation');
}

export function enclosingPyFunction(node: SyntaxNode): SyntaxNode | undefined {
  let current = node.parent();
  while (current) {
    if (current.kind() === 'function_definition') return current;
    current = current.parent();
  }
  return undefined;
}

export function isAsyncPyFunction(fn: SyntaxNode): boolean {
  return fn.children().some((c) => c.kind() === 'async') || fn.text().startsWith('async');
}

export function pyFunctionName(fn: SyntaxNode): string {
  return fn.field('name')?.text() ?? '<anonymous>';
}

/** Decorator expressions (without `@`) of a function_definition or class_definition. */
export function pyDecorators(definition: SyntaxNode): SyntaxNode[] {
  const parent = definition.parent();
  if (parent?.kind() !== 'decorated_definition') return [];
  return parent
    .children()
    .filter((c) => c.kind() === 'decorator')
    .map((d) => d.children().find((c) => c.isNamed() && c.kind() !== 'comment'))
    .filter((n): n is SyntaxNode => n !== undefined);
}

/** Top-level statements of a module (children of the root `module` node). */
export function pyModuleStatements(root: SyntaxNode): SyntaxNode[] {
  return root.children().filter((c) => c.isNamed());
}

/** Parameters of a function definition: name, annotation text, default node. */
export function pyParameters(fn: SyntaxNode): { name: string; annotation?: SyntaxNode; default?: SyntaxNode; node: SyntaxNode }[] {
  const params = fn.field('parameters');
  const out: { name: string; annotation?: SyntaxNode; default?: SyntaxNode; node: SyntaxNode }[] = [];
  for (const p of params?.children() ?? []) {
    switch (p.kind()) {
      case 'identifier':
        out.push({ name: p.text(), node: p });
        break;
      case 'typed_parameter': {
        const name = p.children().find((c) => c.kind() === 'identifier');
        out.push({ name: name?.text() ?? '', annotation: p.field('type') ?? undefined, node: p });
        break;
      }
      case 'default_parameter':
        out.push({ name: p.field('name')?.text() ?? '', default: p.field('value') ?? undefined, node: p });
        break;
      case 'typed_default_parameter':
        out.push({
          name: p.field('name')?.text() ?? '',
          annotation: p.field('type') ?? undefined,
          default: p.field('value') ?? undefined,
          node: p,
        });
        break;
      default:
        break;
    }
  }
  return out;
}

/** Python imports of a module: local name → { module, name } (name undefined for `import x`). */
export function pyImports(root: SyntaxNode): Map<string, { module: string; name?: string; line: number }> {
  const out = new Map<string, { module: string; name?: string; line: number }>();
  for (const stmt of root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } })) {
    const line = stmt.range().start.line + 1;
    if (stmt.kind() === 'import_statement') {
      for (const child of stmt.children()) {
        if (child.kind() === 'dotted_name') out.set(child.text().split('.')[0], { module: child.text(), line });
        if (child.kind() === 'aliased_import')
          out.set(child.field('alias')?.text() ?? '', { module: child.field('name')?.text() ?? '', line });
      }
      continue;
    }
    const moduleNode = stmt.field('module_name');
    const module = moduleNode?.text() ?? '';
    for (const child of stmt.children()) {
      if (child === moduleNode || child.range().start.index === moduleNode?.range().start.index) continue;
      if (child.kind() === 'dotted_name') out.set(child.text(), { module, name: child.text(), line });
      if (child.kind() === 'aliased_import')
        out.set(child.field('alias')?.text() ?? '', { module, name: child.field('name')?.text() ?? '', line });
    }
  }
  return out;
}
