/**
 * Signs that code serves made-up data: hard-coded result payloads (`return {"score": 0.85}`),
 * random numbers passed off as a score, calls to `mock_*` / `fake_*` / `dummy_*` functions, and
 * comments that call a return value mock or placeholder; plus mock switches that are on unless
 * someone turns them off, and fallbacks that quietly switch to mock data when a credential is
 * missing or a call fails. The completeness rules read these.
 */
import type { ParsedFile, SyntaxNode } from '../model/parsed-file.ts';
import { describeJsCall, isJsFunction, jsStringValue } from '../parse/js-syntax.ts';
import { describePyCall, pyFunctionName, pyOwnNodes, pyStringValue } from '../parse/python-syntax.ts';

/** Keys and names of computed results that a real implementation would measure. */
export const RESULT_NAME = /(score|confidence|quality|accuracy|similarity|probability|likelihood|sentiment|prediction|risk|fraud|match_?rate|relevance|rating|consistency|fidelity|certainty)/i;
/** Functions that compute such a result. */
const RESULT_FUNCTION = /(score|assess|evaluat|predict|classif|analy[sz]|detect|estimat|measure|rate_|rank|quality|similarity|sentiment|verify_face|match)/i;
/** Names of functions, classes and flags that stand in for the real thing. */
// Not 'placeholder' or 'canned': a SQL parameter placeholder() and a canned_reply (a support
// product's saved answers) are real features; comments that call data a placeholder still count.
export const MOCK_NAME = /(^|_)(mock|mocked|fake|dummy|stub|stubbed|hardcoded|simulated?)(_|$)|^(mock|fake|dummy|stub|simulate)[A-Z0-9]|[a-z0-9](Mock|Fake|Dummy|Stub)([A-Z0-9]|$)/;
/** A comment that says the value next to it is not real. */
const MOCK_COMMENT = /\b(mock(ed)?|fake|dummy|placeholder|hard-?coded|canned|simulated|made[- ]up|not real|for now|temporary|replace (this|with))\b/i;
const RANDOM_CALL = /^(random\.(uniform|random|randint|choice|gauss|triangular|betavariate|randrange)|np\.random\.\w+|numpy\.random\.\w+|uniform|randint|Math\.random)$/;

export interface MockEvidence {
  kind: 'constantResult' | 'randomResult' | 'mockCall' | 'mockComment';
  node: SyntaxNode;
  /** For messages: the literal, the random call, the mock function or the comment. */
  detail: string;
}

const isPy = (file: ParsedFile) => file.kind === 'python';
const shorten = (text: string, max = 70) => {
  const flat = text.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};

/** Number, string, boolean, None, and lists/dicts/tuples made only of them. */
function isConstant(node: SyntaxNode | null | undefined): boolean {
  if (!node) return false;
  switch (String(node.kind())) {
    case 'integer':
    case 'float':
    case 'number':
    case 'true':
    case 'false':
    case 'none':
    case 'null':
      return true;
    case 'string':
      return pyStringValue(node) !== undefined || jsStringValue(node) !== undefined;
    case 'unary_operator':
    case 'unary_expression':
      return /^-\s*[\d.]+$/.test(node.text());
    case 'dictionary':
    case 'object':
      return node.children().filter((c) => c.kind() === 'pair').every((p) => isConstant(p.field('value'))) && !node.children().some((c) => /spread|splat|shorthand/.test(String(c.kind())));
    case 'list':
    case 'tuple':
    case 'array':
      return node.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every(isConstant);
    default:
      return false;
  }
}

/** A numeric result value in a constant payload: `"score": 0.85`, `confidence: 92`. */
function constantResultPair(payload: SyntaxNode): SyntaxNode | undefined {
  for (const pair of payload.findAll({ rule: { kind: 'pair' } })) {
    const key = pair.field('key');
    const name = key ? (pyStringValue(key) ?? jsStringValue(key) ?? key.text()) : '';
    const value = pair.field('value');
    if (RESULT_NAME.test(name) && value && /^(float|integer|number)$/.test(String(value.kind())) && Number(value.text()) !== 0) return pair;
  }
  return undefined;
}

/** The values a function hands back: Python `return` values; JS `return` values and `res.json(x)` / `Response.json(x)` payloads. */
function returnedValues(file: ParsedFile, fn: SyntaxNode): { statement: SyntaxNode; value: SyntaxNode }[] {
  const out: { statement: SyntaxNode; value: SyntaxNode }[] = [];
  if (isPy(file)) {
    for (const ret of pyOwnNodes(fn, 'return_statement')) {
      let value = ret.children().find((c) => c.isNamed());
      // `return JSONResponse({...})`, `return jsonify({...})`, `return Model(**{...})`
      if (value?.kind() === 'call') value = describePyCall(value)?.args.find((a) => a.kind() === 'dictionary') ?? describePyCall(value)?.keywords.get('content') ?? value;
      if (value) out.push({ statement: ret, value });
    }
    return out;
  }
  for (const node of fn.findAll({ rule: { any: [{ kind: 'return_statement' }, { kind: 'call_expression' }] } })) {
    if (ownerFunction(node) !== fn.range().start.index) continue;
    if (node.kind() === 'return_statement') {
      let value = node.children().find((c) => c.isNamed());
      if (value?.kind() === 'call_expression') value = describeJsCall(value)?.args[0] ?? value;
      if (value) out.push({ statement: node, value });
      continue;
    }
    const call = describeJsCall(node);
    if (call && /(\.(json|send)|^(NextResponse|Response)\.json)$/.test(call.callee) && call.args[0]) out.push({ statement: node, value: call.args[0] });
  }
  return out;
}

function ownerFunction(node: SyntaxNode): number {
  for (let current = node.parent(); current; current = current.parent()) if (isJsFunction(current)) return current.range().start.index;
  return -1;
}

/** Whether a node runs on every call of `fn`: not under an `if`, a loop, a `try`/`except` or a conditional expression. */
export function runsUnconditionally(node: SyntaxNode, fn: SyntaxNode): boolean {
  const stop = fn.range().start.index;
  for (let current = node.parent(); current && current.range().start.index > stop; current = current.parent()) {
    if (/^(if_statement|elif_clause|else_clause|conditional_expression|ternary_expression|try_statement|except_clause|catch_clause|for_statement|while_statement|for_in_statement|match_statement|switch_statement|binary_expression|boolean_operator)$/.test(String(current.kind()))) {
      if (current.kind() === 'binary_expression' && !/&&|\|\||\?\?/.test(current.field('operator')?.text() ?? '')) continue;
      return false;
    }
  }
  return true;
}

/** Comments of a function by line (1-based); tool directives (`# shipgate-ignore: …`, `# noqa`) map to ''. */
function commentsByLine(file: ParsedFile, fn: SyntaxNode): Map<number, string> {
  const out = new Map<number, string>();
  for (const c of fn.findAll({ rule: { kind: 'comment' } })) {
    const directive = /^(#|\/\/|\/\*)\s*(ruleid|ok|todoruleid|todook|shipgate-ignore|noqa|type:|eslint|@ts-|pylint|nosec)\b/.test(c.text());
    out.set(c.range().start.line + 1, directive ? '' : c.text());
  }
  return out;
}

/** The comment on a line or in the comment block right above it that says the value is not real. */
function mockCommentAt(comments: Map<number, string>, line: number): string | undefined {
  if (MOCK_COMMENT.test(comments.get(line) ?? '')) return comments.get(line);
  for (let l = line - 1; comments.has(l); l--) if (MOCK_COMMENT.test(comments.get(l)!)) return comments.get(l);
  return undefined;
}

/** Evidence that a function serves made-up data, strongest first; [] for real code. */
export function mockEvidence(file: ParsedFile, fn: SyntaxNode): MockEvidence[] {
  const out: MockEvidence[] = [];
  const name = isPy(file) ? pyFunctionName(fn) : (fn.field('name')?.text() ?? '');
  const comments = commentsByLine(file, fn);
  for (const { statement, value } of returnedValues(file, fn)) {
    const line = statement.range().start.line + 1;
    const comment = mockCommentAt(comments, line);
    if ((value.kind() === 'dictionary' || value.kind() === 'object') && isConstant(value)) {
      const pair = constantResultPair(value);
      if (pair) out.push({ kind: 'constantResult', node: statement, detail: shorten(pair.text(), 50) });
      else if (comment) out.push({ kind: 'mockComment', node: statement, detail: shorten(comment.replace(/^(#|\/\/)\s*/, ''), 60) });
      continue;
    }
    if (/^(float|number)$/.test(String(value.kind())) && RESULT_FUNCTION.test(name) && /\./.test(value.text())) {
      out.push({ kind: 'constantResult', node: statement, detail: value.text() });
      continue;
    }
    if (comment && isConstant(value)) out.push({ kind: 'mockComment', node: statement, detail: shorten(comment.replace(/^(#|\/\/)\s*/, ''), 60) });
  }
  // random numbers standing in for a measured result
  const callKind = isPy(file) ? 'call' : 'call_expression';
  for (const call of fn.findAll({ rule: { kind: callKind } })) {
    const callee = call.field('function')?.text() ?? '';
    if (!RANDOM_CALL.test(callee)) continue;
    const target = resultTarget(call);
    if ((target && RESULT_NAME.test(target)) || (RESULT_FUNCTION.test(name) && RESULT_NAME.test(name) && isReturned(call))) {
      out.push({ kind: 'randomResult', node: call, detail: `${target ?? name} = ${shorten(call.text(), 40)}` });
    }
  }
  for (const call of isPy(file) ? pyOwnNodes(fn, 'call') : fn.findAll({ rule: { kind: 'call_expression' } })) {
    const label = call.field('function')?.text() ?? '';
    const last = label.split('.').pop() ?? label;
    if (MOCK_NAME.test(last) && !/^(mock|patch|MagicMock|Mock|AsyncMock)$/.test(last) && runsUnconditionally(call, fn)) out.push({ kind: 'mockCall', node: call, detail: label });
  }
  const order: MockEvidence['kind'][] = ['constantResult', 'randomResult', 'mockCall', 'mockComment'];
  return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.node.range().start.index - b.node.range().start.index);
}

/** The name a value is stored under: a dict key, a keyword, an assignment target. */
function resultTarget(node: SyntaxNode): string | undefined {
  for (let current = node.parent(), depth = 0; current && depth < 4; current = current.parent(), depth++) {
    const kind = String(current.kind());
    if (kind === 'pair') {
      const key = current.field('key');
      return key ? (pyStringValue(key) ?? jsStringValue(key) ?? key.text()) : undefined;
    }
    if (kind === 'keyword_argument') return current.field('name')?.text();
    if (kind === 'assignment' || kind === 'variable_declarator' || kind === 'assignment_expression') return (current.field('left') ?? current.field('name'))?.text();
    if (/statement|block/.test(kind)) return undefined;
  }
  return undefined;
}

function isReturned(node: SyntaxNode): boolean {
  for (let current = node.parent(), depth = 0; current && depth < 4; current = current.parent(), depth++) {
    if (current.kind() === 'return_statement') return true;
    if (/statement|block/.test(String(current.kind()))) return false;
  }
  return false;
}

export { isConstant as isConstantValue };
