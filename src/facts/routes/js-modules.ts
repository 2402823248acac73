/**
 * Module questions about JS/TS files, answered statically: what a file imports and exports,
 * which project file a relative (or `@/`-aliased) specifier names, and where a name used in a
 * file is declared — following imports, re-exports and CommonJS `module.exports` a few hops.
 */
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import { isJsFunction, jsStringValue } from '../../parse/js-syntax.ts';

export interface JsImport {
  source: string;
  /** `default` (default import or `require()`), `*` (namespace), or the imported name. */
  name: string;
  node: SyntaxNode;
}

export type JsExport =
  | { kind: 'local'; name: string; node: SyntaxNode }
  | { kind: 'value'; node: SyntaxNode }
  | { kind: 'reexport'; source: string; name: string; node: SyntaxNode };

export interface JsModuleInfo {
  imports: Map<string, JsImport>;
  exports: Map<string, JsExport>;
  /** `export * from './x'` sources. */
  starExports: string[];
}

/** A declaration found for a name: the file, the declaring node and its value (function, call …). */
export interface JsBinding {
  file: ParsedFile;
  name: string;
  /** function_declaration, variable_declarator, class_declaration, method_definition, pair … */
  declaration: SyntaxNode;
  /** The value: a function node for functions, the initialiser for variables. */
  value?: SyntaxNode;
}

const EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const moduleCache = new WeakMap<ParsedFile, JsModuleInfo>();
const MAX_HOPS = 6;

/** The project file a specifier names, for relative specifiers and `@/` / `~/` root aliases; undefined for packages. */
export function resolveJsModule(files: ParsedFiles, fromFile: string, specifier: string): ParsedFile | undefined {
  const dir = fromFile.split('/').slice(0, -1);
  if (specifier.startsWith('.')) return resolveStem(files, joinPath([...dir, specifier]));
  const alias = /^(?:@|~|#)\/(.+)$/.exec(specifier);
  if (!alias) return undefined;
  // tsconfig `paths` usually map `@/*` to `./*` or `./src/*` of the package root: try every ancestor, nearest first.
  for (let n = dir.length; n >= 0; n--) {
    const base = dir.slice(0, n);
    const found = resolveStem(files, joinPath([...base, alias[1]])) ?? resolveStem(files, joinPath([...base, 'src', alias[1]]));
    if (found) return found;
  }
  return undefined;
}

function resolveStem(files: ParsedFiles, stem: string): ParsedFile | undefined {
  if (!stem || stem.startsWith('..')) return undefined;
  const exact = files.get(stem);
  if (exact && exact.kind === 'js') return exact;
  const bare = stem.replace(/\.(?:[cm]?[jt]sx?)$/, '');
  for (const ext of EXTENSIONS) {
    const hit = files.get(bare + ext);
    if (hit?.kind === 'js') return hit;
  }
  for (const ext of EXTENSIONS) {
    const hit = files.get(`${stem}/index${ext}`);
    if (hit?.kind === 'js') return hit;
  }
  return undefined;
}

function joinPath(parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length || out[out.length - 1] === '..') out.push('..');
      else out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** The string argument of `require('x')`, when node is such a call. */
export function requireSource(node: SyntaxNode | null | undefined): string | undefined {
  if (node?.kind() !== 'call_expression') return undefined;
  if (node.field('function')?.text() !== 'require') return undefined;
  const arg = node.field('arguments')?.children().find((c) => c.isNamed());
  return jsStringValue(arg);
}

/**
 * The import a name stands for at `at`: an ES import, a top-level `require`, or a local
 * `const x = require('./x')` / `require('./x').name` inside a function. Undefined when a local
 * declaration of another kind shadows it.
 */
export function importOf(file: ParsedFile, name: string, at?: SyntaxNode): JsImport | undefined {
  const local = findLocalDeclaration(file, name, at);
  if (local) {
    let value = local.value ? unwrapJsExpression(local.value) : undefined;
    if (!value) return undefined;
    let member: string | undefined;
    if (value.kind() === 'member_expression' && requireSource(value.field('object'))) {
      member = value.field('property')?.text();
      value = value.field('object')!;
    }
    if (value.kind() === 'await_expression') value = value.children().find((c) => c.isNamed()) ?? value;
    const source = requireSource(value);
    return source ? { source, name: member ?? 'default', node: local.declaration } : undefined;
  }
  return jsModuleInfo(file).imports.get(name);
}

/** Imports and exports of a file (ES modules and CommonJS), computed once per file. */
export function jsModuleInfo(file: ParsedFile): JsModuleInfo {
  const cached = moduleCache.get(file);
  if (cached) return cached;
  const info: JsModuleInfo = { imports: new Map(), exports: new Map(), starExports: [] };
  moduleCache.set(file, info);
  if (!file.ast) return info;
  try {
    for (const statement of file.ast.children()) collectFromStatement(statement, info);
  } catch {
    // odd syntax: keep what was collected
  }
  return info;
}

function collectFromStatement(statement: SyntaxNode, info: JsModuleInfo): void {
  const kind = statement.kind();
  if (kind === 'import_statement') {
    const source = jsStringValue(statement.field('source') ?? statement.children().find((c) => c.kind() === 'string'));
    const clause = statement.children().find((c) => c.kind() === 'import_clause' || c.kind() === 'import_require_clause');
    if (!clause) return;
    if (clause.kind() === 'import_require_clause') {
      const local = clause.children().find((c) => c.kind() === 'identifier');
      const src = jsStringValue(clause.children().find((c) => c.kind() === 'string'));
      if (local && src) info.imports.set(local.text(), { source: src, name: 'default', node: statement });
      return;
    }
    if (!source) return;
    for (const part of clause.children()) {
      if (part.kind() === 'identifier') info.imports.set(part.text(), { source, name: 'default', node: statement });
      else if (part.kind() === 'namespace_import') {
        const local = part.children().find((c) => c.kind() === 'identifier');
        if (local) info.imports.set(local.text(), { source, name: '*', node: statement });
      } else if (part.kind() === 'named_imports') {
        for (const spec of part.children().filter((c) => c.kind() === 'import_specifier')) {
          const name = spec.field('name')?.text();
          const alias = spec.field('alias')?.text() ?? name;
          if (name && alias) info.imports.set(alias, { source, name, node: statement });
        }
      }
    }
    return;
  }
  if (kind === 'lexical_declaration' || kind === 'variable_declaration') {
    for (const declarator of statement.children().filter((c) => c.kind() === 'variable_declarator')) collectRequire(declarator, info);
    return;
  }
  if (kind === 'export_statement') {
    collectExport(statement, info);
    return;
  }
  if (kind === 'expression_statement') {
    const assign = statement.children().find((c) => c.kind() === 'assignment_expression');
    if (assign) collectCommonJsExport(assign, info);
  }
}

/** `const x = require('m')`, `const { a, b: c } = require('m')`, `const r = require('m').router`. */
function collectRequire(declarator: SyntaxNode, info: JsModuleInfo): void {
  const target = declarator.field('name');
  let value = declarator.field('value');
  if (!target || !value) return;
  let member: string | undefined;
  if (value.kind() === 'member_expression' && requireSource(value.field('object'))) {
    member = value.field('property')?.text();
    value = value.field('object')!;
  }
  const source = requireSource(value);
  if (!source) return;
  if (target.kind() === 'identifier') {
    info.imports.set(target.text(), { source, name: member ?? 'default', node: declarator });
    return;
  }
  if (target.kind() === 'object_pattern' && !member) {
    for (const prop of target.children()) {
      if (prop.kind() === 'shorthand_property_identifier_pattern') info.imports.set(prop.text(), { source, name: prop.text(), node: declarator });
      else if (prop.kind() === 'pair_pattern') {
        const key = prop.field('key')?.text();
        const val = prop.field('value');
        if (key && val?.kind() === 'identifier') info.imports.set(val.text(), { source, name: key, node: declarator });
      }
    }
  }
}

function collectExport(statement: SyntaxNode, info: JsModuleInfo): void {
  const text = statement.text();
  const source = jsStringValue(statement.field('source'));
  const clause = statement.children().find((c) => c.kind() === 'export_clause');
  if (clause) {
    for (const spec of clause.children().filter((c) => c.kind() === 'export_specifier')) {
      const name = spec.field('name')?.text();
      const alias = spec.field('alias')?.text() ?? name;
      if (!name || !alias) continue;
      info.exports.set(alias, source ? { kind: 'reexport', source, name, node: statement } : { kind: 'local', name, node: statement });
    }
    return;
  }
  if (source) {
    if (/^export\s*\*\s*from/.test(text)) info.starExports.push(source);
    else {
      const ns = /^export\s*\*\s*as\s+(\w+)/.exec(text);
      if (ns) info.exports.set(ns[1], { kind: 'reexport', source, name: '*', node: statement });
    }
    return;
  }
  const declaration = statement.field('declaration');
  const isDefault = /^export\s+default\b/.test(text) || /^export\s*=/.test(text);
  if (declaration) {
    const kind = declaration.kind();
    const name = declaration.field('name')?.text();
    if (isDefault) {
      info.exports.set('default', name ? { kind: 'local', name, node: declaration } : { kind: 'value', node: declaration });
      return;
    }
    if (kind === 'lexical_declaration' || kind === 'variable_declaration') {
      for (const declarator of declaration.children().filter((c) => c.kind() === 'variable_declarator')) {
        const id = declarator.field('name');
        if (id?.kind() === 'identifier') info.exports.set(id.text(), { kind: 'local', name: id.text(), node: declarator });
        // `export const { GET, POST } = handlers`
        if (id?.kind() === 'object_pattern')
          for (const prop of id.children())
            if (prop.kind() === 'shorthand_property_identifier_pattern') info.exports.set(prop.text(), { kind: 'value', node: declarator });
      }
    } else if (name) info.exports.set(name, { kind: 'local', name, node: declaration });
    return;
  }
  if (isDefault) {
    const value = statement.field('value') ?? statement.children().filter((c) => c.isNamed() && c.kind() !== 'comment').pop();
    if (!value) return;
    info.exports.set('default', value.kind() === 'identifier' ? { kind: 'local', name: value.text(), node: value } : { kind: 'value', node: value });
  }
}

/** `module.exports = x`, `module.exports = { a, b: c }`, `exports.a = x`, `module.exports.a = x`. */
function collectCommonJsExport(assign: SyntaxNode, info: JsModuleInfo): void {
  const left = assign.field('left')?.text().replace(/\s+/g, '');
  const right = assign.field('right');
  if (!left || !right) return;
  const entry = (node: SyntaxNode): JsExport => (node.kind() === 'identifier' ? { kind: 'local', name: node.text(), node } : { kind: 'value', node });
  if (left === 'module.exports') {
    info.exports.set('default', entry(right));
    if (right.kind() === 'object') {
      for (const prop of right.children()) {
        if (prop.kind() === 'shorthand_property_identifier') info.exports.set(prop.text(), { kind: 'local', name: prop.text(), node: prop });
        else if (prop.kind() === 'pair') {
          const key = prop.field('key');
          const value = prop.field('value');
          const name = key ? (jsStringValue(key) ?? key.text()) : undefined;
          if (name && value) info.exports.set(name, entry(value));
        } else if (prop.kind() === 'method_definition') {
          const name = prop.field('name')?.text();
          if (name) info.exports.set(name, { kind: 'value', node: prop });
        }
      }
    }
    return;
  }
  const named = /^(?:module\.)?exports\.(\w+)$/.exec(left);
  if (named) info.exports.set(named[1], entry(right));
}

/** Follow an export of `file` to where it is declared (through re-exports and `export *`). */
export function resolveJsExport(
  files: ParsedFiles,
  file: ParsedFile,
  exportName: string,
  hops = 0,
): { file: ParsedFile; localName?: string; node: SyntaxNode } | undefined {
  if (hops > MAX_HOPS) return undefined;
  const info = jsModuleInfo(file);
  const entry = info.exports.get(exportName);
  if (entry?.kind === 'local') {
    // `export { x }` / `export default x` where x is itself imported: keep following.
    const imported = info.imports.get(entry.name);
    if (imported && !findLocalDeclaration(file, entry.name)) {
      const target = resolveJsModule(files, file.path, imported.source);
      if (target && imported.name !== '*') return resolveJsExport(files, target, imported.name, hops + 1);
    }
    return { file, localName: entry.name, node: entry.node };
  }
  if (entry?.kind === 'value') return { file, node: entry.node };
  if (entry?.kind === 'reexport') {
    const target = resolveJsModule(files, file.path, entry.source);
    return target && entry.name !== '*' ? resolveJsExport(files, target, entry.name, hops + 1) : undefined;
  }
  if (exportName !== 'default') {
    for (const source of info.starExports) {
      const target = resolveJsModule(files, file.path, source);
      const found = target ? resolveJsExport(files, target, exportName, hops + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

const SCOPE_KINDS = new Set(['program', 'statement_block', 'class_body']);

/**
 * The declaration of `name` visible at `at` (or at module level): function, class, variable
 * (including destructured-free `const x = …`), searched from the innermost enclosing block out.
 */
export function findLocalDeclaration(file: ParsedFile, name: string, at?: SyntaxNode): JsBinding | undefined {
  if (!file.ast) return undefined;
  // most names are only declared at module level: skip the walk up the tree for them
  if (!at || !nestedDeclarationNames(file).has(name)) return declarationsOf(file, file.ast).get(name);
  const scopes: SyntaxNode[] = [];
  for (let node: SyntaxNode | null = at; node; node = node.parent()) if (SCOPE_KINDS.has(String(node.kind()))) scopes.push(node);
  if (!scopes.length || scopes[scopes.length - 1].kind() !== 'program') scopes.push(file.ast);
  for (const scope of scopes) {
    const found = declarationsOf(file, scope).get(name);
    if (found) return found;
  }
  return undefined;
}

const nestedNamesCache = new WeakMap<ParsedFile, Set<string>>();

/** Names declared somewhere below module level (in a function or block). */
function nestedDeclarationNames(file: ParsedFile): Set<string> {
  let names = nestedNamesCache.get(file);
  if (names) return names;
  names = new Set();
  nestedNamesCache.set(file, names);
  const topLevel = declarationsOf(file, file.ast!);
  for (const node of file.findAll({ any: [{ kind: 'variable_declarator' }, { kind: 'function_declaration' }, { kind: 'class_declaration' }] })) {
    const id = node.field('name');
    if (id?.kind() !== 'identifier' && id?.kind() !== 'type_identifier') continue;
    const top = topLevel.get(id.text());
    if (!top || top.declaration.range().start.index !== node.range().start.index) names.add(id.text());
  }
  return names;
}

const declarationCache = new WeakMap<ParsedFile, Map<string, Map<string, JsBinding>>>();

/** Declarations made directly in a block (first one wins), indexed once per block. */
function declarationsOf(file: ParsedFile, scope: SyntaxNode): Map<string, JsBinding> {
  let perFile = declarationCache.get(file);
  if (!perFile) {
    perFile = new Map();
    declarationCache.set(file, perFile);
  }
  const range = scope.range();
  const key = `${range.start.index}:${range.end.index}`;
  const cached = perFile.get(key);
  if (cached) return cached;
  const map = new Map<string, JsBinding>();
  for (const statement of scope.children()) {
    for (const binding of declarationsIn(file, statement)) if (!map.has(binding.name)) map.set(binding.name, binding);
  }
  perFile.set(key, map);
  return map;
}

function declarationsIn(file: ParsedFile, statement: SyntaxNode): JsBinding[] {
  let node = statement;
  if (node.kind() === 'export_statement') {
    const declaration = node.field('declaration');
    if (!declaration) return [];
    node = declaration;
  }
  const kind = node.kind();
  if (kind === 'function_declaration' || kind === 'generator_function_declaration' || kind === 'class_declaration') {
    const name = node.field('name')?.text();
    return name ? [{ file, name, declaration: node, value: node }] : [];
  }
  const out: JsBinding[] = [];
  if (kind === 'lexical_declaration' || kind === 'variable_declaration') {
    for (const declarator of node.children()) {
      if (declarator.kind() !== 'variable_declarator') continue;
      const id = declarator.field('name');
      if (id?.kind() === 'identifier') out.push({ file, name: id.text(), declaration: declarator, value: declarator.field('value') ?? undefined });
    }
  }
  return out;
}

/** Strip TS-only wrappers (`x as T`, `x!`, `<T>x`, parentheses) from an expression. */
export function unwrapJsExpression(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (let i = 0; i < 8; i++) {
    const kind = current.kind();
    if (kind === 'as_expression' || kind === 'satisfies_expression' || kind === 'non_null_expression' || kind === 'type_assertion' || kind === 'parenthesized_expression') {
      const inner = current.children().find((c) => c.isNamed() && !/type|predefined/.test(String(c.kind())));
      if (!inner) return current;
      current = inner;
    } else return current;
  }
  return current;
}

/**
 * Where the value named by `ref` (an identifier or `a.b` member expression) is defined: a
 * local declaration, or one reached through the file's imports. For `ns.name` the member is
 * looked up in the module `ns` names, or as a property/method of a local object or class.
 */
export function resolveJsReference(files: ParsedFiles, file: ParsedFile, ref: SyntaxNode, hops = 0): JsBinding | undefined {
  if (hops > MAX_HOPS) return undefined;
  const node = unwrapJsExpression(ref);
  if (node.kind() === 'identifier') {
    const name = node.text();
    const imported = importOf(file, name, node);
    if (!imported) {
      const local = findLocalDeclaration(file, name, node);
      return local ? followAlias(files, local, hops) : undefined;
    }
    if (imported.name === '*') return undefined;
    const target = resolveJsModule(files, file.path, imported.source);
    return target ? bindingOfExport(files, target, imported.name, hops + 1) : undefined;
  }
  if (node.kind() === 'member_expression') {
    const object = node.field('object');
    const property = node.field('property')?.text();
    if (!object || !property) return undefined;
    const objectNode = unwrapJsExpression(object);
    if (objectNode.kind() === 'identifier') {
      const imported = importOf(file, objectNode.text(), objectNode);
      if (imported) {
        const target = resolveJsModule(files, file.path, imported.source);
        if (!target) return undefined;
        if (imported.name === '*') return bindingOfExport(files, target, property, hops + 1);
        // default import of a CommonJS object / a controller instance: try the named export, then the object's member
        const named = imported.name === 'default' ? bindingOfExport(files, target, property, hops + 1) : undefined;
        if (named) return named;
        const owner = bindingOfExport(files, target, imported.name, hops + 1);
        return owner ? memberOf(files, owner, property) : undefined;
      }
    }
    const owner = resolveJsReference(files, file, objectNode, hops + 1);
    return owner ? memberOf(files, owner, property) : undefined;
  }
  return undefined;
}

/** `const handler = otherName` → follow to otherName's declaration. */
function followAlias(files: ParsedFiles, binding: JsBinding, hops: number): JsBinding {
  const value = binding.value ? unwrapJsExpression(binding.value) : undefined;
  if (value && (value.kind() === 'identifier' || value.kind() === 'member_expression') && hops < MAX_HOPS) {
    const next = resolveJsReference(files, binding.file, value, hops + 1);
    if (next) return next;
  }
  return binding;
}

function bindingOfExport(files: ParsedFiles, file: ParsedFile, exportName: string, hops: number): JsBinding | undefined {
  const found = resolveJsExport(files, file, exportName);
  if (!found) return undefined;
  if (found.localName) {
    const local = findLocalDeclaration(found.file, found.localName);
    if (local) return followAlias(files, local, hops);
    return { file: found.file, name: found.localName, declaration: found.node };
  }
  const value = found.node;
  const id = value.field('name');
  const name = id?.kind() === 'identifier' || id?.kind() === 'type_identifier' ? id.text() : exportName;
  return { file: found.file, name, declaration: value, value };
}

/** A property or method `name` of an object literal, a class, or `new Class()` instance. */
function memberOf(files: ParsedFiles, owner: JsBinding, name: string): JsBinding | undefined {
  let value = owner.value ? unwrapJsExpression(owner.value) : undefined;
  if (value?.kind() === 'new_expression') {
    const ctor = value.field('constructor');
    const cls = ctor ? resolveJsReference(files, owner.file, ctor) : undefined;
    value = cls?.value;
  }
  if (!value) return undefined;
  const body = value.kind() === 'object' ? value : value.kind() === 'class_declaration' || value.kind() === 'class' ? value.field('body') : undefined;
  if (!body) return undefined;
  for (const member of body.children()) {
    const kind = member.kind();
    const key = member.field('name') ?? member.field('key') ?? member.field('property');
    const memberName = key ? (jsStringValue(key) ?? key.text()) : kind === 'shorthand_property_identifier' ? member.text() : undefined;
    if (memberName !== name) continue;
    if (kind === 'method_definition') return { file: owner.file, name, declaration: member, value: member };
    if (kind === 'pair' || kind === 'public_field_definition' || kind === 'field_definition') {
      const v = member.field('value');
      if (v && (v.kind() === 'identifier' || v.kind() === 'member_expression')) return resolveJsReference(files, owner.file, v) ?? { file: owner.file, name, declaration: member, value: v };
      return { file: owner.file, name, declaration: member, value: v ?? undefined };
    }
    if (kind === 'shorthand_property_identifier') return findLocalDeclaration(owner.file, name, member) ?? undefined;
  }
  return undefined;
}

/** The function node of a binding, when it is one (declaration, arrow, function expression, method). */
export function functionOfBinding(binding: JsBinding | undefined): SyntaxNode | undefined {
  if (!binding) return undefined;
  for (const candidate of [binding.value, binding.declaration]) {
    if (!candidate) continue;
    const node = unwrapJsExpression(candidate);
    if (isJsFunction(node) || node.kind() === 'generator_function_declaration') return node;
  }
  return undefined;
}

/** `a.b.c` → the root node (`a`, unwrapped) and the property names after it (`['b', 'c']`); undefined when a link has no object. */
export function jsMemberChain(expr: SyntaxNode): { root: SyntaxNode; parts: string[] } | undefined {
  const parts: string[] = [];
  let node = unwrapJsExpression(expr);
  while (node.kind() === 'member_expression') {
    parts.unshift(node.field('property')?.text() ?? '');
    const object = node.field('object');
    if (!object) return undefined;
    node = unwrapJsExpression(object);
  }
  return { root: node, parts };
}

/** The package path a JS callee names (`fs.readFileSync`, `crypto.pbkdf2Sync`), through imports and `require`; undefined for project code and locals. */
export function jsExternalPath(file: ParsedFile, callee: SyntaxNode): string | undefined {
  const chain = jsMemberChain(callee);
  if (!chain) return undefined;
  const { root: node, parts } = chain;
  let head: string | undefined;
  if (node.kind() === 'identifier') {
    const imported = importOf(file, node.text(), node);
    if (!imported || imported.source.startsWith('.') || imported.source.startsWith('@/')) return undefined;
    const source = imported.source.replace(/^node:/, '');
    head = imported.name === 'default' || imported.name === '*' ? source : `${source}.${imported.name}`;
  } else head = requireSource(node)?.replace(/^node:/, '');
  return head ? [head, ...parts].join('.') : undefined;
}

/**
 * The package-qualified name an expression's text stands for after the file's imports:
 * `Sentry.init` after `import * as Sentry from '@sentry/node'` gives `@sentry/node.init`,
 * `init` after `import { init } from '@sentry/node'` the same, `express` after
 * `const express = require('express')` gives `express`, `require('dd-trace').init` gives
 * `dd-trace.init`. Text whose head is not imported comes back unchanged.
 */
export function jsQualifiedName(file: ParsedFile, text: string): string {
  const required = /^require\(\s*(['"`])([^'"`]+)\1\s*\)(.*)$/s.exec(text);
  if (required) return `${required[2]}${required[3]}`;
  const dot = text.indexOf('.');
  const head = dot < 0 ? text : text.slice(0, dot);
  const rest = dot < 0 ? '' : text.slice(dot);
  const imported = jsModuleInfo(file).imports.get(head);
  if (!imported) return text;
  return imported.name === 'default' || imported.name === '*' ? `${imported.source}${rest}` : `${imported.source}.${imported.name}${rest}`;
}
