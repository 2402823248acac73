import { isStateChangingMethod } from '../../facts/routes/guard-names.ts';
import { functionOfBinding, resolveJsReference, unwrapJsExpression } from '../../facts/routes/js-modules.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { isJsFunction, jsStringValue } from '../../parse/js-syntax.ts';
import {
  describePyCall,
  evaluatePyExpression,
  pyClassOf,
  pyDecorators,
  pyDefinitions,
  pyFunctionName,
  pyOwnNodes,
  pyStringValue,
  resolvePyCallee,
} from '../../parse/python-syntax.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';

type StubKind = 'raisesNotImplemented' | 'emptyBody' | 'returns501' | 'returnsPlaceholder';

interface Stub {
  kind: StubKind;
  node: SyntaxNode;
  /** emptyBody: what the body holds; returnsPlaceholder: the literal; raisesNotImplemented: what is raised. */
  detail: string;
  /** The feature condition it sits under (`fmt == "xlsx"`), if any. */
  when?: string;
}

interface Target {
  file: ParsedFile;
  fn: SyntaxNode;
  cls?: SyntaxNode;
  label: string;
}

interface Hop {
  file: ParsedFile;
  call: SyntaxNode;
  label: string;
}

const STATUS_501 = /^(501|(fastapi\.|starlette\.)?status\.HTTP_501_NOT_IMPLEMENTED|HTTPStatus\.NOT_IMPLEMENTED)$/;
const PLACEHOLDER = /\b(not\s+(yet\s+)?implemented|unimplemented|coming\s+soon)\b/i;
const PLACEHOLDER_KEY = /^(status|message|msg|detail|error|result|note)$/;
const AUTH_OR_PAYMENT = /auth|login|logout|sign_?in|sign_?up|register|password|oauth|sso|saml|payment|checkout|billing|subscri|stripe|invoice|charge|refund|payout/i;
/** Method names too common to resolve by name alone: library objects (sessions, clients, dicts) have them too. */
const GENERIC_METHOD = new Set(
  'get post put patch delete head create update query execute commit rollback add save run close send read write fetch list all first one filter filter_by order_by limit offset set pop append extend insert remove clear copy items keys values json dict model_dump load loads dump dumps open start stop call handle parse format encode decode connect refresh flush count exists find search join split strip lower upper replace render process validate'.split(' '),
);

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

function bodyStatements(fn: SyntaxNode): SyntaxNode[] {
  return fn.field('body')?.children().filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [];
}

/** `pass`, `...` or a docstring. */
function isFiller(stmt: SyntaxNode): boolean {
  if (stmt.kind() === 'pass_statement') return true;
  if (stmt.kind() !== 'expression_statement') return false;
  const inner = stmt.children().filter((c) => c.isNamed());
  return inner.length === 1 && (inner[0].kind() === 'ellipsis' || inner[0].kind() === 'string');
}

/**
 * Whether a raise/return is what the function does, rather than a fallback for inputs it does
 * not handle: it sits in the body, or under an `if`/`case` that picks a named feature
 * (`if fmt == "xlsx":`), and no earlier statement of the body already returned.
 */
function isStubPosition(node: SyntaxNode, fn: SyntaxNode): boolean {
  const stop = fn.range().start.index;
  const body = fn.field('body');
  let child = node;
  for (let current = node.parent(); current && current.range().start.index > stop; child = current, current = current.parent()) {
    switch (String(current.kind())) {
      case 'else_clause':
      case 'except_clause':
      case 'except_group_clause':
      case 'finally_clause':
      case 'for_statement':
      case 'while_statement':
      case 'conditional_expression':
      case 'lambda':
        return false;
      case 'if_statement':
      case 'elif_clause': {
        const condition = current.field('condition');
        if (child.kind() === 'block' && !(condition && namesFeature(condition))) return false;
        break;
      }
      case 'case_clause': {
        const pattern = current.children().find((c) => c.kind() === 'case_pattern');
        if (!pattern || !pattern.children().some((c) => c.kind() === 'string')) return false;
        break;
      }
      default:
        break;
    }
  }
  // A raise after `if …: return …` at body level is the fallback for everything else.
  if (body && node.parent()?.range().start.index === body.range().start.index) {
    const at = node.range().start.index;
    for (const stmt of bodyStatements(fn)) {
      if (stmt.range().start.index >= at) break;
      if (stmt.kind() === 'return_statement' || stmt.findAll({ rule: { kind: 'return_statement' } }).length) return false;
    }
  }
  return true;
}

/** `fmt == "xlsx"`, `provider in ("apple", "github")`: a condition that selects a named feature. */
function namesFeature(condition: SyntaxNode): boolean {
  const comparison = condition.kind() === 'comparison_operator' ? condition : undefined;
  if (!comparison || !/==|\bin\b/.test(comparison.text()) || /!=|not in/.test(comparison.text())) return false;
  return comparison.findAll({ rule: { kind: 'string' } }).length > 0;
}

/** The innermost `if`/`elif` condition or `case` pattern a stub sits under, as written. */
function featureCondition(node: SyntaxNode, fn: SyntaxNode): string | undefined {
  const stop = fn.range().start.index;
  let child = node;
  for (let current = node.parent(); current && current.range().start.index > stop; child = current, current = current.parent()) {
    if ((current.kind() === 'if_statement' || current.kind() === 'elif_clause') && child.kind() === 'block') return current.field('condition')?.text();
    if (current.kind() === 'case_clause') {
      const subject = current.parent()?.parent()?.field('subject')?.text();
      const pattern = current.children().find((c) => c.kind() === 'case_pattern')?.text();
      return subject && pattern ? `${subject} == ${pattern}` : pattern;
    }
  }
  return undefined;
}

function statusOf(call: SyntaxNode): string | undefined {
  const described = describePyCall(call);
  return (described?.keywords.get('status_code') ?? (/HTTPException$/.test(described?.callee ?? '') ? described?.args[0] : undefined))?.text();
}

/** The placeholder string a returned value is made of, if any. */
function placeholderIn(value: SyntaxNode): string | undefined {
  const direct = pyStringValue(value);
  if (direct !== undefined) return PLACEHOLDER.test(direct) ? value.text() : undefined;
  let dict: SyntaxNode | undefined = value.kind() === 'dictionary' ? value : undefined;
  if (!dict && value.kind() === 'call') dict = describePyCall(value)?.args.find((a) => a.kind() === 'dictionary') ?? describePyCall(value)?.keywords.get('content');
  if (dict?.kind() !== 'dictionary') return undefined;
  for (const pair of dict.children()) {
    if (pair.kind() !== 'pair') continue;
    const key = pyStringValue(pair.field('key'));
    const val = pyStringValue(pair.field('value'));
    if (key && val && PLACEHOLDER_KEY.test(key) && PLACEHOLDER.test(val)) return `{"${key}": "${val}"}`;
  }
  return undefined;
}

/** What makes this function a stub, if anything. */
function stubOf(fn: SyntaxNode): Stub | undefined {
  const statements = bodyStatements(fn);
  if (statements.length && statements.every(isFiller)) {
    const last = statements[statements.length - 1];
    const detail = `its body is only ${last.kind() === 'pass_statement' ? 'pass' : last.text() === '...' ? '...' : 'a docstring'}`;
    return { kind: 'emptyBody', node: last, detail };
  }
  if (!/NotImplemented|501|NOT_IMPLEMENTED|implemented|coming\s+soon/i.test(fn.text())) return undefined;
  const candidates: Stub[] = [];
  const whenOf = (node: SyntaxNode) => featureCondition(node, fn);
  for (const raise of pyOwnNodes(fn, 'raise_statement')) {
    const raised = raise.children().find((c) => c.isNamed());
    if (!raised || !isStubPosition(raise, fn)) continue;
    const name = raised.kind() === 'call' ? raised.field('function')?.text() : raised.text();
    if (name === 'NotImplementedError' || name === 'NotImplemented') candidates.push({ kind: 'raisesNotImplemented', node: raise, detail: 'NotImplementedError', when: whenOf(raise) });
    else if (raised.kind() === 'call' && /HTTPException$/.test(name ?? '') && STATUS_501.test(statusOf(raised) ?? ''))
      candidates.push({ kind: 'returns501', node: raise, detail: '', when: whenOf(raise) });
  }
  for (const ret of pyOwnNodes(fn, 'return_statement')) {
    const value = ret.children().find((c) => c.isNamed());
    if (!value || !isStubPosition(ret, fn)) continue;
    if (value.kind() === 'call' && STATUS_501.test(statusOf(value) ?? '')) candidates.push({ kind: 'returns501', node: ret, detail: '', when: whenOf(ret) });
    else {
      const literal = placeholderIn(value);
      if (literal) candidates.push({ kind: 'returnsPlaceholder', node: ret, detail: literal, when: whenOf(ret) });
    }
  }
  return candidates.sort((a, b) => a.node.range().start.index - b.node.range().start.index)[0];
}

interface ProjectClass {
  file: ParsedFile;
  cls: SyntaxNode;
  name: string;
  /** Last segment of each base as written (`base.Exporter` → `Exporter`). */
  bases: string[];
  methods: Map<string, SyntaxNode>;
  abstract: boolean;
}

interface ClassIndex {
  byKey: Map<string, ProjectClass>;
  /** Base name → classes that list it as a base. */
  subclasses: Map<string, ProjectClass[]>;
  /** Method name → the classes that define it. */
  implementations: Map<string, { c: ProjectClass; def: SyntaxNode }[]>;
}

const classKey = (file: ParsedFile, cls: SyntaxNode) => `${file.path}:${cls.range().start.index}`;

/** Every module-level class of the project, indexed by base and by method name. */
function indexClasses(files: ParsedFiles): ClassIndex {
  const index: ClassIndex = { byKey: new Map(), subclasses: new Map(), implementations: new Map() };
  for (const file of files.ofKind('python', { containing: ['class '] })) {
    if (!file.ast) continue;
    for (const [name, def] of pyDefinitions(file.ast)) {
      if (def.kind() !== 'class_definition') continue;
      const bases = (def.field('superclasses')?.children() ?? [])
        .filter((c) => c.isNamed() && c.kind() !== 'keyword_argument' && c.kind() !== 'comment')
        .map((c) => c.text().replace(/\[.*$/s, '').split('.').pop() ?? '');
      const methods = new Map([...pyDefinitions(def)].filter(([, m]) => m.kind() === 'function_definition'));
      const c: ProjectClass = { file, cls: def, name, bases, methods, abstract: isAbstractClass(def, methods) };
      index.byKey.set(classKey(file, def), c);
      for (const base of bases) if (base !== name) index.subclasses.set(base, [...(index.subclasses.get(base) ?? []), c]);
      for (const [method, fn] of methods) index.implementations.set(method, [...(index.implementations.get(method) ?? []), { c, def: fn }]);
    }
  }
  return index;
}

const ABSTRACT_DECORATOR = /(^|\.)(abstractmethod|abstractproperty|abstractclassmethod|abstractstaticmethod|overload)$/;

/** An ABC or Protocol, or a class with an `@abstractmethod`. */
function isAbstractClass(cls: SyntaxNode, methods: Map<string, SyntaxNode>): boolean {
  if (/\b(ABC|Protocol|ABCMeta)\b/.test(cls.field('superclasses')?.text() ?? '')) return true;
  for (const def of methods.values()) if (pyDecorators(def).some((d) => /(^|\.)abstractmethod$/.test(d.text()))) return true;
  return false;
}

/** Abstract by declaration: `@abstractmethod`/`@overload` on the function, or a method of an abstract class. */
function isDeclaredAbstract(fn: SyntaxNode, file: ParsedFile, cls: SyntaxNode | undefined, classes: ClassIndex): boolean {
  if (pyDecorators(fn).some((d) => ABSTRACT_DECORATOR.test(d.text()))) return true;
  if (!cls) return false;
  const known = classes.byKey.get(classKey(file, cls));
  return known ? known.abstract : isAbstractClass(cls, new Map([...pyDefinitions(cls)].filter(([, m]) => m.kind() === 'function_definition')));
}

/** The concrete implementations of `method` in project classes derived (directly or not) from `base`. */
function implementationsBelow(base: string, method: string, classes: ClassIndex, depth = 0, seen = new Set<string>()): { c: ProjectClass; def: SyntaxNode }[] {
  if (depth > 6) return [];
  const out: { c: ProjectClass; def: SyntaxNode }[] = [];
  for (const sub of classes.subclasses.get(base) ?? []) {
    const key = classKey(sub.file, sub.cls);
    if (seen.has(key)) continue;
    seen.add(key);
    const def = sub.methods.get(method);
    if (def && !pyDecorators(def).some((d) => ABSTRACT_DECORATOR.test(d.text()))) out.push({ c: sub, def });
    out.push(...implementationsBelow(sub.name, method, classes, depth + 1, seen));
  }
  return out;
}

/** Whether a project class derived (directly or not) from `base` defines `method`. */
function overriddenBelow(base: string, method: string, classes: ClassIndex, depth = 0): boolean {
  if (depth > 6) return false;
  for (const sub of classes.subclasses.get(base) ?? []) {
    if (sub.methods.has(method)) return true;
    if (overriddenBelow(sub.name, method, classes, depth + 1)) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'route-stub-not-implemented',
    category: 'completeness',
    title: 'Route runs a stub that is not implemented',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Implementation Completeness',
    effortHours: 4,
    messages: {
      raisesNotImplemented: '{{route}} ({{path}}) raises {{error}}{{when}}{{also}}.',
      emptyBody: '{{route}} ({{path}}) runs an empty stub ({{detail}}){{also}}.',
      returns501: '{{route}} ({{path}}) answers 501 Not Implemented{{when}}{{also}}.',
      returnsPlaceholder: '{{route}} ({{path}}) returns the placeholder `{{detail}}` instead of a result{{when}}{{also}}.',
    },
    why: [
      'The route is published — in the OpenAPI schema, in the client, maybe in the README — but what it runs is a placeholder. Callers get a 500 from `NotImplementedError`, a 501, an empty `null`, or a fake "not implemented" payload with status 200 that client code treats as success.',
      '',
      'A stub behind a login, OAuth provider or payment route is worse: a half-wired auth or billing flow tends to fail open or lose money, and it shows that the feature the route promises has not been built or tested.',
    ].join('\n'),
    fix: [
      'Implement the function, or remove the route (and its client calls and docs) until it is. If the route must stay visible, hide it from the schema and answer an explicit error so nobody mistakes it for a working feature.',
      '',
      '```python',
      'class PdfExporter(BaseExporter):',
      '    def render(self, report: Report) -> bytes:',
      '        html = templates.get_template("report.html").render(report=report)',
      '        return weasyprint.HTML(string=html).write_pdf()',
      '',
      '# until then: not in the schema, and an honest status',
      '@router.post("/reports/export", include_in_schema=False)',
      'async def export_report(...):',
      '    raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED, "PDF export is not available yet")',
      '```',
      '',
      'Express: implement the service method the route calls, or unmount the route until it exists.',
      '',
      '```ts',
      'async sendReminder(invoiceId: string): Promise<void> {',
      '  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });',
      "  await mailer.send({ to: invoice.email, template: 'invoice-reminder', data: invoice });",
      '}',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\nclass PdfExporter:\n    def render(self, report_id: str) -> bytes:\n        raise NotImplementedError\n\n@app.post("/reports/{report_id}/export")\nasync def export_report(report_id: str):\n    exporter = PdfExporter()\n    return {"size": len(exporter.render(report_id))}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from abc import ABC, abstractmethod\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nclass Exporter(ABC):\n    @abstractmethod\n    def render(self, report_id: str) -> bytes:\n        raise NotImplementedError\n\nclass CsvExporter(Exporter):\n    def render(self, report_id: str) -> bytes:\n        return f"id\\n{report_id}\\n".encode()\n\n@app.post("/reports/{report_id}/export")\nasync def export_report(report_id: str):\n    exporter = CsvExporter()\n    return {"size": len(exporter.render(report_id))}\n',
      },
    },
    references: { cwe: [684], urls: ['https://docs.python.org/3/library/exceptions.html#NotImplementedError', 'https://cwe.mitre.org/data/definitions/684.html'] },
  },
  check({ index, files, report }) {
    const load = cachedPyModuleLoader(files);
    let classIndex: ClassIndex | undefined;
    const classes = () => (classIndex ??= indexClasses(files));
    let jsClassIndex: JsClass[] | undefined;
    const jsClasses = () => (jsClassIndex ??= indexJsClasses(files));
    const found = new Map<string, { stub: Stub; file: ParsedFile; hits: { route: Route; handler: string; chain: Hop[] }[]; labels: string[] }>();

    /**
     * The project functions a call may run: the one resolved from the source; else, for `x.method()`
     * on an object the source does not type, the method of the only project class that defines it,
     * or every implementation when each of them is a stub (a provider registry of stubs).
     */
    const calleesOf = (call: SyntaxNode, file: ParsedFile, fn: SyntaxNode): { target: Target; receiver?: string }[] => {
      if (file.kind === 'js') {
        const callee = call.field('function');
        const binding = callee && /^(identifier|member_expression)$/.test(String(callee.kind())) ? resolveJsReference(files, file, callee) : undefined;
        const target = functionOfBinding(binding);
        if (!binding || !target) return [];
        const owner = jsClassOf(target);
        const ownerName = owner?.field('name')?.text();
        return [{ target: { file: binding.file, fn: target, cls: owner, label: ownerName ? `${ownerName}.${binding.name}` : binding.name } }];
      }
      const callee = call.field('function');
      const resolved = resolvePyCallee(call, { file, fn }, load);
      let receiver: string | undefined;
      const object = callee?.kind() === 'attribute' ? callee.field('object') : undefined;
      const objectValue = object ? evaluatePyExpression(object, { file, fn }, load) : undefined;
      if (objectValue?.kind === 'instance' || objectValue?.kind === 'class') receiver = objectValue.cls.field('name')?.text();
      if (resolved && resolved.cls && isDeclaredAbstract(resolved.fn, resolved.file, resolved.cls, classes())) {
        // Typed as an abstract base (`def get_provider(name) -> OAuthProvider`): any subclass's implementation may run.
        const implementations = implementationsBelow(resolved.cls.field('name')?.text() ?? '', pyFunctionName(resolved.fn), classes());
        if (implementations.length) return implementations.map(({ c, def }) => ({ target: { file: c.file, fn: def, cls: c.cls, label: `${c.name}.${pyFunctionName(def)}` } }));
      }
      if (resolved) return [{ target: { file: resolved.file, fn: resolved.fn, cls: resolved.cls, label: resolved.label }, receiver }];
      const method = callee?.kind() === 'attribute' ? callee.field('attribute')?.text() : undefined;
      if (!method || objectValue || GENERIC_METHOD.has(method) || method.startsWith('__')) return [];
      const targets = (classes().implementations.get(method) ?? [])
        .filter(({ c, def }) => !isDeclaredAbstract(def, c.file, c.cls, classes()))
        .map(({ c, def }) => ({ target: { file: c.file, fn: def, cls: c.cls, label: `${c.name}.${method}` } }));
      if (targets.length === 1) return targets;
      const concrete = targets.filter(({ target }) => !overriddenBelow(target.cls.field('name')?.text() ?? '', method, classes()));
      return concrete.length > 1 && concrete.every(({ target }) => stubOf(target.fn)) ? concrete : [];
    };

    const nullObjects = new Map<string, boolean>();
    const isExempt = (target: Target, receiver: string | undefined): boolean => {
      if (target.file.kind === 'js') return jsIsExempt(target, jsClasses());
      const cls = target.cls ?? pyClassOf(target.fn);
      if (isDeclaredAbstract(target.fn, target.file, cls, classes())) return true;
      if (/^_*(noop|no_op|null|dummy|do_nothing)/i.test(pyFunctionName(target.fn))) return true;
      if (!cls) return false;
      // A null object (every method empty) does nothing on purpose.
      const nullKey = `${target.file.path}:${cls.range().start.index}`;
      if (!nullObjects.has(nullKey)) {
        const methods = [...pyDefinitions(cls).values()].filter((d) => d.kind() === 'function_definition' && pyFunctionName(d) !== '__init__');
        nullObjects.set(nullKey, methods.length > 1 && methods.every((m) => bodyStatements(m).every(isFiller)));
      }
      if (nullObjects.get(nullKey)) return true;
      const method = pyFunctionName(target.fn);
      const owner = cls.field('name')?.text() ?? '';
      // A base-class stub that the subclasses replace (`self.render()` in a template method, a factory typed as the base).
      return overriddenBelow(receiver ?? owner, method, classes());
    };

    // Each function is judged, and its calls resolved, once; routes then only walk the results.
    const stubs = new Map<string, Stub | undefined>();
    const stubFor = (target: Target, receiver: string | undefined) => {
      const key = `${target.file.path}:${target.fn.range().start.index}:${receiver ?? ''}`;
      if (!stubs.has(key)) stubs.set(key, isExempt(target, receiver) ? undefined : target.file.kind === 'js' ? jsStubOf(target.fn) : stubOf(target.fn));
      return stubs.get(key);
    };
    const calls = new Map<string, { call: SyntaxNode; target: Target; receiver?: string }[]>();
    const callsOf = (target: Target) => {
      const key = `${target.file.path}:${target.fn.range().start.index}`;
      let list = calls.get(key);
      if (!list) {
        const callNodes = target.file.kind === 'js' ? target.fn.findAll({ rule: { kind: 'call_expression' } }) : pyOwnNodes(target.fn, 'call');
        list = callNodes.flatMap((call) => calleesOf(call, target.file, target.fn).map((next) => ({ call, ...next })));
        calls.set(key, list);
      }
      return list;
    };

    const visit = (target: Target, receiver: string | undefined, route: Route, handler: string, chain: Hop[], seen: Set<string>, isHandler: boolean) => {
      const stub = stubFor(target, receiver);
      const quietEmpty = stub?.kind === 'emptyBody' && (isHandler ? /\bdependencies\s*=/.test(route.at.snippet ?? '') || /^(OPTIONS|HEAD)$/.test(route.method) : target.file.kind === 'js');
      if (stub && !quietEmpty) {
        const key = `${target.file.path}:${stub.node.range().start.index}`;
        const entry = found.get(key) ?? { stub, file: target.file, hits: [], labels: [] };
        entry.hits.push({ route, handler, chain });
        entry.labels.push(target.label);
        found.set(key, entry);
        return;
      }
      if (chain.length >= 2) return;
      for (const next of callsOf(target)) {
        const key = `${next.target.file.path}:${next.target.fn.range().start.index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        visit(next.target, next.receiver, route, handler, [...chain, { file: target.file, call: next.call, label: next.target.label }], seen, false);
      }
    };

    for (const route of index.routes) {
      const { handler } = route;
      const file = handler.node ? files.get(handler.file) : undefined;
      if (!handler.node || (file?.kind !== 'python' && file?.kind !== 'js')) continue;
      const seen = new Set([`${file.path}:${handler.node.range().start.index}`]);
      if (file.kind === 'js') {
        const name = handler.name === '<anonymous>' ? 'inline handler' : handler.name;
        visit({ file, fn: handler.node, cls: jsClassOf(handler.node), label: name }, undefined, route, name, [], seen, true);
        continue;
      }
      const name = pyFunctionName(handler.node);
      visit({ file, fn: handler.node, cls: pyClassOf(handler.node), label: name }, undefined, route, name, [], seen, true);
    }

    for (const { stub, file, hits } of found.values()) {
      const [first, ...others] = hits;
      const routes = [...new Set(others.map((h) => `${routeLabel(h.route)} (${h.handler})`))].filter((r) => r !== `${routeLabel(first.route)} (${first.handler})`);
      const also = routes.length ? `; also reached from ${routes.length > 3 ? `${routes.slice(0, 3).join(', ')} and ${routes.length - 3} more` : routes.join(', ')}` : '';
      const sensitive = hits.some(
        (h) => isStateChangingMethod(h.route.method) || AUTH_OR_PAYMENT.test(`${h.route.path} ${h.handler} ${h.chain.map((c) => c.label).join(' ')}`),
      );
      const related: Location[] = [
        { ...first.route.at, note: `route ${routeLabel(first.route)}` },
        ...first.chain.map((hop) => hop.file.locate(hop.call, `calls \`${hop.label}\``)),
        ...others.map((h) => ({ ...h.route.at, note: `also reached from ${routeLabel(h.route)}` })),
      ];
      report({
        messageId: stub.kind,
        at: file.locate(stub.node),
        data: {
          route: routeLabel(first.route),
          handler: first.handler,
          path: [first.handler, ...first.chain.map((hop) => hop.label)].join(' → '),
          detail: stub.detail,
          error: stub.kind === 'raisesNotImplemented' ? stub.detail : '',
          when: stub.when ? ` when ${stub.when}` : '',
          also,
        },
        related,
        severity: sensitive ? 'high' : 'medium',
      });
    }
  },
});

// ── Express / Next.js ─────────────────────────────────────────────────────────────────────

interface JsClass {
  file: ParsedFile;
  name: string;
  base?: string;
  methods: Set<string>;
  abstract: boolean;
}

/** Every JS/TS class of the project: name, the base it extends, its method names. */
function indexJsClasses(files: ParsedFiles): JsClass[] {
  const out: JsClass[] = [];
  for (const file of files.ofKind('js', { containing: ['class '], includeTests: false })) {
    for (const cls of file.findAll({ any: [{ kind: 'class_declaration' }, { kind: 'abstract_class_declaration' }] })) {
      const name = cls.field('name')?.text();
      if (!name) continue;
      const base = cls.find({ rule: { kind: 'extends_clause' } })?.children().find((c) => c.isNamed())?.text().split('.').pop();
      const methods = new Set(
        (cls.field('body')?.children() ?? []).filter((m) => m.kind() === 'method_definition').map((m) => m.field('name')?.text() ?? ''),
      );
      out.push({ file, name, base, methods, abstract: cls.kind() === 'abstract_class_declaration' });
    }
  }
  return out;
}

/** The class a JS method belongs to. */
function jsClassOf(fn: SyntaxNode): SyntaxNode | undefined {
  if (fn.kind() !== 'method_definition') return undefined;
  const cls = fn.parent()?.parent();
  return cls && /class/.test(String(cls.kind())) ? cls : undefined;
}

/** An abstract class's method, or a base-class method that a subclass overrides. */
function jsIsExempt(target: Target, classes: JsClass[]): boolean {
  if (!target.cls) return false;
  if (target.cls.kind() === 'abstract_class_declaration') return true;
  const owner = target.cls.field('name')?.text() ?? '';
  const method = target.fn.field('name')?.text() ?? '';
  const overridden = (base: string, depth: number): boolean =>
    depth < 6 && classes.some((c) => c.base === base && c.name !== base && (c.methods.has(method) || overridden(c.name, depth + 1)));
  return overridden(owner, 0);
}

/** Calls and statements a JS function runs itself (not in nested functions). */
function jsOwnNodes(fn: SyntaxNode, kinds: string[]): SyntaxNode[] {
  const start = fn.range().start.index;
  return fn.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } }).filter((n) => {
    for (let current = n.parent(); current; current = current.parent()) if (isJsFunction(current)) return current.range().start.index === start;
    return false;
  });
}

/** `fmt === 'xlsx'`, `provider == "apple"`: a condition that selects a named feature. */
function jsNamesFeature(condition: SyntaxNode | null): boolean {
  const inner = condition ? unwrapJsExpression(condition) : undefined;
  if (inner?.kind() !== 'binary_expression' || !/^={2,3}$/.test(inner.field('operator')?.text() ?? '')) return false;
  return [inner.field('left'), inner.field('right')].some((side) => side?.kind() === 'string');
}

/** Like `isStubPosition`, for JS: in the body, or under an `if`/`case` that picks a named feature; not a fallback. */
function jsStubPosition(node: SyntaxNode, fn: SyntaxNode): { ok: boolean; when?: string } {
  const stop = fn.range().start.index;
  let when: string | undefined;
  let child = node;
  for (let current = node.parent(); current && current.range().start.index > stop; child = current, current = current.parent()) {
    switch (String(current.kind())) {
      case 'catch_clause':
      case 'finally_clause':
      case 'else_clause':
      case 'switch_default':
      case 'for_statement':
      case 'for_in_statement':
      case 'while_statement':
      case 'do_statement':
      case 'ternary_expression':
        return { ok: false };
      case 'if_statement': {
        const condition = current.field('condition');
        if (child.range().start.index === condition?.range().start.index) break;
        if (!jsNamesFeature(condition)) return { ok: false };
        when ??= unwrapJsExpression(condition!).text();
        break;
      }
      case 'switch_case': {
        const value = current.field('value');
        if (value?.kind() !== 'string') return { ok: false };
        const subject = current.parent()?.parent()?.field('value');
        when ??= subject ? `${unwrapJsExpression(subject).text()} === ${value.text()}` : value.text();
        break;
      }
      default:
        break;
    }
  }
  const body = fn.field('body');
  const statement = node.kind() === 'throw_statement' ? node : node.parent()?.kind() === 'expression_statement' ? node.parent()! : node;
  if (body && statement.parent()?.range().start.index === body.range().start.index) {
    const at = statement.range().start.index;
    for (const stmt of body.children()) {
      if (stmt.range().start.index >= at) break;
      if (stmt.kind() === 'return_statement' || stmt.find({ rule: { kind: 'return_statement' } })) return { ok: false };
    }
  }
  return { ok: true, when };
}

const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text).replace(/\s+/g, ' ');

/** What makes a JS function a stub: an empty body, `throw new Error('Not implemented')`, a 501, a placeholder payload. */
function jsStubOf(fn: SyntaxNode): Stub | undefined {
  const body = fn.field('body');
  if (body?.kind() === 'statement_block' && !body.children().some((c) => c.isNamed() && c.kind() !== 'comment'))
    return { kind: 'emptyBody', node: body, detail: 'its body is empty' };
  if (!/implemented|501|coming\s+soon/i.test(fn.text())) return undefined;
  const candidates: Stub[] = [];
  for (const node of jsOwnNodes(fn, ['throw_statement', 'call_expression', 'new_expression'])) {
    if (node.kind() === 'throw_statement') {
      const thrown = node.children().find((c) => c.isNamed());
      if (thrown?.kind() !== 'new_expression') continue;
      const ctor = thrown.field('constructor')?.text() ?? '';
      const message = jsStringValue(thrown.field('arguments')?.children().find((c) => c.isNamed()));
      if (!/NotImplemented/.test(ctor) && !(message !== undefined && PLACEHOLDER.test(message))) continue;
      const position = jsStubPosition(node, fn);
      if (position.ok) candidates.push({ kind: 'raisesNotImplemented', node, detail: shorten(thrown.text().replace(/^new\s+/, '')), when: position.when });
      continue;
    }
    const callee = node.field(node.kind() === 'call_expression' ? 'function' : 'constructor')?.text() ?? '';
    const args = (node.field('arguments')?.children() ?? []).filter((c) => c.isNamed());
    const status501 =
      (/\.(status|sendStatus)$/.test(callee) && args[0]?.text() === '501') ||
      args.some((a) => a.kind() === 'object' && a.children().some((p) => p.kind() === 'pair' && p.field('key')?.text() === 'status' && p.field('value')?.text() === '501'));
    if (status501) {
      const position = jsStubPosition(node, fn);
      if (position.ok) candidates.push({ kind: 'returns501', node, detail: '', when: position.when });
      continue;
    }
    if (!/(\.(json|send|end)|^(NextResponse|Response)\.json|^Response)$/.test(callee)) continue;
    const literal = args.map(jsPlaceholderIn).find((l) => l !== undefined);
    if (!literal) continue;
    const position = jsStubPosition(node, fn);
    if (position.ok) candidates.push({ kind: 'returnsPlaceholder', node, detail: literal, when: position.when });
  }
  return candidates.sort((a, b) => a.node.range().start.index - b.node.range().start.index)[0];
}

function jsPlaceholderIn(value: SyntaxNode): string | undefined {
  const direct = jsStringValue(value);
  if (direct !== undefined) return PLACEHOLDER.test(direct) ? shorten(value.text()) : undefined;
  if (value.kind() !== 'object') return undefined;
  for (const pair of value.children()) {
    if (pair.kind() !== 'pair') continue;
    const key = pair.field('key');
    const keyName = key ? (jsStringValue(key) ?? key.text()) : '';
    const text = jsStringValue(pair.field('value'));
    if (PLACEHOLDER_KEY.test(keyName) && text !== undefined && PLACEHOLDER.test(text)) return `{ ${keyName}: '${text}' }`;
  }
  return undefined;
}

