import { MOCK_NAME } from '../../facts/mock-data.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { jsStringValue } from '../../parse/js-syntax.ts';
import { describePyCall, enclosingPyFunction, pyFunctionName, pyStringValue } from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Flags that switch between real services and stand-ins. */
const MOCK_FLAG = /mock|fake|dummy|stub|simulat|demo_?mode|use_?demo/i;
const TRUTHY = /^(true|1|yes|on|y|enabled?)$/i;
/** Files that configure tests or local development only. */
const NOT_SHIPPED = /(^|\/)(tests?|testing|conftest\.py|settings\/(test|testing|local|dev|development)\.py|config\/(test|testing|local|dev|development)\.py|\.storybook|stories|mocks?|fixtures?)(\/|$|\.)/i;
/** What a missing value that triggers a fallback is: credentials, endpoints, clients. */
const CREDENTIAL = /key|token|secret|credential|password|client|url|endpoint|host|dsn|api|account|sid/i;

interface Flag {
  name: string;
  node: SyntaxNode;
  env?: string;
  expr: string;
  hardcoded: boolean;
}

export default defineRule({
  meta: {
    id: 'mock-mode-enabled-by-default',
    category: 'completeness',
    title: 'Mock mode on unless explicitly switched off',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Implementation Completeness',
    effortHours: 2,
    messages: {
      flagDefaultOn: '`{{name}}` turns mock mode on unless `{{env}}` is set to switch it off (`{{expr}}`), so a deployment that forgets the variable serves mock data.',
      flagHardcodedOn: '`{{name}}` is hard-coded on (`{{expr}}`), so every deployment serves mock data.',
      silentFallback: 'When {{condition}}, `{{function}}` falls back to mock data (`{{call}}`) instead of failing, so a missing or broken {{what}} in production goes unnoticed.',
    },
    why: [
      'A mock switch whose default is "on" makes the real integration opt-in: the production deployment that forgets one environment variable — or the one where the variable is spelled differently — quietly serves canned face matches, fake payment results or random scores, with a 200 status and no error anywhere.',
      '',
      'A fallback that swaps in mock data when an API key is missing or a call fails hides the outage it should report: health checks stay green, monitoring sees no errors, and users get data that was never computed.',
    ].join('\n'),
    fix: [
      'Make the real implementation the default, require mock mode to be asked for explicitly (and refuse it in production), and fail loudly when a credential is missing.',
      '',
      '```python',
      'class Settings(BaseSettings):',
      '    environment: Literal["development", "test", "production"] = "production"',
      '    face_recognition_mock: bool = False',
      '',
      '    @model_validator(mode="after")',
      '    def no_mocks_in_production(self):',
      '        if self.environment == "production" and self.face_recognition_mock:',
      '            raise ValueError("FACE_RECOGNITION_MOCK must not be set in production")',
      '        return self',
      '',
      '# and instead of `if not settings.qdrant_url: return mock_matches()`:',
      'if not settings.qdrant_url:',
      '    raise RuntimeError("QDRANT_URL is not configured")',
      '```',
      '',
      "Node: `const useMocks = process.env.USE_MOCKS === 'true'` (off unless asked), and throw at start-up when a required key is missing.",
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/face.py': [
          'import os',
          '',
          'FACE_RECOGNITION_MOCK = os.getenv("FACE_RECOGNITION_MOCK", "true").lower() == "true"',
          '',
          'def match_face(image):',
          '    if FACE_RECOGNITION_MOCK:',
          '        return {"match": True}',
          '    return search(image)',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/face.py': [
          'import os',
          '',
          'FACE_RECOGNITION_MOCK = os.getenv("FACE_RECOGNITION_MOCK", "false").lower() == "true"',
          '',
          'def match_face(image):',
          '    if FACE_RECOGNITION_MOCK:',
          '        return {"match": True}',
          '    return search(image)',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [1188, 684], urls: ['https://cwe.mitre.org/data/definitions/1188.html'] },
  },
  check({ files, report }) {
    for (const file of files.ofKind('python', { containing: ['mock', 'Mock', 'MOCK', 'fake', 'FAKE', 'dummy', 'stub', 'simulat', 'SIMULAT', 'demo', 'DEMO'], includeTests: false })) {
      if (!file.ast || NOT_SHIPPED.test(file.path)) continue;
      for (const flag of pythonFlags(file))
        report({
          messageId: flag.hardcoded ? 'flagHardcodedOn' : 'flagDefaultOn',
          at: file.locate(flag.node),
          data: { name: flag.name, env: flag.env ?? flag.name.toUpperCase(), expr: flag.expr },
        });
      for (const fallback of pythonFallbacks(file)) report({ messageId: 'silentFallback', at: file.locate(fallback.at), data: fallback.data });
    }
    for (const file of files.ofKind('js', { containing: ['mock', 'Mock', 'MOCK', 'fake', 'FAKE', 'dummy', 'stub', 'simulat', 'SIMULAT', 'demo', 'DEMO'], includeTests: false })) {
      if (!file.ast || NOT_SHIPPED.test(file.path)) continue;
      for (const flag of jsFlags(file))
        report({ messageId: flag.hardcoded ? 'flagHardcodedOn' : 'flagDefaultOn', at: file.locate(flag.node), data: { name: flag.name, env: flag.env ?? flag.name, expr: flag.expr } });
      for (const fallback of jsFallbacks(file)) report({ messageId: 'silentFallback', at: file.locate(fallback.at), data: fallback.data });
    }
  },
});

// ── Python ─────────────────────────────────────────────────────────────────────────────────

/** `os.getenv("X", "true")`, `os.environ.get("X", "1")`, `config("X", default=True)`, `env.bool("X", default=True)`: the variable and its default when unset. */
function pyEnvRead(node: SyntaxNode): { env: string; default: string | undefined } | undefined {
  if (node.kind() !== 'call') return undefined;
  const call = describePyCall(node)!;
  if (/(^|\.)(getenv|environ\.get|get_env|config|env|env\.bool|env\.str|get_bool|getenv_bool)$/.test(call.callee) || /^env\.(bool|str)$/.test(call.callee)) {
    const env = pyStringValue(call.args[0]);
    if (!env) return undefined;
    const d = call.keywords.get('default') ?? call.args[1];
    return { env, default: d ? (pyStringValue(d) ?? d.text()) : undefined };
  }
  // `os.getenv(...).lower()`, `bool(os.getenv(...))`, `strtobool(...)`
  const inner = call.callee.endsWith('.lower') || call.callee.endsWith('.strip') ? node.field('function')?.field('object') : call.args[0];
  return inner ? pyEnvRead(inner) : undefined;
}

/** Whether a flag expression is true when its variable is unset. */
function pyOnWhenUnset(expr: SyntaxNode): { env: string } | undefined {
  const read = pyEnvRead(expr);
  if (read) return read.default !== undefined && (TRUTHY.test(read.default) || read.default === 'True') ? { env: read.env } : undefined;
  if (expr.kind() === 'comparison_operator') {
    const parts = expr.children();
    const left = parts.find((c) => c.isNamed());
    const right = [...parts].reverse().find((c) => c.isNamed());
    const op = parts.filter((c) => !c.isNamed()).map((c) => c.text()).join(' ');
    const envRead = left ? pyEnvRead(left) : undefined;
    if (!envRead || !right) return undefined;
    const value = envRead.default?.toLowerCase();
    const compared = pyStringValue(right)?.toLowerCase();
    const list = right.kind() === 'tuple' || right.kind() === 'list' || right.kind() === 'set' ? right.children().map((c) => pyStringValue(c)?.toLowerCase()).filter((v): v is string => v !== undefined) : undefined;
    if (op === '==' && compared !== undefined) return value === compared ? { env: envRead.env } : undefined;
    if (op === '!=' && compared !== undefined) return value !== compared ? { env: envRead.env } : undefined;
    if (op === 'in' && list) return value !== undefined && list.includes(value) ? { env: envRead.env } : undefined;
    if (op === 'not in' && list) return value === undefined || !list.includes(value) ? { env: envRead.env } : undefined;
  }
  if (expr.kind() === 'not_operator') {
    const inner = expr.field('argument');
    const read2 = inner ? pyEnvRead(inner) : undefined;
    if (read2 && read2.default === undefined && /disable|no_?mock|real/i.test(read2.env)) return { env: read2.env };
  }
  return undefined;
}

function pythonFlags(file: ParsedFile): Flag[] {
  const out: Flag[] = [];
  for (const assign of file.findAll({ kind: 'assignment' })) {
    const left = assign.field('left');
    const right = assign.field('right');
    const name = left?.kind() === 'identifier' ? left.text() : left?.kind() === 'attribute' ? (left.field('attribute')?.text() ?? '') : '';
    if (!name || !MOCK_FLAG.test(name)) continue;
    const statement = assign.parent() ?? assign;
    const annotation = assign.field('type')?.text() ?? '';
    if (!right) continue;
    const on = pyOnWhenUnset(right);
    if (on) {
      out.push({ name, node: statement, env: on.env, expr: codeSpanText(right, 80), hardcoded: false });
      continue;
    }
    // `mock_mode: bool = True` in a settings class (overridable by env, on by default) or `MOCK_MODE = True` at module level.
    const value = right.kind() === 'call' && /(^|\.)Field$/.test(right.field('function')?.text() ?? '') ? (describePyCall(right)?.keywords.get('default') ?? describePyCall(right)?.args[0]) : right;
    if (value?.text() !== 'True') continue;
    if (enclosingPyFunction(assign)) continue; // a local toggled in code, not configuration
    const inSettings = /\b(BaseSettings|Settings|Config)\b/.test(classOf(assign)?.field('superclasses')?.text() ?? '') || /settings|config/i.test(file.path);
    out.push({ name, node: statement, env: inSettings ? name.toUpperCase() : undefined, expr: codeSpanText(statement, 80), hardcoded: !inSettings || !/bool/.test(annotation) });
  }
  return out;
}

function classOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent(); current; current = current.parent()) if (current.kind() === 'class_definition') return current;
  return undefined;
}

/** `if not settings.api_key: return mock_result()` and `except …: return fake_data()`. */
function pythonFallbacks(file: ParsedFile): { at: SyntaxNode; data: Record<string, string> }[] {
  const out: { at: SyntaxNode; data: Record<string, string> }[] = [];
  for (const node of file.findAll({ any: [{ kind: 'if_statement' }, { kind: 'except_clause' }] })) {
    const body = node.kind() === 'if_statement' ? node.field('consequence') : node.children().find((c) => c.kind() === 'block');
    if (!body) continue;
    const mockCall = body.findAll({ rule: { kind: 'call' } }).find((c) => MOCK_NAME.test((c.field('function')?.text() ?? '').split('.').pop() ?? ''));
    const mockSwitch = body.findAll({ rule: { kind: 'assignment' } }).find((a) => MOCK_FLAG.test(a.field('left')?.text() ?? '') && a.field('right')?.text() === 'True');
    const evidence = mockCall ?? mockSwitch;
    if (!evidence) continue;
    let condition: string;
    let what: string;
    if (node.kind() === 'if_statement') {
      const test = node.field('condition');
      const text = test?.text() ?? '';
      const absent = /^not\s+|\bis\s+None\b|==\s*(""|'')|^len\(.*\)\s*==\s*0/.test(text);
      if (!test || !absent || !CREDENTIAL.test(text) || MOCK_FLAG.test(text)) continue;
      condition = `\`${codeSpanText(test, 60)}\``;
      what = /key|token|secret|credential|password|sid/i.test(text) ? 'credential' : 'service configuration';
    } else {
      const caught = node.children().find((c) => c.isNamed() && c.kind() !== 'block' && c.kind() !== 'comment');
      condition = `the call fails (\`except${caught ? ` ${codeSpanText(caught, 40)}` : ''}\`)`;
      what = 'service';
    }
    const fn = enclosingPyFunction(node);
    if (fn && MOCK_NAME.test(pyFunctionName(fn))) continue; // inside the mock implementation itself
    out.push({ at: node, data: { condition, function: fn ? pyFunctionName(fn) : file.path, call: codeSpanText(evidence, 60), what } });
  }
  return out;
}

// ── JS / TS ────────────────────────────────────────────────────────────────────────────────

/** `process.env.X` / `process.env['X']` → X. */
function jsEnvName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const m = /^process\.env(?:\.(\w+)|\[\s*['"](\w+)['"]\s*\])$/.exec(node.text());
  return m ? (m[1] ?? m[2]) : undefined;
}

function jsFlags(file: ParsedFile): Flag[] {
  const out: Flag[] = [];
  for (const decl of file.findAll({ any: [{ kind: 'variable_declarator' }, { kind: 'pair' }, { kind: 'public_field_definition' }] })) {
    const nameNode = decl.field(decl.kind() === 'pair' ? 'key' : 'name');
    const name = nameNode ? (jsStringValue(nameNode) ?? nameNode.text()) : '';
    const value = decl.field('value');
    if (!name || !value || !MOCK_FLAG.test(name)) continue;
    const text = value.text();
    let env: string | undefined;
    let on = false;
    if (value.kind() === 'binary_expression') {
      const op = value.field('operator')?.text();
      const left = value.field('left');
      const right = value.field('right');
      env = jsEnvName(left);
      const literal = jsStringValue(right);
      if (env && (op === '!==' || op === '!=') && literal !== undefined && !TRUTHY.test(literal)) on = true; // unset !== 'false'
      if (env && (op === '??' || op === '||') && ((literal !== undefined && TRUTHY.test(literal)) || right?.text() === 'true')) on = true;
    } else if (value.kind() === 'unary_expression' && /^!\s*process\.env/.test(text)) {
      env = jsEnvName(value.children().find((c) => c.isNamed()));
      on = !!env && /disable|no_?mock|real/i.test(env);
    } else if (value.text() === 'true' && !decl.parent()?.parent()?.text().includes('process.env')) {
      if (/(^|\/)(config|settings|env)\b/i.test(file.path) || decl.kind() === 'variable_declarator') out.push({ name, node: decl, expr: codeSpanText(decl, 80), hardcoded: true });
      continue;
    }
    if (on) out.push({ name, node: decl, env, expr: codeSpanText(text, 80), hardcoded: false });
  }
  return out;
}

function jsFallbacks(file: ParsedFile): { at: SyntaxNode; data: Record<string, string> }[] {
  const out: { at: SyntaxNode; data: Record<string, string> }[] = [];
  for (const node of file.findAll({ any: [{ kind: 'if_statement' }, { kind: 'catch_clause' }] })) {
    const body = node.kind() === 'if_statement' ? node.field('consequence') : node.field('body');
    if (!body) continue;
    const mockCall = body.findAll({ rule: { kind: 'call_expression' } }).find((c) => MOCK_NAME.test((c.field('function')?.text() ?? '').split('.').pop() ?? ''));
    if (!mockCall) continue;
    let condition = 'the call throws (`catch`)';
    let what = 'service';
    if (node.kind() === 'if_statement') {
      const test = node.field('condition')?.text().replace(/^\(|\)$/g, '') ?? '';
      if (!/^!|===?\s*(undefined|null|'')/.test(test) || !CREDENTIAL.test(test) || MOCK_FLAG.test(test)) continue;
      condition = `\`${codeSpanText(test, 60)}\``;
      what = /key|token|secret|credential|password|sid/i.test(test) ? 'credential' : 'service configuration';
    }
    let fnName = file.path;
    for (let current = node.parent(); current; current = current.parent())
      if (/function|method_definition|arrow_function/.test(String(current.kind()))) {
        fnName = current.field('name')?.text() ?? (current.parent()?.kind() === 'variable_declarator' ? (current.parent()?.field('name')?.text() ?? 'handler') : 'handler');
        break;
      }
    if (MOCK_NAME.test(fnName)) continue;
    out.push({ at: node, data: { condition, function: fnName, call: codeSpanText(mockCall, 60), what } });
  }
  return out;
}
