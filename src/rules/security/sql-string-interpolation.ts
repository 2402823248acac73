import { classifyPySinkArgument, describeTaintTrace, pyTaintAt, taintSourceLocation } from '../../facts/python-taint.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describeJsCall, enclosingJsFunction, jsAssignmentsBefore } from '../../parse/js-syntax.ts';
import {
  describePyCall,
  enclosingPyFunction,
  pyAssignmentsBefore,
  pyClientInputParameters,
  pyParameters,
  pyRouteDecorators,
  pyStringValue,
} from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

type How = 'fString' | 'percentFormat' | 'formatCall' | 'concatenation' | 'templateLiteral';

/** A SQL string assembled from pieces: how, the literal text around the holes, and the holes. */
interface Built {
  how: How;
  literal: string;
  values: SyntaxNode[];
}

interface Scope {
  /** The enclosing function, or the module/program root. */
  node: SyntaxNode;
  fn?: SyntaxNode;
  file: ParsedFile;
}

// ---------------------------------------------------------------------------------------------
// Shared

const SQL_UPPER = /\b(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|WITH|CREATE|DROP|ALTER|WHERE|ORDER\s+BY|GROUP\s+BY|VALUES|FROM|JOIN|LIMIT|OFFSET|SET|TRUNCATE|RETURNING|HAVING|PRAGMA)\b/;
const SQL_ANY_CASE =
  /\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+[\w."`]+\s+set\b|\bdelete\s+from\b|\b(create|drop)\s+(table|index|view|schema)\b|\balter\s+table\b|\bwhere\s+[\w."`]+\s*(=|<|>|!=|like\b|ilike\b|in\b|is\b)|\border\s+by\b|\bgroup\s+by\b/i;

function looksLikeSql(text: string): boolean {
  return SQL_UPPER.test(text) || SQL_ANY_CASE.test(text);
}

/** Schema migrations interpolate developer-written identifiers, never request data. */
const MIGRATION_PATH = /(^|\/)(alembic\/versions|migrations|migrate|db\/migrate)\//;

/** How far the safety check follows assignments and sub-expressions. */
const MAX_DEPTH = 8;
const UPPER_CONSTANT = /^_?[A-Z][A-Z0-9_]*$/;
/** A literal placeholder generated for an IN list: `$`, `?`, `:p`, `@p`, `%(p)s`. */
const PLACEHOLDER = /^\s*(\$|\?|:\w+|@\w+|%\(\w*\)s|%s)\s*$/;

function listValues(values: SyntaxNode[]): string {
  const names = [...new Set(values.map((v) => codeSpanText(v, 50)))];
  const shown = names.slice(0, 3).map((n) => `\`${n}\``);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

/** `cursor.execute`, or `knex('products')….andWhereRaw` for a call at the end of a multi-line chain. */
function sinkLabel(callee: SyntaxNode, name: string): string {
  const text = callee.text();
  if (!text.includes('\n') && text.length <= 60) return text;
  const head = text.split('\n')[0].trim().replace(/\.$/, '');
  return head.length <= 40 ? `${head}….${name}` : name;
}

/** The sink call's location, starting at the method name when it sits on a later line of a chain. */
function sinkLocation(file: ParsedFile, call: SyntaxNode, callee: SyntaxNode): ReturnType<ParsedFile['locate']> {
  const property = callee.field('property') ?? callee.field('attribute');
  if (!property || property.range().start.line === call.range().start.line) return file.locate(call);
  return file.locateOffsets(property.range().start.index, call.range().end.index);
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    const kind = current.kind();
    if (kind !== 'parenthesized_expression' && kind !== 'as_expression' && kind !== 'non_null_expression' && kind !== 'satisfies_expression' && kind !== 'await' && kind !== 'await_expression') return current;
    const inner = current.children().find((c) => c.isNamed() && c.kind() !== 'comment');
    if (!inner) return current;
    current = inner;
  }
}

function sameNode(a: SyntaxNode | undefined, b: SyntaxNode | undefined): boolean {
  return !!a && !!b && a.range().start.index === b.range().start.index && a.range().end.index === b.range().end.index && a.kind() === b.kind();
}

function mergeBuilt(pieces: (Built | undefined)[], literals: string[]): Built | undefined {
  const built = pieces.filter((p): p is Built => p !== undefined);
  if (!built.length) return undefined;
  return {
    how: built[0].how,
    literal: [...literals, ...built.map((b) => b.literal)].join(' '),
    values: built.flatMap((b) => b.values),
  };
}

// ---------------------------------------------------------------------------------------------
// Python

/** sink name → whether the argument is a whole statement (checked to look like SQL) or a fragment. */
const PY_SINKS = /^(execute|executemany|executescript|exec_driver_sql|fetch|fetchrow|fetchval|read_sql|read_sql_query|text|raw|extra)$/;
const PY_BARE_SINKS = new Set(['text', 'read_sql', 'read_sql_query']);
const PY_REQUEST = /\brequest\.(args|form|values|json|get_json|query_params|path_params|GET|POST|data|cookies|headers|view_args)\b/;
const PY_SAFE_CALLS = /^(int|float|bool|len|abs|round|uuid\.UUID|UUID|quote_ident|sql\.Identifier|sql\.Literal)$/;
const PY_SAFE_TYPE = /^(int|float|bool|UUID|uuid\.UUID|date|datetime|datetime\.date|datetime\.datetime|PositiveInt|NonNegativeInt|StrictInt|conint\(.*\)|Literal\[.*\])$/;

function pyStringParts(node: SyntaxNode): { literal: string; holes: SyntaxNode[] } | undefined {
  if (node.kind() === 'concatenated_string') {
    const parts = node.children().filter((c) => c.kind() === 'string').map(pyStringParts);
    return { literal: parts.map((p) => p?.literal ?? '').join(''), holes: parts.flatMap((p) => p?.holes ?? []) };
  }
  if (node.kind() !== 'string') return undefined;
  const literal = node.children().filter((c) => c.kind() === 'string_content' || c.kind() === 'escape_sequence').map((c) => c.text()).join('');
  const holes = node
    .children()
    .filter((c) => c.kind() === 'interpolation')
    .map((c) => c.children().find((x) => x.isNamed() && x.kind() !== 'type_conversion' && x.kind() !== 'format_specifier'))
    .filter((n): n is SyntaxNode => n !== undefined);
  return { literal, holes };
}

function flattenPyPlus(node: SyntaxNode, out: SyntaxNode[]): void {
  const n = unwrap(node);
  if (n.kind() === 'binary_operator' && n.field('operator')?.text() === '+') {
    const left = n.field('left');
    const right = n.field('right');
    if (left) flattenPyPlus(left, out);
    if (right) flattenPyPlus(right, out);
  } else out.push(n);
}

function pyFormatValues(right: SyntaxNode): SyntaxNode[] {
  const r = unwrap(right);
  if (r.kind() === 'tuple' || r.kind() === 'list') return r.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  if (r.kind() === 'dictionary') return r.children().filter((c) => c.kind() === 'pair').map((p) => p.field('value')).filter((v): v is SyntaxNode => !!v);
  return [r];
}

/** How an expression builds a string from pieces; undefined for a plain literal or anything else. */
function analyzePyExpression(expr: SyntaxNode): Built | undefined {
  const node = unwrap(expr);
  const kind = node.kind();
  if (kind === 'string' || kind === 'concatenated_string') {
    const parts = pyStringParts(node);
    return parts?.holes.length ? { how: 'fString', literal: parts.literal, values: parts.holes } : undefined;
  }
  if (kind === 'binary_operator') {
    const op = node.field('operator')?.text();
    if (op === '%') {
      const left = node.field('left');
      const right = node.field('right');
      const template = left ? pyStringValue(unwrap(left)) : undefined;
      if (template === undefined || !right) return undefined;
      return { how: 'percentFormat', literal: template, values: pyFormatValues(right) };
    }
    if (op === '+') {
      const operands: SyntaxNode[] = [];
      flattenPyPlus(node, operands);
      const strings = operands.map(pyStringParts);
      if (!strings.some((s) => s !== undefined)) return undefined;
      const values = operands.flatMap((o, i) => strings[i]?.holes ?? [o]);
      if (!values.length) return undefined;
      const hasPlain = operands.some((_, i) => !strings[i]);
      return { how: hasPlain ? 'concatenation' : 'fString', literal: strings.map((s) => s?.literal ?? '').join(' '), values };
    }
    return undefined;
  }
  if (kind === 'call') {
    const fn = node.field('function');
    if (fn?.kind() !== 'attribute' || fn.field('attribute')?.text() !== 'format') return undefined;
    const receiver = fn.field('object');
    const template = receiver ? pyStringValue(unwrap(receiver)) : undefined;
    if (template === undefined) return undefined;
    const values = (node.field('arguments')?.children() ?? [])
      .filter((c) => c.isNamed() && c.kind() !== 'comment')
      .map((c) => (c.kind() === 'keyword_argument' ? c.field('value') : c))
      .filter((v): v is SyntaxNode => !!v);
    return values.length ? { how: 'formatCall', literal: template, values } : undefined;
  }
  return undefined;
}

/** The sink argument, following one step of `name = …` / `name += …` inside the same function. */
function analyzePyArgument(arg: SyntaxNode, scope: Scope, before: number): { built: Built; via?: SyntaxNode; buildAt: SyntaxNode } | undefined {
  const node = unwrap(arg);
  if (node.kind() !== 'identifier') {
    const built = analyzePyExpression(node);
    return built ? { built, buildAt: node } : undefined;
  }
  const assignments = pyAssignmentsBefore(scope.node, node.text(), before);
  if (!assignments.length) return undefined;
  const literals: string[] = [];
  const pieces = assignments.map((a) => {
    const plain = pyStringValue(unwrap(a.value));
    if (plain !== undefined) literals.push(plain);
    return analyzePyExpression(a.value);
  });
  const built = mergeBuilt(pieces, literals);
  if (!built) return undefined;
  const first = assignments[pieces.findIndex((p) => p !== undefined)];
  return { built, via: node, buildAt: first.node };
}

function pyAnnotationType(annotation: SyntaxNode | undefined): string {
  let text = annotation?.text().replace(/\s+/g, ' ').trim() ?? '';
  const annotated = /^Annotated\[\s*([^,]+),/.exec(text);
  if (annotated) text = annotated[1].trim();
  const optional = /^Optional\[(.+)\]$/.exec(text);
  if (optional) text = optional[1].trim();
  return text.replace(/\s*\|\s*None$/, '').replace(/^None\s*\|\s*/, '');
}

function isPySafeTypedParameter(name: string, scope: Scope): boolean {
  if (!scope.fn) return false;
  const param = pyParameters(scope.fn).find((p) => p.name === name);
  if (!param) return false;
  if (PY_SAFE_TYPE.test(pyAnnotationType(param.annotation))) return true;
  // Flask converters: @app.route("/users/<int:user_id>")
  return pyRouteDecorators(scope.fn).some((d) => new RegExp(`<(int|float|uuid):${name}>`).test(d.text()));
}

function isPyAllowListed(expr: SyntaxNode, scope: Scope): boolean {
  const text = expr.text();
  return scope.node
    .findAll({ rule: { kind: 'comparison_operator' } })
    .some((c) => {
      const named = c.children().filter((x) => x.isNamed());
      const ops = c.children().filter((x) => !x.isNamed()).map((x) => x.text().replace(/\s+/g, ' '));
      return named.length === 2 && named[0].text() === text && (ops[0] === 'in' || ops[0] === 'not in');
    });
}

function isPyPlaceholderString(node: SyntaxNode, scope: Scope, depth: number): boolean {
  const n = unwrap(node);
  const parts = pyStringParts(n);
  if (!parts) return isPySafe(n, scope, depth + 1);
  if (!parts.holes.length) return true;
  return PLACEHOLDER.test(parts.literal) || parts.holes.every((h) => isPySafe(h, scope, depth + 1));
}

/** `", ".join(...)` of placeholders, constants or literal SQL fragments (the dynamic-filter idiom). */
function isPySafeJoin(call: SyntaxNode, scope: Scope, depth: number): boolean {
  const arg = (call.field('arguments')?.children() ?? []).find((c) => c.isNamed() && c.kind() !== 'comment');
  if (!arg) return false;
  const items = (node: SyntaxNode, d: number): boolean => {
    const n = unwrap(node);
    switch (n.kind()) {
      case 'list':
      case 'tuple':
      case 'set':
        return n.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every((c) => isPyPlaceholderString(c, scope, d));
      case 'list_comprehension':
      case 'generator_expression': {
        const body = n.field('body') ?? n.children().find((c) => c.isNamed());
        return !!body && isPyPlaceholderString(body, scope, d);
      }
      case 'binary_operator': {
        const left = n.field('left');
        return n.field('operator')?.text() === '*' && !!left && (pyStringValue(unwrap(left)) !== undefined || items(left, d + 1));
      }
      case 'identifier': {
        if (d > MAX_DEPTH) return false;
        const name = n.text();
        const assigned = pyAssignmentsBefore(scope.node, name, call.range().start.index);
        if (!assigned.length) return false;
        const appended = scope.node
          .findAll({ rule: { kind: 'call' } })
          .filter((c) => /^(append|extend|insert)$/.test(c.field('function')?.field('attribute')?.text() ?? '') && c.field('function')?.field('object')?.text() === name);
        return (
          assigned.every((a) => items(a.value, d + 1)) &&
          appended.every((c) => {
            const callee = c.field('function')?.field('attribute')?.text();
            const args = (c.field('arguments')?.children() ?? []).filter((x) => x.isNamed() && x.kind() !== 'comment');
            const value = callee === 'insert' ? args[1] : args[0];
            if (!value) return true;
            return callee === 'extend' ? items(value, d + 1) : isPyPlaceholderString(value, scope, d + 1);
          })
        );
      }
      default:
        return pyStringValue(n) !== undefined;
    }
  };
  return items(arg, depth);
}

/**
 * Where a name got its value: the innermost enclosing function (or the module) that assigns it,
 * stopping at a function that takes it as a parameter. Undefined when nothing assigns it.
 */
function resolvePyName(name: string, scope: Scope, before: number): { assigned: ReturnType<typeof pyAssignmentsBefore>; scope: Scope } | undefined {
  let current: Scope | undefined = scope;
  let limit = before;
  while (current) {
    const assigned = pyAssignmentsBefore(current.node, name, limit);
    if (assigned.length) return { assigned, scope: current };
    if (!current.fn || pyParameters(current.fn).some((p) => p.name === name)) return undefined;
    const inner: SyntaxNode = current.fn;
    const outer = enclosingPyFunction(inner);
    current = { node: outer ?? current.file.ast!, fn: outer, file: current.file };
    // Module-level names are usually assigned once, anywhere before the function runs.
    limit = outer ? inner.range().start.index : Number.MAX_SAFE_INTEGER;
  }
  return undefined;
}

/** `for table in ("a", "b"):` / `for table in TABLES:` — the loop variable takes only constant values. */
function isPyLoopOverSafe(id: SyntaxNode, scope: Scope, depth: number): boolean {
  let current = id.parent();
  while (current && !sameNode(current, scope.node)) {
    if (current.kind() === 'for_statement' && current.field('left')?.text() === id.text()) {
      const right = current.field('right');
      if (!right) return false;
      const r = unwrap(right);
      if (r.kind() === 'list' || r.kind() === 'tuple' || r.kind() === 'set')
        return r.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every((c) => isPySafe(c, scope, depth + 1));
      return isPySafe(r, scope, depth + 1);
    }
    current = current.parent();
  }
  return false;
}

/** Whether an interpolated value cannot carry attacker text: literals, constants, casts, allow-listed values. */
function isPySafe(expr: SyntaxNode, scope: Scope, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expr);
  if (PY_REQUEST.test(node.text())) return false;
  switch (node.kind()) {
    case 'string':
    case 'concatenated_string': {
      const parts = pyStringParts(node);
      return !!parts && parts.holes.every((h) => isPySafe(h, scope, depth + 1));
    }
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'identifier': {
      const name = node.text();
      if (UPPER_CONSTANT.test(name) || /placeholder/i.test(name)) return true;
      if (isPySafeTypedParameter(name, scope) || isPyAllowListed(node, scope)) return true;
      if (isPyLoopOverSafe(node, scope, depth)) return true;
      const found = resolvePyName(name, scope, node.range().start.index);
      return !!found && found.assigned.every((a) => isPySafe(a.value, found.scope, depth + 1));
    }
    case 'attribute': {
      const attr = node.field('attribute')?.text() ?? '';
      if (UPPER_CONSTANT.test(attr) || /^__\w+__$/.test(attr) || isPyAllowListed(node, scope)) return true;
      // Repository classes keep identifiers on the instance: self.table, self._table_name.
      return /^(self|cls)$/.test(node.field('object')?.text() ?? '') && /^_?(table|schema|column|view)(_?name)?s?$/i.test(attr);
    }
    case 'subscript': {
      const value = node.field('value');
      const base = value?.kind() === 'attribute' ? value.field('attribute')?.text() : value?.text();
      return UPPER_CONSTANT.test(base ?? '');
    }
    case 'call': {
      const callee = node.field('function')?.text() ?? '';
      if (PY_SAFE_CALLS.test(callee)) return true;
      const args = (node.field('arguments')?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== 'comment');
      if (callee === 'str') return args.length === 1 && isPySafe(args[0], scope, depth + 1);
      const fn = node.field('function');
      // {"name": "name", "age": "age"}.get(sort, "name") / SORT_COLUMNS.get(sort, "created_at")
      if (fn?.kind() === 'attribute' && fn.field('attribute')?.text() === 'get' && fn.field('object')) {
        const mapping = unwrap(fn.field('object')!);
        const fallback = args[1];
        const mappingSafe =
          (mapping.kind() === 'dictionary' &&
            mapping.children().filter((c) => c.kind() === 'pair').every((p) => !!p.field('value') && isPySafe(p.field('value')!, scope, depth + 1))) ||
          isPySafe(mapping, scope, depth + 1);
        if (mappingSafe && (!fallback || isPySafe(fallback, scope, depth + 1))) return true;
      }
      if (fn?.kind() === 'attribute' && fn.field('attribute')?.text() === 'join' && fn.field('object') && pyStringValue(unwrap(fn.field('object')!)) !== undefined)
        return isPySafeJoin(node, scope, depth + 1);
      return false;
    }
    case 'conditional_expression': {
      const named = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
      return named.length === 3 && isPySafe(named[0], scope, depth + 1) && isPySafe(named[2], scope, depth + 1);
    }
    case 'binary_operator':
    case 'boolean_operator': {
      const left = node.field('left');
      const right = node.field('right');
      return !!left && !!right && isPySafe(left, scope, depth + 1) && isPySafe(right, scope, depth + 1);
    }
    case 'unary_operator': {
      const operand = node.field('argument') ?? node.children().find((c) => c.isNamed());
      return !!operand && isPySafe(operand, scope, depth + 1);
    }
    default:
      return false;
  }
}

function isPyRequestValue(expr: SyntaxNode, scope: Scope, depth = 0): boolean {
  if (PY_REQUEST.test(expr.text())) return true;
  const clientParams = new Set(scope.fn ? pyClientInputParameters(scope.fn).map((p) => p.name) : []);
  const identifiers = expr.kind() === 'identifier' ? [expr] : expr.findAll({ rule: { kind: 'identifier' } });
  for (const id of identifiers) {
    const parent = id.parent();
    if (parent?.kind() === 'attribute' && sameNode(parent.field('attribute') ?? undefined, id)) continue;
    if (parent?.kind() === 'keyword_argument' && sameNode(parent.field('name') ?? undefined, id)) continue;
    if (clientParams.has(id.text())) return true;
    if (depth === 0 && pyAssignmentsBefore(scope.node, id.text(), id.range().start.index).some((a) => isPyRequestValue(a.value, scope, 1))) return true;
  }
  return false;
}

function pySinkArguments(call: NonNullable<ReturnType<typeof describePyCall>>, name: string): SyntaxNode[] {
  if (name === 'extra') {
    const out: SyntaxNode[] = [];
    const where = call.keywords.get('where');
    if (where) out.push(...where.children().filter((c) => c.isNamed() && c.kind() !== 'comment'));
    const select = call.keywords.get('select');
    if (select?.kind() === 'dictionary') out.push(...select.children().filter((c) => c.kind() === 'pair').map((p) => p.field('value')).filter((v): v is SyntaxNode => !!v));
    return out;
  }
  const first = call.args[0] ?? call.keywords.get('sql') ?? call.keywords.get('query') ?? call.keywords.get('statement') ?? call.keywords.get('operation');
  return first && first.kind() !== 'list_splat' && first.kind() !== 'dictionary_splat' ? [first] : [];
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

const JS_SINKS = /^(query|execute|raw|\$queryRawUnsafe|\$executeRawUnsafe|whereRaw|orWhereRaw|andWhereRaw|havingRaw|orHavingRaw|orderByRaw|groupByRaw|joinRaw|fromRaw|unsafe)$/;
/** Sinks whose argument is SQL by definition, so it need not look like a whole statement. */
const JS_FRAGMENT_SINKS = /^(raw|\$queryRawUnsafe|\$executeRawUnsafe|\w+Raw|unsafe)$/;
const JS_REQUEST = /\b(req|request|ctx\.request)\.(query|params|body|headers|cookies)\b|\bsearchParams\.get\(/;
const JS_SAFE_CALLS = /^(Number|parseInt|parseFloat|Math\.\w+|Number\.parseInt|Number\.parseFloat|\w+\.escape|\w+\.escapeId|escape|escapeId|escapeLiteral|escapeIdentifier|\w+\.escapeLiteral|\w+\.escapeIdentifier|format\.ident|format\.literal)$/;

function jsTemplateParts(node: SyntaxNode): { literal: string; holes: SyntaxNode[] } | undefined {
  if (node.kind() === 'string') return { literal: node.children().filter((c) => c.kind() === 'string_fragment' || c.kind() === 'escape_sequence').map((c) => c.text()).join(''), holes: [] };
  if (node.kind() !== 'template_string') return undefined;
  const literal = node.children().filter((c) => c.kind() === 'string_fragment' || c.kind() === 'escape_sequence').map((c) => c.text()).join('');
  const holes = node
    .children()
    .filter((c) => c.kind() === 'template_substitution')
    .map((c) => c.children().find((x) => x.isNamed() && x.kind() !== 'comment'))
    .filter((n): n is SyntaxNode => n !== undefined);
  return { literal, holes };
}

function flattenJsPlus(node: SyntaxNode, out: SyntaxNode[]): void {
  const n = unwrap(node);
  if (n.kind() === 'binary_expression' && n.field('operator')?.text() === '+') {
    const left = n.field('left');
    const right = n.field('right');
    if (left) flattenJsPlus(left, out);
    if (right) flattenJsPlus(right, out);
  } else out.push(n);
}

function analyzeJsExpression(expr: SyntaxNode): Built | undefined {
  const node = unwrap(expr);
  if (node.kind() === 'template_string') {
    const parts = jsTemplateParts(node);
    return parts?.holes.length ? { how: 'templateLiteral', literal: parts.literal, values: parts.holes } : undefined;
  }
  if (node.kind() === 'binary_expression' && node.field('operator')?.text() === '+') {
    const operands: SyntaxNode[] = [];
    flattenJsPlus(node, operands);
    const strings = operands.map(jsTemplateParts);
    if (!strings.some((s) => s !== undefined)) return undefined;
    const values = operands.flatMap((o, i) => strings[i]?.holes ?? [o]);
    if (!values.length) return undefined;
    const hasPlain = operands.some((_, i) => !strings[i]);
    return { how: hasPlain ? 'concatenation' : 'templateLiteral', literal: strings.map((s) => s?.literal ?? '').join(' '), values };
  }
  return undefined;
}

function analyzeJsArgument(arg: SyntaxNode, scope: Scope, before: number): { built: Built; via?: SyntaxNode; buildAt: SyntaxNode } | undefined {
  const node = unwrap(arg);
  if (node.kind() !== 'identifier') {
    const built = analyzeJsExpression(node);
    return built ? { built, buildAt: node } : undefined;
  }
  const assignments = jsAssignmentsBefore(scope.node, node.text(), before).filter((a) => a.kind === 'assign' || a.kind === 'augment');
  if (!assignments.length) return undefined;
  const literals: string[] = [];
  const pieces = assignments.map((a) => {
    const parts = jsTemplateParts(unwrap(a.value));
    if (parts && !parts.holes.length) literals.push(parts.literal);
    return analyzeJsExpression(a.value);
  });
  const built = mergeBuilt(pieces, literals);
  if (!built) return undefined;
  const first = assignments[pieces.findIndex((p) => p !== undefined)];
  return { built, via: node, buildAt: first.node };
}

function isJsSafeTypedParameter(name: string, scope: Scope): boolean {
  if (!scope.fn) return false;
  const params = scope.fn.field('parameters')?.children() ?? [];
  return params.some((p) => {
    const pattern = p.field('pattern');
    return pattern?.kind() === 'identifier' && pattern.text() === name && /^:\s*(number|bigint|boolean)$/.test(p.field('type')?.text() ?? '');
  });
}

function isJsAllowListed(expr: SyntaxNode, scope: Scope): boolean {
  const text = expr.text();
  return scope.node.findAll({ rule: { kind: 'call_expression' } }).some((c) => {
    const call = describeJsCall(c);
    return !!call && /\.(includes|has)$/.test(call.callee) && call.args.length === 1 && call.args[0].text() === text;
  });
}

function isJsPlaceholderString(node: SyntaxNode, scope: Scope, depth: number): boolean {
  const n = unwrap(node);
  const parts = jsTemplateParts(n);
  if (!parts) return isJsSafe(n, scope, depth + 1);
  if (!parts.holes.length) return true;
  return PLACEHOLDER.test(parts.literal) || parts.holes.every((h) => isJsSafe(h, scope, depth + 1));
}

/** `xs.map(() => '?').join(', ')`, `clauses.join(' AND ')` where every clause is a literal or safe. */
function isJsSafeJoin(call: SyntaxNode, scope: Scope, depth: number): boolean {
  const callee = call.field('function');
  const receiver = callee?.field('object');
  if (!receiver) return false;
  const r = unwrap(receiver);
  if (r.kind() === 'array') return r.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every((c) => isJsPlaceholderString(c, scope, depth));
  if (r.kind() === 'identifier') {
    if (depth > MAX_DEPTH) return false;
    const name = r.text();
    const assigned = jsAssignmentsBefore(scope.node, name, call.range().start.index).filter((a) => a.kind === 'assign');
    if (!assigned.length) return false;
    const pushed = scope.node.findAll({ rule: { kind: 'call_expression' } }).filter((c) => {
      const fn = c.field('function');
      return fn?.kind() === 'member_expression' && /^(push|unshift)$/.test(fn.field('property')?.text() ?? '') && fn.field('object')?.text() === name;
    });
    return (
      assigned.every((a) => {
        const v = unwrap(a.value);
        return v.kind() === 'array' && v.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every((c) => isJsPlaceholderString(c, scope, depth + 1));
      }) && pushed.every((c) => (describeJsCall(c)?.args ?? []).every((a) => isJsPlaceholderString(a, scope, depth + 1)))
    );
  }
  // `ids.map((_, i) => `$${i + 1}`)`, `Array(n).fill('?')`: every string inside is a bare placeholder.
  const strings = r.findAll({ rule: { any: [{ kind: 'string' }, { kind: 'template_string' }] } }).map(jsTemplateParts);
  return strings.length > 0 && strings.every((s) => !!s && (PLACEHOLDER.test(s.literal) || (!s.holes.length && /^[\s,]*$/.test(s.literal))));
}

function resolveJsName(name: string, scope: Scope, before: number): { assigned: ReturnType<typeof jsAssignmentsBefore>; scope: Scope } | undefined {
  let current: Scope | undefined = scope;
  let limit = before;
  while (current) {
    const assigned = jsAssignmentsBefore(current.node, name, limit);
    if (assigned.length) return { assigned, scope: current };
    if (!current.fn) return undefined;
    const params = current.fn.field('parameters')?.text() ?? current.fn.field('parameter')?.text() ?? '';
    if (new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(params)) return undefined;
    const inner: SyntaxNode = current.fn;
    const outer = enclosingJsFunction(inner);
    current = { node: outer ?? current.file.ast!, fn: outer, file: current.file };
    limit = outer ? inner.range().start.index : Number.MAX_SAFE_INTEGER;
  }
  return undefined;
}

function isJsLoopOverSafe(id: SyntaxNode, scope: Scope, depth: number): boolean {
  let current = id.parent();
  while (current && !sameNode(current, scope.node)) {
    if (current.kind() === 'for_in_statement' && current.field('left')?.text() === id.text() && /\bof\b/.test(current.text().slice(0, 200))) {
      const right = current.field('right');
      if (!right) return false;
      const r = unwrap(right);
      if (r.kind() === 'array') return r.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every((c) => isJsSafe(c, scope, depth + 1));
      return isJsSafe(r, scope, depth + 1);
    }
    current = current.parent();
  }
  return false;
}

function isJsSafe(expr: SyntaxNode, scope: Scope, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrap(expr);
  switch (node.kind()) {
    case 'string':
    case 'template_string': {
      const parts = jsTemplateParts(node);
      return !!parts && parts.holes.every((h) => isJsSafe(h, scope, depth + 1));
    }
    case 'number':
    case 'true':
    case 'false':
    case 'null':
    case 'undefined':
      return true;
    case 'identifier': {
      const name = node.text();
      if (UPPER_CONSTANT.test(name) || /placeholder/i.test(name) || name === 'undefined') return true;
      if (isJsSafeTypedParameter(name, scope) || isJsAllowListed(node, scope)) return true;
      if (isJsLoopOverSafe(node, scope, depth)) return true;
      const found = resolveJsName(name, scope, node.range().start.index);
      return !!found && found.assigned.every((a) => a.kind !== 'field' && a.kind !== 'rest' && isJsSafe(a.value, found.scope, depth + 1));
    }
    case 'member_expression': {
      const prop = node.field('property')?.text() ?? '';
      return UPPER_CONSTANT.test(prop) || prop === 'length' || isJsAllowListed(node, scope);
    }
    case 'subscript_expression': {
      const object = node.field('object');
      const base = object?.kind() === 'member_expression' ? object.field('property')?.text() : object?.text();
      return UPPER_CONSTANT.test(base ?? '');
    }
    case 'call_expression': {
      const call = describeJsCall(node);
      if (!call) return false;
      if (JS_SAFE_CALLS.test(call.callee)) return true;
      if (call.callee === 'String') return call.args.length === 1 && isJsSafe(call.args[0], scope, depth + 1);
      if (/\.join$/.test(call.callee)) return isJsSafeJoin(node, scope, depth + 1);
      return false;
    }
    case 'ternary_expression': {
      const a = node.field('consequence');
      const b = node.field('alternative');
      return !!a && !!b && isJsSafe(a, scope, depth + 1) && isJsSafe(b, scope, depth + 1);
    }
    case 'binary_expression': {
      const left = node.field('left');
      const right = node.field('right');
      return !!left && !!right && isJsSafe(left, scope, depth + 1) && isJsSafe(right, scope, depth + 1);
    }
    case 'unary_expression': {
      const arg = node.field('argument');
      return !!arg && isJsSafe(arg, scope, depth + 1);
    }
    default:
      return false;
  }
}

function isJsRequestValue(expr: SyntaxNode, scope: Scope, depth = 0): boolean {
  if (JS_REQUEST.test(expr.text())) return true;
  if (depth > 0) return false;
  const identifiers = expr.kind() === 'identifier' ? [expr] : expr.findAll({ rule: { kind: 'identifier' } });
  return identifiers.some((id) => jsAssignmentsBefore(scope.node, id.text(), id.range().start.index).some((a) => isJsRequestValue(a.value, scope, 1)));
}

// ---------------------------------------------------------------------------------------------

export default defineRule({
  meta: {
    id: 'sql-string-interpolation',
    category: 'security',
    title: 'SQL built by string interpolation',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'SQL Injection',
    effortHours: 1.5,
    messages: {
      fString: '`{{sink}}` runs SQL built with an f-string{{via}} that interpolates {{values}}{{origin}}.',
      percentFormat: '`{{sink}}` runs SQL built with `%` formatting{{via}} from {{values}}{{origin}}.',
      formatCall: '`{{sink}}` runs SQL built with `.format()`{{via}} from {{values}}{{origin}}.',
      concatenation: '`{{sink}}` runs SQL built by string concatenation{{via}} with {{values}}{{origin}}.',
      taintedQuery: '`{{sink}}` runs SQL whose text carries {{source}}.',
      templateLiteral: '`{{sink}}` runs SQL built with a template literal{{via}} that interpolates {{values}}.',
    },
    why: [
      'Text pasted into a SQL string becomes part of the statement. A value such as `1 OR 1=1` or',
      "`'; DROP TABLE users; --` changes what the query does: an attacker reads other users' rows,",
      'bypasses a login check, or deletes data. Escaping by hand misses cases (quotes, encodings,',
      'numeric contexts); the database driver only keeps data apart from code when the value is',
      'passed as a bound parameter.',
    ].join(' '),
    fix: [
      'Pass values as bound parameters and keep the SQL text constant. Table or column names cannot be',
      'parameters: pick them from a fixed allow-list.',
      '',
      'Python (DB-API / psycopg / sqlite3, asyncpg, SQLAlchemy):',
      '```python',
      'cursor.execute("SELECT * FROM users WHERE email = %s", (email,))   # sqlite3 uses ?',
      'row = await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)',
      'session.execute(text("SELECT * FROM users WHERE id = :id"), {"id": user_id})',
      '```',
      'TypeScript (node-postgres, Prisma, Knex):',
      '```ts',
      "await pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);",
      'await prisma.$queryRaw`SELECT * FROM users WHERE id = ${id}`;   // tagged template = parameterised',
      "await knex('users').whereRaw('lower(email) = ?', [email]);",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nasyncpg==0.29.0\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/users")\nasync def find_users(name: str):\n    conn = await app.state.pool.acquire()\n    return await conn.fetch(f"SELECT id, name FROM users WHERE name = \'{name}\'")\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nasyncpg==0.29.0\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/users")\nasync def find_users(name: str):\n    conn = await app.state.pool.acquire()\n    return await conn.fetch("SELECT id, name FROM users WHERE name = $1", name)\n',
      },
    },
    references: {
      cwe: [89],
      owasp: ['A03:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html'],
      equivalents: [
        'bandit:B608',
        'semgrep:python.lang.security.audit.formatted-sql-query.formatted-sql-query',
        'semgrep:python.sqlalchemy.security.sqlalchemy-execute-raw-query.sqlalchemy-execute-raw-query',
        'semgrep:javascript.lang.security.audit.sqli.node-postgres-sqli.node-postgres-sqli',
        'semgrep:javascript.lang.security.audit.sqli.node-knex-sqli.node-knex-sqli',
        'semgrep:javascript.express.security.injection.tainted-sql-string.tainted-sql-string',
      ],
    },
  },
  check(ctx) {
    const { files, report } = ctx;
    for (const file of files.ofKind('python', { containing: ['execute', 'fetch', 'text(', 'read_sql', '.raw(', '.extra(', 'exec_driver_sql'] })) {
      if (MIGRATION_PATH.test(file.path)) continue;
      for (const node of file.findAll({ kind: 'call' })) {
        const call = describePyCall(node);
        if (!call) continue;
        const fn = node.field('function');
        const name = fn?.kind() === 'attribute' ? (fn.field('attribute')?.text() ?? '') : fn?.kind() === 'identifier' ? fn.text() : '';
        if (!PY_SINKS.test(name)) continue;
        if (fn?.kind() === 'identifier' && !PY_BARE_SINKS.has(name)) continue;
        if (name === 'text' && fn?.kind() === 'attribute' && !/^(sa|sqlalchemy|sqlalchemy\.sql|sql|db)$/.test(fn.field('object')?.text() ?? '')) continue;
        const fnNode = enclosingPyFunction(node);
        const scope: Scope = { node: fnNode ?? file.ast!, fn: fnNode, file };
        for (const arg of pySinkArguments(call, name)) {
          const found = analyzePyArgument(arg, scope, node.range().start.index);
          if (!found) {
            // Built elsewhere (a helper's return, a caller's argument): report when request data is traced into it.
            const inner = unwrap(arg);
            const isConstant = !!pyStringParts(inner) && !pyStringParts(inner)!.holes.length;
            // `session.execute(text(f"…"))`: the inner `text()` call is the sink that gets reported.
            const isNestedSink = inner.kind() === 'call' && PY_SINKS.test(inner.field('function')?.text().split('.').pop() ?? '');
            const reached = isConstant || isNestedSink ? undefined : classifyPySinkArgument(ctx, file, arg, 'sql');
            if (reached?.kind !== 'tainted') continue;
            report({
              messageId: 'taintedQuery',
              at: sinkLocation(file, node, fn!),
              data: { sink: sinkLabel(fn!, name), source: describeTaintTrace(reached.trace) },
              related: [taintSourceLocation(reached.trace)],
              severity: 'critical',
              confidence: 'high',
            });
            break;
          }
          if (name !== 'extra' && !looksLikeSql(found.built.literal)) continue;
          const unsafe = found.built.values.filter((v) => !isPySafe(v, scope));
          if (!unsafe.length) continue;
          const taint = pyTaintAt(ctx, file, node);
          const trace = unsafe.map((v) => taint.traceOf(v, 'sql')).find((t) => t !== undefined);
          const fromRequest = !!trace || unsafe.some((v) => isPyRequestValue(v, scope));
          report({
            messageId: found.built.how,
            at: sinkLocation(file, node, fn!),
            data: {
              sink: sinkLabel(fn!, name),
              values: listValues(unsafe),
              via: found.via ? ` in \`${found.via.text()}\`` : '',
              // Say where the value comes from unless the value is the request read itself.
              origin: trace && !(trace.via.length === 0 && unsafe.some((v) => trace.source.includes(v.text()))) ? `, which comes from ${describeTaintTrace(trace)}` : '',
            },
            related: [...(found.via ? [file.locate(found.buildAt, 'SQL string built here')] : []), ...(trace ? [taintSourceLocation(trace)] : [])],
            ...(fromRequest ? { severity: 'critical' as const, confidence: 'high' as const } : {}),
          });
          break;
        }
      }
    }

    for (const file of files.ofKind('js', { containing: ['query', 'execute', 'raw', 'Raw', 'unsafe'] })) {
      if (MIGRATION_PATH.test(file.path)) continue;
      for (const node of file.findAll({ kind: 'call_expression' })) {
        const fn = node.field('function');
        const argList = node.field('arguments');
        if (!fn || argList?.kind() !== 'arguments') continue; // tagged templates (prisma.$queryRaw`…`) are parameterised
        const name = fn.kind() === 'member_expression' ? (fn.field('property')?.text() ?? '') : fn.kind() === 'identifier' ? fn.text() : '';
        if (!JS_SINKS.test(name)) continue;
        if (fn.kind() === 'identifier' && name !== 'query' && name !== 'execute') continue;
        const first = argList.children().find((c) => c.isNamed() && c.kind() !== 'comment');
        if (!first) continue;
        const fnNode = enclosingJsFunction(node);
        const scope: Scope = { node: fnNode ?? file.ast!, fn: fnNode, file };
        const found = analyzeJsArgument(first, scope, node.range().start.index);
        if (!found) continue;
        if (!JS_FRAGMENT_SINKS.test(name) && !looksLikeSql(found.built.literal)) continue;
        const unsafe = found.built.values.filter((v) => !isJsSafe(v, scope));
        if (!unsafe.length) continue;
        const fromRequest = unsafe.some((v) => isJsRequestValue(v, scope));
        report({
          messageId: found.built.how,
          at: sinkLocation(file, node, fn),
          data: { sink: sinkLabel(fn, name), values: listValues(unsafe), via: found.via ? ` in \`${found.via.text()}\`` : '', origin: '' },
          related: found.via ? [file.locate(found.buildAt, 'SQL string built here')] : [],
          ...(fromRequest ? { severity: 'critical' as const, confidence: 'high' as const } : {}),
        });
      }
    }
  },
});
