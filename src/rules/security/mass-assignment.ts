import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule } from '../../model/rule.ts';
import { describeJsCall, enclosingJsFunction, jsAssignmentsBefore } from '../../parse/js-syntax.ts';
import { describePyCall, enclosingPyFunction, pyAssignmentsBefore, pyClientInputParameters, pyDecorators, pyStringValue } from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Fields a client must never choose for itself. */
const SENSITIVE_FIELD =
  /^(id|pk|is_?admin|admin|is_?superuser|superuser|is_?staff|staff|role|roles|permissions?|scopes?|is_?active|is_?verified|verified|email_?verified|is_?approved|approved|owner_?id|user_?id|tenant_?id|org_?id|organi[sz]ation_?id|account_?id|team_?id|created_by|balance|credits?|plan|tier|subscription\w*|password_?hash|hashed_?password|stripe_\w+|api_?key|groups?|group_?ids?|is_?banned|banned|deleted_?at|created_?at)$/i;

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    const kind = current.kind();
    if (kind !== 'parenthesized_expression' && kind !== 'await' && kind !== 'await_expression' && kind !== 'as_expression' && kind !== 'non_null_expression' && kind !== 'satisfies_expression') return current;
    const inner = current.children().find((c) => c.isNamed() && c.kind() !== 'comment');
    if (!inner) return current;
    current = inner;
  }
}

/** Where request data came from, and what makes it dangerous (fields of the schema) when known. */
interface Source {
  text: string;
  detail: string;
}

// ---------------------------------------------------------------------------------------------
// Python classes: which names are validation schemas (their fields are an allow-list) and which are ORM models.

interface PyClass {
  name: string;
  bases: string[];
  table: boolean;
  dataclass: boolean;
  fields: string[];
  /** Pydantic `extra="allow"` (v2 `model_config`, v1 `class Config`): undeclared fields pass validation too. */
  extraAllowed: boolean;
}

const SCHEMA_BASE = /^(BaseModel|pydantic\.BaseModel|BaseSettings|Schema|ma\.Schema|TypedDict|Struct|msgspec\.Struct|ModelSchema|serializers\.Serializer|serializers\.ModelSerializer|Serializer|ModelSerializer)$/;
const ORM_BASE = /^(db\.Model|Base|DeclarativeBase|models\.Model|Model|Document|AbstractUser|AbstractBaseUser|Table)$/;
const SCHEMA_NAME = /(Schema|In|Create|Update|Patch|Request|Payload|Body|Input|Params|DTO|Dto|Form|Data)$/;

function collectPyClasses(files: ParsedFiles): Map<string, PyClass> {
  const out = new Map<string, PyClass>();
  for (const file of files.ofKind('python', { containing: ['class '] })) {
    for (const cls of file.findAll({ kind: 'class_definition' })) {
      const name = cls.field('name')?.text();
      if (!name) continue;
      const args = cls.field('superclasses')?.children().filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [];
      const bases = args.filter((a) => a.kind() !== 'keyword_argument').map((a) => a.text());
      const table = args.some((a) => a.kind() === 'keyword_argument' && a.field('name')?.text() === 'table' && a.field('value')?.text() === 'True');
      const dataclass = pyDecorators(cls).some((d) => /(^|\.)dataclass\b/.test(d.text()));
      const fields: string[] = [];
      for (const stmt of cls.field('body')?.children() ?? []) {
        if (stmt.kind() !== 'expression_statement') continue;
        const assign = stmt.children().find((c) => c.kind() === 'assignment');
        const left = assign?.field('left');
        if (left?.kind() === 'identifier' && !left.text().startsWith('_') && left.text() !== 'model_config') fields.push(left.text());
      }
      const extraAllowed = /\bextra["']?\s*[=:]\s*(["']allow["']|Extra\.allow)/.test(cls.field('body')?.text() ?? '');
      if (!out.has(name)) out.set(name, { name, bases, table, dataclass, fields, extraAllowed });
    }
  }
  return out;
}

function classKind(name: string, classes: Map<string, PyClass>, depth = 0): 'schema' | 'orm' | undefined {
  const cls = classes.get(name);
  if (!cls || depth > 5) return undefined;
  if (cls.table) return 'orm';
  if (cls.dataclass) return 'schema';
  for (const base of cls.bases) {
    if (base === 'SQLModel') return 'schema'; // without table=True: a plain pydantic model
    if (SCHEMA_BASE.test(base)) return 'schema';
    if (ORM_BASE.test(base)) return 'orm';
    const inherited = classKind(base.split('.').pop() ?? base, classes, depth + 1);
    if (inherited) return inherited;
  }
  return undefined;
}

function classFields(name: string, classes: Map<string, PyClass>, depth = 0): string[] {
  const cls = classes.get(name);
  if (!cls || depth > 5) return [];
  return [...cls.fields, ...cls.bases.flatMap((b) => classFields(b.split('.').pop() ?? b, classes, depth + 1))];
}

/** The class named by an annotation: `UserUpdate`, `schemas.UserUpdate`, `Annotated[UserUpdate, Body()]`, `UserUpdate | None`. */
function annotationClass(annotation: SyntaxNode | undefined): string | undefined {
  if (!annotation) return undefined;
  let text = annotation.text().replace(/\s+/g, '');
  const annotated = /^Annotated\[([^,\]]+)/.exec(text);
  if (annotated) text = annotated[1];
  const optional = /^Optional\[(.+)\]$/.exec(text);
  if (optional) text = optional[1];
  text = text.replace(/\|None$/, '').replace(/^None\|/, '');
  return /^[\w.]+$/.test(text) ? text.split('.').pop() : undefined;
}

/**
 * A schema whose fields are an allow-list without sensitive names is safe to copy; a schema that
 * declares `role`, a table model, or an unknown class is not. Returns the detail for the message,
 * or undefined when copying the schema is safe.
 */
function schemaRisk(className: string | undefined, classes: Map<string, PyClass>, excluded: string[]): string | undefined {
  if (!className) return '';
  const kind = classKind(className, classes);
  if (kind === 'orm') return ` (\`${className}\` is the table model itself, so every column is writable)`;
  if (kind !== 'schema') return '';
  if (classes.get(className)?.extraAllowed) return ` (\`${className}\` allows extra fields, so the client can send any column name)`;
  const sensitive = [...new Set(classFields(className, classes))].filter((f) => SENSITIVE_FIELD.test(f) && !excluded.includes(f));
  if (!sensitive.length) return undefined;
  return `, including ${sensitive.slice(0, 3).map((f) => `\`${f}\``).join(', ')} declared on \`${className}\``;
}

// ---------------------------------------------------------------------------------------------
// Python request data

const PY_RAW_REQUEST =
  /^(request\.(json|form|values|data|POST|GET|args)(\.(to_dict|dict|copy)\(\))?|request\.get_json\([^)]*\)|request\.(json|form|body)\(\)|dict\(request\.(form|args|values|POST|GET|data)\)|json\.loads\(request\.(body|data|get_data\(\))\))$/;
const PY_DICT_TYPE = /^(dict|Dict|Dict\[.*\]|dict\[.*\]|Any|Mapping|Mapping\[.*\]|Json|JSON)$/;

function excludedNames(call: SyntaxNode): string[] {
  const exclude = describePyCall(call)?.keywords.get('exclude');
  if (!exclude) return [];
  return exclude.findAll({ rule: { kind: 'string' } }).map((s) => pyStringValue(s) ?? '').filter(Boolean);
}

function pyRequestSource(expr: SyntaxNode, fn: SyntaxNode | undefined, classes: Map<string, PyClass>, depth = 0): Source | undefined {
  const node = unwrap(expr);
  const text = node.text().replace(/\s+/g, '');
  if (PY_RAW_REQUEST.test(text)) return { text: expr.text(), detail: '' };
  if (!fn) return undefined;
  const clientParams = pyClientInputParameters(fn);
  if (node.kind() === 'call') {
    const callee = node.field('function');
    if (callee?.kind() === 'identifier' && callee.text() === 'dict') {
      const arg = describePyCall(node)?.args[0];
      return arg ? pyRequestSource(arg, fn, classes, depth) : undefined;
    }
    const method = callee?.kind() === 'attribute' ? callee.field('attribute')?.text() : undefined;
    const receiver = callee?.field('object');
    if ((method === 'dict' || method === 'model_dump') && receiver?.kind() === 'identifier') {
      if (describePyCall(node)?.keywords.has('include')) return undefined;
      const param = clientParams.find((p) => p.name === receiver.text());
      if (!param) return undefined;
      const detail = schemaRisk(annotationClass(param.annotation), classes, excludedNames(node));
      return detail === undefined ? undefined : { text: node.text(), detail };
    }
    return undefined;
  }
  if (node.kind() !== 'identifier') return undefined;
  const param = clientParams.find((p) => p.name === node.text());
  if (param) {
    const type = param.annotation?.text().replace(/\s+/g, '') ?? '';
    return PY_DICT_TYPE.test(type) ? { text: node.text(), detail: '' } : undefined;
  }
  if (depth > 0) return undefined;
  for (const a of pyAssignmentsBefore(fn, node.text(), node.range().start.index)) {
    if (a.augmented) continue;
    const found = pyRequestSource(a.value, fn, classes, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A pydantic route parameter iterated directly: `for field, value in payload:`. */
function pyIteratedSchema(expr: SyntaxNode, fn: SyntaxNode | undefined, classes: Map<string, PyClass>): Source | undefined {
  if (!fn || expr.kind() !== 'identifier') return undefined;
  const param = pyClientInputParameters(fn).find((p) => p.name === expr.text());
  const cls = annotationClass(param?.annotation);
  if (!param || !cls || PY_DICT_TYPE.test(cls)) return undefined;
  const detail = schemaRisk(cls, classes, []);
  return detail === undefined ? undefined : { text: expr.text(), detail };
}

// ---------------------------------------------------------------------------------------------
// JavaScript request data

const JS_BODY = /^(req|request|ctx\.request)\.body$/;
const JS_JSON_BODY = /^(req|request)\.json\(\)$/;

function jsRequestSource(expr: SyntaxNode, scope: SyntaxNode, depth = 0): Source | undefined {
  const node = unwrap(expr);
  const text = node.text().replace(/\s+/g, '');
  if (JS_BODY.test(text)) return { text: node.text().replace(/\s+/g, ' '), detail: '' };
  if (JS_JSON_BODY.test(text)) return { text: expr.kind() === 'await_expression' ? expr.text() : node.text(), detail: '' };
  if (node.kind() === 'object') {
    for (const child of node.children()) {
      if (child.kind() !== 'spread_element') continue;
      const inner = child.children().find((c) => c.isNamed());
      const found = inner ? jsRequestSource(inner, scope, depth) : undefined;
      if (found) return { text: `{ ...${found.text} }`, detail: found.detail };
    }
    return undefined;
  }
  if (node.kind() === 'call_expression') {
    const call = describeJsCall(node);
    if (call?.callee === 'Object.assign' && call.args[0]?.kind() === 'object') {
      for (const arg of call.args.slice(1)) {
        const found = jsRequestSource(arg, scope, depth);
        if (found) return found;
      }
    }
    return undefined;
  }
  if ((node.kind() !== 'identifier' && node.kind() !== 'shorthand_property_identifier') || depth > 1) return undefined;
  for (const a of jsAssignmentsBefore(scope, node.text(), node.range().start.index)) {
    if (a.kind === 'assign') {
      const found = jsRequestSource(a.value, scope, depth + 1);
      if (found) return found;
    }
    if (a.kind === 'rest') {
      const found = jsRequestSource(a.value, scope, depth + 1);
      const pattern = a.node.field('name');
      const omitted = (pattern?.children() ?? [])
        .map((c) => (c.kind() === 'shorthand_property_identifier_pattern' ? c.text() : c.kind() === 'pair_pattern' ? c.field('key')?.text() : undefined))
        .filter((k): k is string => !!k);
      if (found) return { text: found.text, detail: omitted.length ? ` (all but ${omitted.map((k) => `\`${k}\``).join(', ')})` : '' };
    }
  }
  return undefined;
}

const JS_WRITE_METHODS =
  /^(create|createMany|update|updateMany|upsert|save|insert|insertOne|insertMany|updateOne|replaceOne|findByIdAndUpdate|findOneAndUpdate|build|bulkCreate|merge|set)$/;
/** Receivers whose `update`/`set` are not record writes: hashes, responses, headers, maps, caches. */
const JS_NOT_A_RECORD =
  /(hash|hmac|crypto|cipher|sign|verif|digest)|\b(res|response|headers|searchParams|url|cache|map|cookies|metrics|counter|histogram|gauge|span|store|redis|formData|params|state|stripe|openai|anthropic|completions|messages|embeddings|responses|axios|http|s3|sqs|sns|queue|emitter|io|socket|twilio|resend|sendgrid|mailer|transporter)\b/i;
const JS_OBJECT_HELPERS = /^(Object\.assign|_\.assign|_\.merge|_\.extend|_\.defaults|lodash\.merge|merge|deepmerge)$/;
const JS_NOT_A_MODEL = /(Error|Exception|URL|URLSearchParams|Map|Set|WeakMap|Date|Response|Request|Headers|Blob|Buffer|Promise|Dto|DTO|Schema|Validator|Input|Event|Proxy)$/;
/** Prisma / Mongo update shapes: `{ data: req.body }`, `{ $set: req.body }`. */
const PY_CANDIDATE_CALL = {
  kind: 'call',
  any: [
    { has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^update$' } } },
    { has: { field: 'arguments', has: { kind: 'dictionary_splat' } } },
  ],
};
const JS_DATA_KEYS = new Set(['data', 'create', 'update', 'values', '$set']);

function jsArgumentSource(arg: SyntaxNode, scope: SyntaxNode): Source | undefined {
  const direct = jsRequestSource(arg, scope);
  if (direct) return direct;
  const node = unwrap(arg);
  if (node.kind() !== 'object') return undefined;
  for (const pair of node.children()) {
    if (pair.kind() === 'pair') {
      const key = pair.field('key')?.text().replace(/^['"]|['"]$/g, '') ?? '';
      const value = pair.field('value');
      if (JS_DATA_KEYS.has(key) && value) {
        const found = jsRequestSource(value, scope);
        if (found) return { text: found.text, detail: `${found.detail} as \`${key}\`` };
      }
    }
    if (pair.kind() === 'shorthand_property_identifier' && JS_DATA_KEYS.has(pair.text())) {
      const found = jsRequestSource(pair, scope);
      if (found) return { text: found.text, detail: `${found.detail} as \`${pair.text()}\`` };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

function span(file: ParsedFile, from: SyntaxNode, to: SyntaxNode): Location {
  return file.locateOffsets(from.range().start.index, to.range().end.index);
}

export default defineRule({
  meta: {
    id: 'mass-assignment',
    category: 'security',
    title: 'Request data copied wholesale onto a model',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Authorization',
    effortHours: 1,
    messages: {
      setattrLoop: 'The loop over `{{source}}` copies every request field onto `{{object}}` with `setattr`{{detail}}.',
      kwargsSplat: '`{{callee}}` is filled from `{{source}}` with `**` unpacking, so the client picks the fields{{detail}}.',
      dictUpdate: '`{{call}}` copies every field of `{{source}}` onto `{{object}}`{{detail}}.',
      objectAssign: '`{{call}}` copies every field of `{{source}}`{{detail}} onto `{{object}}`.',
      wholeBodyWrite: '`{{callee}}` receives `{{source}}`{{detail}} unfiltered, so the client chooses which fields of the record are written.',
    },
    why: [
      'When a handler copies every key of the request body onto a record, the client decides which',
      'columns change. A user who adds `"role": "admin"`, `"is_verified": true`, `"balance": 1000000`',
      'or another tenant\'s `owner_id` to a profile update gets exactly that, because the model has those',
      'columns even though the form does not show them. This is how several well-known account takeovers',
      'and privilege escalations happened (OWASP API3:2023, Broken Object Property Level Authorization).',
    ].join(' '),
    fix: [
      'Copy only the fields the caller may change: declare them in an input schema (a Pydantic model,',
      'a zod schema) that leaves out role, ownership and status columns, and assign from the validated',
      'result.',
      '',
      'FastAPI:',
      '```python',
      'class ProfileUpdate(BaseModel):',
      '    display_name: str | None = None',
      '    bio: str | None = None',
      '',
      '@router.patch("/me")',
      'def update_me(body: ProfileUpdate, user: User = Depends(current_user), db: Session = Depends(get_db)):',
      '    for field, value in body.model_dump(exclude_unset=True).items():',
      '        setattr(user, field, value)   # ProfileUpdate has no role/owner fields',
      '```',
      'Express + zod:',
      '```ts',
      'const ProfileUpdate = z.object({ displayName: z.string().max(80), bio: z.string().max(500) }).partial();',
      'const data = ProfileUpdate.parse(req.body);          // unknown keys are stripped',
      'await prisma.user.update({ where: { id: req.user.id }, data });',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'package.json': '{ "dependencies": { "express": "^4.19.2", "@prisma/client": "^5.19.0" } }\n',
        'src/users.ts':
          "import express from 'express';\nimport { prisma } from './db.js';\n\nexport const users = express.Router();\n\nusers.patch('/users/:id', async (req, res) => {\n  const user = await prisma.user.update({ where: { id: req.params.id }, data: req.body });\n  res.json(user);\n});\n",
      },
      good: {
        'package.json': '{ "dependencies": { "express": "^4.19.2", "@prisma/client": "^5.19.0", "zod": "^3.23.8" } }\n',
        'src/users.ts':
          "import express from 'express';\nimport { z } from 'zod';\nimport { prisma } from './db.js';\n\nexport const users = express.Router();\nconst ProfileUpdate = z.object({ name: z.string().max(80), bio: z.string().max(500) }).partial();\n\nusers.patch('/users/:id', async (req, res) => {\n  const data = ProfileUpdate.parse(req.body);\n  const user = await prisma.user.update({ where: { id: req.params.id }, data });\n  res.json(user);\n});\n",
      },
    },
    references: {
      cwe: [915],
      owasp: ['A08:2021', 'API3:2023'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html'],
      equivalents: ['semgrep:python.django.security.injection.mass-assignment.mass-assignment (partial)'],
    },
  },
  check({ files, report }) {
    const pyFiles = files.ofKind('python', { containing: ['setattr', '**', '__dict__', 'vars('] });
    const classes = pyFiles.length ? collectPyClasses(files) : new Map<string, PyClass>();
    for (const file of pyFiles) {
      // for key, value in <request data>.items(): setattr(obj, key, value)
      for (const loop of file.findAll({ kind: 'for_statement' })) {
        const left = loop.field('left');
        const right = loop.field('right');
        const body = loop.field('body');
        if (!left || !right || !body) continue;
        const targets = left.children().filter((c) => c.kind() === 'identifier');
        if ((left.kind() !== 'pattern_list' && left.kind() !== 'tuple_pattern') || targets.length !== 2) continue;
        const [keyVar, valueVar] = targets.map((t) => t.text());
        const setattr = body
          .findAll({ rule: { kind: 'call' } })
          .map(describePyCall)
          .find((c) => c?.callee === 'setattr' && c.args.length === 3 && c.args[1].text() === keyVar && new RegExp(`\\b${valueVar}\\b`).test(c.args[2].text()));
        if (!setattr) continue;
        const guarded = body.findAll({ rule: { any: [{ kind: 'if_statement' }, { kind: 'conditional_expression' }] } }).some((g) => {
          const condition = g.kind() === 'if_statement' ? g.field('condition') : g.children().filter((c) => c.isNamed())[1];
          return !!condition && new RegExp(`\\b${keyVar}\\b`).test(condition.text());
        });
        if (guarded) continue;
        const fn = enclosingPyFunction(loop);
        const iterated = unwrap(right);
        let source: Source | undefined;
        if (iterated.kind() === 'call' && iterated.field('function')?.field('attribute')?.text() === 'items') {
          const data = iterated.field('function')?.field('object');
          source = data ? pyRequestSource(data, fn, classes) : undefined;
        } else source = pyIteratedSchema(iterated, fn, classes);
        if (!source) continue;
        report({
          messageId: 'setattrLoop',
          at: span(file, loop, setattr.node),
          data: { source: codeSpanText(source.text, 60), object: codeSpanText(setattr.args[0], 60), detail: source.detail },
        });
      }

      // Only `x.update(…)` and calls with a `**` argument can matter; the matcher picks them natively.
      for (const node of file.findAll(PY_CANDIDATE_CALL)) {
        const call = describePyCall(node);
        if (!call) continue;
        let enclosing: SyntaxNode | undefined | null = null;
        const fn = () => (enclosing === null ? (enclosing = enclosingPyFunction(node)) : enclosing);
        // obj.__dict__.update(data) / vars(obj).update(data)
        const callee = node.field('function');
        if (callee?.kind() === 'attribute' && callee.field('attribute')?.text() === 'update' && call.args.length === 1) {
          const target = callee.field('object');
          const targetText = target?.text() ?? '';
          const object = /\.__dict__$/.test(targetText) ? targetText.replace(/\.__dict__$/, '') : /^vars\((.+)\)$/.exec(targetText)?.[1];
          if (object) {
            const source = pyRequestSource(call.args[0], fn(), classes);
            if (source)
              report({ messageId: 'dictUpdate', at: file.locate(node), data: { call: codeSpanText(`${targetText}.update(…)`, 60), source: codeSpanText(source.text, 60), object: codeSpanText(object, 60), detail: source.detail } });
            continue;
          }
        }
        // Model(**data), Model.objects.create(**data), query.update(**data)
        const splat = call.args.find((a) => a.kind() === 'dictionary_splat');
        const splatted = splat?.children().find((c) => c.isNamed());
        if (!splatted) continue;
        const name = call.callee.split('.').pop() ?? '';
        const isConstructor = /^[A-Z]\w*$/.test(name);
        const isWrite = /^(create|update|get_or_create|update_or_create|values|insert)$/.test(name) && call.callee.includes('.');
        if (!isConstructor && !isWrite) continue;
        if (isConstructor) {
          const kind = classKind(name, classes);
          if (kind === 'schema' || (kind === undefined && SCHEMA_NAME.test(name))) continue;
        }
        const source = pyRequestSource(splatted, fn(), classes);
        if (!source) continue;
        report({ messageId: 'kwargsSplat', at: file.locate(node), data: { callee: codeSpanText(call.callee, 60), source: codeSpanText(source.text, 60), detail: source.detail } });
      }
    }

    for (const file of files.ofKind('js', { containing: ['body', '.json()'] })) {
      for (const node of file.findAll({ any: [{ kind: 'call_expression' }, { kind: 'new_expression' }] })) {
        let enclosing: SyntaxNode | undefined;
        const scope = () => (enclosing ??= enclosingJsFunction(node) ?? file.ast!);
        if (node.kind() === 'new_expression') {
          const ctor = node.field('constructor')?.text() ?? '';
          if (!/^[A-Z]\w*$/.test(ctor) || JS_NOT_A_MODEL.test(ctor)) continue;
          const first = node.field('arguments')?.children().find((c) => c.isNamed() && c.kind() !== 'comment');
          const source = first ? jsRequestSource(first, scope()) : undefined;
          if (source) report({ messageId: 'wholeBodyWrite', at: file.locate(node), data: { callee: `new ${ctor}`, source: codeSpanText(source.text, 60), detail: source.detail } });
          continue;
        }
        const call = describeJsCall(node);
        if (!call || node.field('arguments')?.kind() !== 'arguments') continue;
        if (JS_OBJECT_HELPERS.test(call.callee)) {
          const target = call.args[0];
          if (!target || unwrap(target).kind() === 'object') continue;
          for (const arg of call.args.slice(1)) {
            const source = jsRequestSource(arg, scope());
            if (!source) continue;
            report({ messageId: 'objectAssign', at: file.locate(node), data: { call: call.callee, source: codeSpanText(source.text, 60), detail: source.detail, object: codeSpanText(target, 60) } });
            break;
          }
          continue;
        }
        const fn = node.field('function');
        if (fn?.kind() !== 'member_expression') continue;
        const method = fn.field('property')?.text() ?? '';
        if (!JS_WRITE_METHODS.test(method)) continue;
        const receiver = fn.field('object')?.text() ?? '';
        if (JS_NOT_A_RECORD.test(receiver)) continue;
        const args = method === 'merge' ? call.args.slice(1) : call.args;
        for (const arg of args) {
          const source = jsArgumentSource(arg, scope());
          if (!source) continue;
          const callee = fn.text().includes('\n') ? `${receiver.split('\n')[0].trim()}….${method}` : fn.text();
          report({ messageId: 'wholeBodyWrite', at: file.locate(node), data: { callee: codeSpanText(callee, 60), source: codeSpanText(source.text, 60), detail: source.detail } });
          break;
        }
      }
    }
  },
});
