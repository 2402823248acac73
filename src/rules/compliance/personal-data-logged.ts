import { classifyPersonalName, personalDataFacts, type PersonalName } from '../../facts/personal-data.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { findJsCalls } from '../../parse/js-syntax.ts';
import { enclosingPyFunction, findPyCalls, pyParameters, pyStringValue } from '../../parse/python-syntax.ts';

const PY_LOG = /(^|\.)(debug|info|warning|warn|error|exception|critical|log)$|^print$/;
const PY_LOGGER = /(^|\.)_*(log|logger|logging|structlog|[a-z0-9_]*_log|[a-z0-9_]*_?logger)(\(\))?\.\w+$|^print$|^structlog\.get_logger\(\)\.\w+$/i;
const JS_LOG = /^(console\.(log|info|warn|error|debug)|(this\.)?(logger|log|fastify\.log|req\.log|request\.log|app\.log)\.(info|warn|error|debug|trace|fatal|log))$/;
/** Calls whose result hides the value: masking, hashing, counting. Anything else shows its argument. */
const HIDES = /(^|\.)(mask\w*|redact\w*|hash\w*|sha\d*|md5|hexdigest|len|length|bool|anonymi[sz]e\w*|pseudonymi[sz]e\w*|truncate\w*|obfuscate\w*|scrub\w*)$/i;
const PY_NOT_ARGUMENT = new Set(['exc_info', 'stack_info', 'stacklevel', 'sep', 'end', 'file', 'flush']);

export default defineRule({
  meta: {
    id: 'personal-data-logged',
    category: 'compliance',
    title: 'Personal data written to logs',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['compliance'],
    scorecard: 'PII in Logs',
    effortHours: 0.5,
    messages: {
      logged: '`{{call}}` writes {{what}} to the logs: `{{expr}}`.',
    },
    why: [
      'Logs are shipped to aggregators and error trackers, kept for months, copied into tickets and read by far more people than the database. Personal data there escapes the access control, retention and erasure the application applies to its database: a GDPR erasure request cannot reach it (Art. 5(1)(c) data minimisation, Art. 17), and health data in logs is a HIPAA disclosure outside the minimum necessary (§164.502(b)).',
      'Secrets and health fields in Python logs are reported by `sensitive-data-logged` for every audit; this rule adds contact, identifying and special-category data when a compliance profile is on.',
    ].join('\n'),
    fix: [
      'Log an internal identifier instead of the person\'s data, or mask it; add a logging filter as a safety net:',
      '',
      '```python',
      'logger.info("signup completed", extra={"user_id": user.id})',
      'logger.info("reminder sent to %s", mask_email(user.email))  # j***@example.com',
      '```',
      '```ts',
      "logger.info({ userId: user.id }, 'signup completed');",
      "const logger = pino({ redact: ['*.email', '*.phone', '*.address'] });",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'shipgate.config.json': '{ "profile": "gdpr" }\n',
        'requirements.txt': 'flask==3.0.3\n',
        'signup.py': 'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef welcome(user):\n    logger.info("new signup %s at %s", user.email, user.phone_number)\n',
      },
      good: {
        'shipgate.config.json': '{ "profile": "gdpr" }\n',
        'requirements.txt': 'flask==3.0.3\n',
        'signup.py': 'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef welcome(user):\n    logger.info("new signup", extra={"user_id": user.id})\n',
      },
    },
    references: { cwe: [532, 359], owasp: ['A09:2021'], urls: ['https://gdpr-info.eu/art-5-gdpr/', 'https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude'] },
  },
  check({ index, files, report }) {
    // Models that hold personal data: logging a whole instance (`body.model_dump()`, `vars(user)`) writes every field.
    const sensitive = new Map<string, PersonalName>();
    for (const f of personalDataFacts(index, files).fields) if (!sensitive.has(f.model) || f.personal!.category === 'health') sensitive.set(f.model, f.personal!);
    for (const file of files.ofKind('python', { containing: ['log', 'print'], includeTests: false })) {
      for (const call of findPyCalls(file.ast, PY_LOG)) {
        if (!PY_LOGGER.test(call.callee)) continue;
        const values = [...call.args, ...[...call.keywords].filter(([k]) => !PY_NOT_ARGUMENT.has(k)).map(([, v]) => v)];
        const hit = firstHit(values, walkPython) ?? wholeModel(call.node, values, sensitive);
        // A named health field in Python logs is sensitive-data-logged's finding; a whole model holding one is not.
        if (hit && (hit.name.category !== 'health' || hit.name.what.startsWith('every field'))) reportHit(file, call.node, call.callee, hit, report);
      }
    }
    for (const file of files.ofKind('js', { containing: ['log'], includeTests: false })) {
      for (const call of findJsCalls(file.ast, JS_LOG)) {
        const hit = firstHit(call.args, walkJs);
        if (hit) reportHit(file, call.node, call.callee, hit, report);
      }
    }
  },
});

/** `logger.info("%s", body.model_dump())` where `body: SessionRequest` and the model holds personal fields. */
function wholeModel(call: SyntaxNode, values: SyntaxNode[], sensitive: Map<string, PersonalName>): Hit | undefined {
  if (!sensitive.size) return undefined;
  const fn = enclosingPyFunction(call);
  if (!fn) return undefined;
  const types = new Map(pyParameters(fn).map((p) => [p.name, p.annotation?.text() ?? '']));
  for (const value of values) {
    for (const node of [value, ...value.findAll({ rule: { kind: 'call' } })]) {
      const m = /^(?:vars|asdict|dict)\((\w+)\)$|^(\w+)\.(model_dump|dict|model_dump_json|json|__dict__)(\(\))?$/.exec(node.text());
      const name = m?.[1] ?? m?.[2];
      const type = name ? types.get(name) : undefined;
      const model = type ? [...sensitive.keys()].find((k) => new RegExp(`\\b${k}\\b`).test(type)) : undefined;
      if (model) return { name: { category: sensitive.get(model)!.category, what: `every field of \`${model}\`, including ${sensitive.get(model)!.what}` }, node };
    }
  }
  return undefined;
}

interface Hit {
  name: PersonalName;
  node: SyntaxNode;
}

function firstHit(values: SyntaxNode[], walk: (node: SyntaxNode, hits: Hit[], depth: number) => void): Hit | undefined {
  const hits: Hit[] = [];
  for (const v of values) walk(v, hits, 0);
  const rank = { health: 0, identifier: 1, special: 2, financial: 3, contact: 4 };
  return hits.sort((a, b) => rank[a.name.category] - rank[b.name.category])[0];
}

function reportHit(file: ParsedFile, call: SyntaxNode, callee: string, hit: Hit, report: (r: { messageId: 'logged'; at: ReturnType<ParsedFile['locate']>; data: Record<string, string>; severity?: 'high' | 'medium' }) => void): void {
  const flat = hit.node.text().replace(/\s+/g, ' ');
  report({
    messageId: 'logged',
    at: file.locate(call),
    data: { call: callee, what: hit.name.what, expr: flat.length > 60 ? `${flat.slice(0, 57)}…` : flat },
    severity: hit.name.category === 'contact' || hit.name.category === 'financial' ? 'medium' : 'high',
  });
}

function named(name: string | undefined, node: SyntaxNode, hits: Hit[]): boolean {
  const hit = name ? classifyPersonalName(name) : undefined;
  if (hit) hits.push({ name: hit, node });
  return !!hit;
}

function walkPython(node: SyntaxNode, hits: Hit[], depth: number): void {
  if (depth > 6) return;
  switch (String(node.kind())) {
    case 'identifier':
      named(node.text(), node, hits);
      return;
    case 'attribute':
      named(node.field('attribute')?.text(), node, hits);
      return;
    case 'subscript': {
      const key = node.field('subscript');
      if (key && key.kind() !== 'slice') named(pyStringValue(key), node, hits);
      return;
    }
    case 'call': {
      const callee = node.field('function')?.text() ?? '';
      if (HIDES.test(callee)) return;
      if (/\.get$/.test(callee)) {
        const first = node.field('arguments')?.children().find((c) => c.isNamed());
        if (named(pyStringValue(first), node, hits)) return;
      }
      if (!/^(str|repr|format|f|dict|list|tuple)$|\.format$|\.join$/.test(callee)) return;
      for (const c of node.field('arguments')?.children() ?? []) if (c.isNamed()) walkPython(c, hits, depth + 1);
      return;
    }
    case 'string':
      for (const part of node.children()) {
        if (part.kind() !== 'interpolation') continue;
        const inner = part.children().find((c) => c.isNamed() && c.kind() !== 'type_conversion' && c.kind() !== 'format_specifier');
        if (inner) walkPython(inner, hits, depth + 1);
      }
      return;
    case 'pair': {
      const value = node.field('value');
      if (value && ['identifier', 'attribute', 'subscript'].includes(String(value.kind())) && named(pyStringValue(node.field('key')), node, hits)) return;
      if (value) walkPython(value, hits, depth + 1);
      return;
    }
    case 'keyword_argument':
      if (node.field('value')) walkPython(node.field('value')!, hits, depth + 1);
      return;
    default:
      for (const c of node.children()) if (c.isNamed() && c.kind() !== 'comment') walkPython(c, hits, depth + 1);
  }
}

function walkJs(node: SyntaxNode, hits: Hit[], depth: number): void {
  if (depth > 6) return;
  switch (String(node.kind())) {
    case 'identifier':
    case 'shorthand_property_identifier':
      named(node.text(), node, hits);
      return;
    case 'member_expression':
      named(node.field('property')?.text(), node, hits);
      return;
    case 'subscript_expression': {
      const index = node.field('index');
      if (index?.kind() === 'string') named(index.text().slice(1, -1), node, hits);
      return;
    }
    case 'call_expression': {
      const callee = node.field('function')?.text() ?? '';
      if (HIDES.test(callee) || !/^(String|JSON\.stringify|Object\.assign)$|\.(join|toString|concat)$/.test(callee)) return;
      for (const c of node.field('arguments')?.children() ?? []) if (c.isNamed()) walkJs(c, hits, depth + 1);
      return;
    }
    case 'pair': {
      const value = node.field('value');
      const key = node.field('key')?.text().replace(/^['"]|['"]$/g, '');
      if (value && ['identifier', 'member_expression'].includes(String(value.kind())) && named(key, node, hits)) return;
      if (value) walkJs(value, hits, depth + 1);
      return;
    }
    case 'string':
    case 'number':
    case 'arrow_function':
    case 'function_expression':
      return;
    default:
      for (const c of node.children()) if (c.isNamed() && c.kind() !== 'comment') walkJs(c, hits, depth + 1);
  }
}
