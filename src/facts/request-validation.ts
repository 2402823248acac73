/**
 * Does a route check the shape of the request body it reads? Declared schemas (a pydantic model
 * parameter, a marshmallow/webargs/flask-smorest decorator, a zod/joi/express-validator middleware),
 * validation calls in the handler or a helper it calls in the same file (`Model.model_validate(data)`,
 * `schema.load(data)`, `Serializer(data=…).is_valid()`, `Body.parse(req.body)`), and manual checks
 * that answer 400/422 all count. What is left is a body used as an unchecked dict.
 *
 * Answered per route, for the request-body rule and the route control matrix ("input schema").
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { RequestInput, Route } from '../model/repo-index.ts';
import { describePyCall, pyDecorators, pyLocalCallees } from '../parse/python-syntax.ts';
import { jsLocalCallees } from '../parse/js-syntax.ts';
import { expressRouteMiddleware } from './routes/route-scope.ts';

export type BodyValidation =
  /** The route reads no body. */
  | { state: 'n/a' }
  /** A schema or a check covers the body: what and where. */
  | { state: 'yes'; evidence: string; at?: Location }
  /** The body reaches the handler unchecked: the input and how it is read. */
  | { state: 'no'; input: UncheckedBody };

export interface UncheckedBody {
  kind: 'untypedParameter' | 'rawRead';
  /** `payload: dict`, `await request.json()`, `req.body.email`. */
  code: string;
  /** The parameter name, when a declared parameter. */
  param?: string;
  /** The declared type, when a declared parameter. */
  type?: string;
  at: Location;
}

/** Body types that accept any JSON shape. */
const UNTYPED_BODY = /^(dict|Dict|Mapping|MutableMapping|Any|Json|JSON|object|list\[dict|List\[Dict|list\[Any|List\[Any|dict\[|Dict\[)/;
/** Python calls that validate data against a schema. */
const PY_VALIDATING_CALL =
  /(^|\.)(model_validate|model_validate_json|parse_obj|parse_raw|parse_obj_as|validate_python|validate_json|validate|is_valid|validate_on_submit|load|load_json|loads_json|validated_data|check_schema|normalized|construct_event|validate_request|from_dict|structure)$/;
/** Decorators that declare a body schema. */
const PY_SCHEMA_DECORATOR = /(^|\.)(use_args|use_kwargs|arguments|validate|expects_json|expect|validate_request|input|accepts|body|doc_body|parse_with|schema)$/;
/** A class built from the whole body (`Order(**data)`) validates it when it is a schema class. */
const PY_SCHEMA_BASE = /\b(BaseModel|Schema|BaseSchema|SQLModel|Struct|TypedDict|RootModel|Serializer|ModelSerializer|Form|ModelForm|FlaskForm)\b/;
/** Answering 400/422 (or raising a validation error) is a manual check of the input. */
const PY_MANUAL_CHECK =
  /\babort\(\s*(400|422)\b|raise\s+(BadRequest|ValidationError|UnprocessableEntity|ValueError)\b|HTTPException\(\s*(status_code\s*=\s*)?(400|422|status\.HTTP_4(00|22)_\w+)|HttpResponseBadRequest|status\s*=\s*(400|422)\b|,\s*(400|422)\s*\)?\s*$|\bValidationError\(/m;
/** JS validation: a schema parse, a validator call, a manual 400. */
const JS_VALIDATING_CALL =
  /\.(parse|safeParse|parseAsync|safeParseAsync|validate|validateAsync|validateSync|isValid|assert|cast)\s*\(|validationResult\s*\(|matchedData\s*\(|plainToInstance|plainToClass|\bvalidate(OrReject)?\s*\(|ajv|\.compile\s*\(|typia\.|v\.parse\s*\(|is\s*\(|check\s*\(|status\s*\(\s*(400|422)\s*\)|sendStatus\s*\(\s*(400|422)\s*\)|status:\s*(400|422)\b/;
/** Middleware that validates (express-validator chains, celebrate, a `validate(schema)` helper, zod middleware). */
const JS_VALIDATING_MIDDLEWARE = /valid|celebrate|schema|zod|joi|yup|checkSchema|\bbody\s*\(|\bcheck\s*\(|\bparam\s*\(|typebox|superstruct/i;
/** Reads of a body that JSON-decode it or take form fields (raw bytes read for a signature or a proxy are not a schema question). */
const PY_PARSED_BODY_READ = /\.(json|get_json)\b|\.data\b|\.form\b|\.POST\b|json\.loads|\.media\b|\.post\(\)/;

const schemaClassCache = new WeakMap<ParsedFiles, Map<string, boolean>>();

/** Whether a project class of that name is a schema (pydantic, marshmallow, DRF, WTForms …). */
function isSchemaClass(files: ParsedFiles, name: string): boolean {
  let byName = schemaClassCache.get(files);
  if (!byName) {
    byName = new Map();
    for (const file of files.ofKind('python', { containing: ['class '] })) {
      for (const cls of file.findAll({ kind: 'class_definition' })) {
        const className = cls.field('name')?.text();
        const bases = cls.field('superclasses')?.text() ?? '';
        const dataclass = pyDecorators(cls).some((d) => /dataclass|attr\.s|define|frozen/.test(d.text()));
        if (className && (PY_SCHEMA_BASE.test(bases) || dataclass) && !/table\s*=\s*True/.test(bases)) byName.set(className, true);
      }
    }
    schemaClassCache.set(files, byName);
  }
  return byName.get(name) ?? false;
}

/** How a Python route handler's body is checked, looking at the handler and the same-file helpers it calls. */
function pyValidationEvidence(files: ParsedFiles, file: ParsedFile, fn: SyntaxNode): { evidence: string; at: Location } | undefined {
  const decorator = pyDecorators(fn).find((d) => PY_SCHEMA_DECORATOR.test(describePyCall(d)?.callee ?? d.text()));
  if (decorator) return { evidence: `\`@${decorator.text().split('\n')[0]}\``, at: file.locate(decorator) };
  const scopes = [fn, ...(file.ast ? pyLocalCallees(fn, file.ast, 1) : [])];
  for (const scope of scopes) {
    for (const call of scope.findAll({ rule: { kind: 'call' } })) {
      const callee = call.field('function')?.text() ?? '';
      if (PY_VALIDATING_CALL.test(callee) && !/^(json|yaml|pickle|toml|tomllib)\.loads?$/.test(callee)) return { evidence: `\`${callee}(…)\``, at: file.locate(call) };
      const args = call.field('arguments')?.children() ?? [];
      const name = callee.split('.').pop() ?? '';
      if (/^[A-Z]/.test(name) && args.some((a) => a.kind() === 'dictionary_splat' || a.kind() === 'keyword_argument') && isSchemaClass(files, name)) return { evidence: `\`${name}(…)\``, at: file.locate(call) };
    }
    const manual = PY_MANUAL_CHECK.exec(scope.text());
    if (manual) {
      const line = scope.range().start.line + 1 + scope.text().slice(0, manual.index).split('\n').length - 1;
      return { evidence: `a manual check answering 400/422 (\`${manual[0].trim()}\`)`, at: file.locateLines(line) };
    }
  }
  return undefined;
}

function jsValidationEvidence(files: ParsedFiles, file: ParsedFile, route: Route, fn: SyntaxNode): { evidence: string; at: Location } | undefined {
  for (const middleware of expressRouteMiddleware(route, files)) if (JS_VALIDATING_MIDDLEWARE.test(middleware.text())) return { evidence: `middleware \`${middleware.text().split('\n')[0].slice(0, 60)}\``, at: file.locate(middleware) };
  const scopes = [fn, ...(file.ast ? jsLocalCallees(fn, file.ast, 1) : [])];
  for (const scope of scopes) {
    const m = JS_VALIDATING_CALL.exec(scope.text());
    if (m && !/JSON\.parse\s*\($/.test(m[0])) {
      const line = scope.range().start.line + 1 + scope.text().slice(0, m.index).split('\n').length - 1;
      return { evidence: `\`${m[0].trim()}…\``, at: file.locateLines(line) };
    }
  }
  return undefined;
}

/** An app-wide validator (express-openapi-validator) checks every route's body. */
const openApiValidated = new WeakMap<ParsedFiles, boolean>();
function hasAppWideJsValidator(files: ParsedFiles): boolean {
  let known = openApiValidated.get(files);
  if (known === undefined) openApiValidated.set(files, (known = files.ofKind('js', { containing: ['OpenApiValidator', 'express-openapi-validator'] }).length > 0));
  return known;
}

/** `req.body`, `req.body.email`, `const { a } = req.body`, `await request.json()`, `await req.formData()` in a JS handler. */
function jsBodyReads(file: ParsedFile, fn: SyntaxNode): UncheckedBody[] {
  const params = fn.field('parameters')?.children().filter((c) => c.isNamed()) ?? [];
  const first = params[0]?.kind() === 'required_parameter' || params[0]?.kind() === 'optional_parameter' ? params[0].field('pattern') : params[0];
  const req = first?.kind() === 'identifier' ? first.text() : /^(req|request)$/.test(fn.field('parameter')?.text() ?? '') ? fn.field('parameter')!.text() : undefined;
  if (!req) return [];
  const out: UncheckedBody[] = [];
  for (const member of fn.findAll({ rule: { kind: 'member_expression', has: { field: 'object', regex: `^${req}$` } } })) {
    const property = member.field('property')?.text();
    if (property === 'body') {
      const outer = member.parent()?.kind() === 'member_expression' ? member.parent()! : member;
      out.push({ kind: 'rawRead', code: outer.text(), at: file.locate(outer) });
    }
    if (property === 'json' || property === 'formData') {
      const call = member.parent();
      if (call?.kind() === 'call_expression') out.push({ kind: 'rawRead', code: `await ${call.text()}`, at: file.locate(call) });
    }
  }
  return out.sort((a, b) => (a.at.startLine ?? 0) - (b.at.startLine ?? 0));
}

/** Provider callbacks (Twilio, Stripe …) post their own fixed fields; whether they are genuine is the webhook rules' question. */
function isProviderCallback(route: Route): boolean {
  if (/webhook|twilio|stripe/i.test(route.path)) return true;
  const text = route.handler.node?.text() ?? '';
  return /\b(VoiceResponse|MessagingResponse)\(|["'](CallSid|MessageSid|SmsSid|RecordingSid)["']|construct_?event|constructEvent|stripe[-_]signature/i.test(text);
}

const pyTypeOf = (input: RequestInput) => input.type?.replace(/^Annotated\[\s*/, '').replace(/^Optional\[/, '').trim();

/** Whether (and how) a route's request body is checked against a schema. */
export function requestBodyValidation(route: Route, files: ParsedFiles): BodyValidation {
  const fn = route.handler.node;
  const file = files.get(route.handler.file);
  if (!fn || !file || isProviderCallback(route)) return { state: 'n/a' };

  if (file.kind === 'python') {
    const unchecked: UncheckedBody[] = [];
    for (const input of route.inputs) {
      if (input.source !== 'body' && input.source !== 'form') continue;
      if (input.param) {
        const type = pyTypeOf(input);
        if (type === undefined ? input.source === 'body' && route.framework === 'fastapi' : UNTYPED_BODY.test(type))
          unchecked.push({ kind: 'untypedParameter', code: type ? `${input.param}: ${type}` : input.param, param: input.param, type: type ?? 'no type', at: input.at });
      } else if (PY_PARSED_BODY_READ.test(input.at.snippet ?? '')) {
        unchecked.push({ kind: 'rawRead', code: readCode(input), at: input.at });
      }
    }
    const declaredSchema = route.inputs.some((i) => (i.source === 'body' || i.source === 'form') && i.param && pyTypeOf(i) !== undefined && !UNTYPED_BODY.test(pyTypeOf(i)!));
    if (!unchecked.length) return declaredSchema ? { state: 'yes', evidence: 'a typed body parameter' } : { state: 'n/a' };
    const evidence = pyValidationEvidence(files, file, fn);
    return evidence ? { state: 'yes', ...evidence } : { state: 'no', input: unchecked[0] };
  }

  if (file.kind === 'js') {
    const reads = jsBodyReads(file, fn);
    if (!reads.length) return { state: 'n/a' };
    if (hasAppWideJsValidator(files)) return { state: 'yes', evidence: 'express-openapi-validator' };
    const evidence = jsValidationEvidence(files, file, route, fn);
    return evidence ? { state: 'yes', ...evidence } : { state: 'no', input: reads[0] };
  }
  return { state: 'n/a' };
}

/** The read as written in its statement: `request.get_json()`, `await request.json()`, `request.form["title"]`. */
function readCode(input: RequestInput): string {
  const snippet = (input.at.snippet ?? '').split('\n')[0];
  const m = /(await\s+)?[\w.]*\b(request|req)\.(json\(\)|get_json\([^)]*\)|json\[[^\]]+\]|json|data|form(\.get)?\([^)]*\)|form\[[^\]]+\]|form|POST(\.get)?\([^)]*\)|POST\[[^\]]+\]|POST|media|post\(\))/.exec(snippet);
  const loads = /json\.loads\([^)]*\)/.exec(snippet);
  return (loads?.[0] ?? m?.[0] ?? snippet).trim().slice(0, 70);
}
