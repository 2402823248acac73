/**
 * Lightweight taint tracking for Python: does a value that reaches a sink come from the request?
 *
 * Within one function it follows assignments (all of them, so a branch that assigns request data
 * counts), f-strings, `%` / `.format` / `+`, containers, string methods and a short list of
 * functions that pass their input through (`os.path.join`, `urljoin`, `unquote` …). It crosses
 * function boundaries in two cheap ways that cover how handlers are usually written:
 * - a call to a project function returns tainted data when its `return` does (summaries), and
 * - a parameter of a helper is tainted when a caller in the same file passes tainted data to it.
 *
 * Sources are the client-controlled parameters of route handlers (from the route model) and reads
 * of a request object (`request.args`, `await request.json()`, `request.GET` …). Each sink kind
 * names the functions that make a value safe for it (`shlex.quote` for shells, `secure_filename`
 * for paths, `escape` for HTML), and numeric conversions are safe for every sink.
 */
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { Location } from '../model/finding.ts';
import type { RepoIndex, Route } from '../model/repo-index.ts';
import {
  describePyCall,
  enclosingPyFunction,
  pyBindingsOf,
  pyClassOf,
  pyDefinitions,
  pyImports,
  pyOwnNodes,
  pyParameters,
} from '../parse/python-syntax.ts';
import { cachedPyModuleLoader, importedReference } from './routes/python-modules.ts';
import { pyRequestObjectNames, pyRequestReadAt } from './routes/python-request-inputs.ts';

export type PySinkKind = 'sql' | 'command' | 'code' | 'url' | 'path' | 'redirect' | 'html' | 'header' | 'deserialize' | 'any';

export interface TaintTrace {
  /** Where the value comes from, for a message: "query parameter `q`", "`request.args.get('url')`". */
  source: string;
  /** The node of the source (a parameter or a request read), possibly in another function. */
  sourceNode: SyntaxNode;
  /** The file of `sourceNode`. */
  sourceFile: ParsedFile;
  /** Variables the value went through, from the source towards the sink. */
  via: string[];
}

/** Conversions that leave no room for injection into any sink. */
const SAFE_FOR_ALL = /^(int|float|bool|len|abs|round|ord|hash|id|isinstance|UUID|Decimal|complex|range|enumerate|min|max|sum|any|all|callable|hasattr|getattr|type)$/;
const SANITISERS: Record<PySinkKind, RegExp> = {
  sql: /^(Identifier|Literal|escape_string|escape|quote_ident|quote_literal|literal)$/,
  command: /^(quote|escape_shell_arg|shell_quote)$/, // shlex.quote, pipes.quote
  code: /^$/,
  url: /^$/,
  path: /^(basename|secure_filename|get_valid_filename|safe_join)$/,
  redirect: /^(url_for|reverse|resolve_url)$/,
  html: /escape|^(clean|quote|strip_tags|linkify|format_html|tojson|dumps|sanitize|sanitise|sanitize_html|bleach)$/i,
  header: /^(quote|quote_plus|urlencode|secure_filename|get_valid_filename|encode_rfc2231)$/,
  deserialize: /^$/,
  any: /^$/,
};
/** Methods whose result carries none of the receiver's text (booleans, counts, positions). */
const NON_TEXT_METHODS = /^(startswith|endswith|isdigit|isalnum|isalpha|isnumeric|isdecimal|isidentifier|isspace|islower|isupper|count|index|find|rfind|rindex|exists|is_file|is_dir|__len__|__contains__|keys)$/;
/** Functions (by last name) that pass their arguments' text into their result. */
const PASS_THROUGH = /^(str|repr|format|bytes|bytearray|list|tuple|dict|set|frozenset|sorted|reversed|join|unquote|unquote_plus|unquote_to_bytes|urljoin|urlunparse|urlunsplit|b64decode|b64encode|urlsafe_b64decode|urlsafe_b64encode|loads|load|normpath|abspath|realpath|expanduser|expandvars|Path|PurePath|PosixPath|dedent|fspath|text|literal_column|Markup|mark_safe|SafeString|HTMLResponse|Response|make_response|HttpResponse|jsonable_encoder|f)$/;
/** Parameter types that cannot carry text into a sink. */
const SAFE_TYPE = /^(int|float|bool|UUID|uuid\.UUID|UUID4|date|datetime|time|timedelta|Decimal|PositiveInt|NonNegativeInt|NegativeInt|conint|confloat|StrictInt|StrictFloat|StrictBool|EmailStr|Literal\[.*\]|PositiveFloat)$/;

/** A condition that checks a value's content, not only its presence. */
const VALIDATION =
  /\b(re\.(fullmatch|match|search)|\.(fullmatch|match|search)\(|\bnot\s+in\b|\bin\s+[\w.]*(ALLOW|allow|PERMIT|permit|VALID|valid|SAFE|safe|WHITELIST|whitelist|KNOWN|known|SUPPORTED|supported|[A-Z_]{3,})|\bin\s*[[({]|\.startswith\(|\.endswith\(|\.(isdigit|isalnum|isalpha|isnumeric|isidentifier|is_relative_to)\(|hostname|netloc|\.scheme\b|is_safe_url|url_has_allowed_host_and_scheme|commonpath|is_valid|validate)/;
/** A traversal blocklist: `if ".." in name: abort(400)`. */
const DOT_DOT_CHECK = /['"]\.\.[/\\]*['"]\s+(not\s+)?in\b/;
/** A block that stops the request when the check fails. */
const REJECTS = /\b(raise|return|abort|continue|break)\b/;

/** `probeParam` value: every parameter is a source (the lower-confidence "caller-supplied value" analysis). */
const ALL_PARAMETERS = -2;
const MAX_DEPTH = 24;
const MAX_CALLER_HOPS = 2;

interface Context {
  index: RepoIndex;
  files: ParsedFiles;
}

/** One function's taint facts. Get it with `pyTaintAt`. */
export class PyFunctionTaint {
  private readonly requestNames: Set<string>;
  private readonly taintedParams: Map<string, string>;
  private readonly memo = new Map<string, TaintTrace | null>();

  constructor(
    private readonly ctx: Context,
    readonly file: ParsedFile,
    /** The function, or undefined at module level. */
    readonly fn: SyntaxNode | undefined,
    private readonly cache: TaintCache,
    /**
     * For summaries: only the parameter at this index is a source (named `param:<index>`); -1
     * for none, so only request reads count. Undefined for the real analysis.
     */
    private readonly probeParam?: number,
  ) {
    this.requestNames = pyRequestObjectNames(file, fn);
    this.taintedParams = fn ? this.clientParams(fn) : new Map();
  }

  /** Whether `fn` is a route handler, and which of its parameters the client controls. */
  private clientParams(fn: SyntaxNode): Map<string, string> {
    const out = new Map<string, string>();
    const params = pyParameters(fn);
    if (this.probeParam === ALL_PARAMETERS) {
      for (const p of params) if (p.name && p.name !== 'self' && p.name !== 'cls' && !this.requestNames.has(p.name)) out.set(p.name, `parameter \`${p.name}\``);
      return out;
    }
    if (this.probeParam !== undefined) {
      const p = params[this.probeParam];
      if (p?.name) out.set(p.name, `param:${this.probeParam}`);
      return out;
    }
    const route = this.cache.routeOf(this.file.path, fn.range().start.line + 1);
    if (!route) return out;
    const declared = route.inputs.filter((i) => i.param);
    if (declared.length) {
      for (const input of declared) {
        if (input.type && SAFE_TYPE.test(unwrapType(input.type))) continue;
        if (this.isConstrainedParam(fn, input.param!, input.type)) continue;
        out.set(input.param!, `${input.source === 'body' ? 'request body' : `${input.source} parameter`} \`${input.name === '*' ? input.param : input.name}\``);
      }
      return out;
    }
    // The extractor did not list the parameters: every non-injected, non-numeric one is client input.
    for (const p of params) {
      if (!p.name || p.name === 'self' || p.name === 'cls' || this.requestNames.has(p.name)) continue;
      if (p.default && /\b(Depends|Security)\s*\(/.test(p.default.text())) continue;
      const type = p.annotation ? unwrapType(p.annotation.text()) : '';
      if (/\b(Depends|Security)\s*\(/.test(type)) continue;
      if (type && (SAFE_TYPE.test(type) || /(^|\.)(Request|Response|WebSocket|BackgroundTasks|Session|AsyncSession|Connection|HttpRequest|User)$/.test(type))) continue;
      if (this.isConstrainedParam(fn, p.name, type)) continue;
      out.set(p.name, `${route.framework === 'django' ? 'URL' : 'request'} parameter \`${p.name}\``);
    }
    return out;
  }

  /**
   * A parameter the framework validates before the handler runs: a `pattern=` / `regex=` constraint
   * (`Path(pattern=r"^[a-z-]+$")`, `Query(regex=…)`), or an `Enum` type declared in this file or
   * imported from a project module.
   */
  private isConstrainedParam(fn: SyntaxNode, name: string, type: string | undefined): boolean {
    const param = pyParameters(fn).find((p) => p.name === name);
    const declared = `${param?.default?.text() ?? ''} ${param?.annotation?.text() ?? ''}`;
    if (/\b(pattern|regex)\s*=/.test(declared)) return true;
    const typeName = type ? unwrapType(type) : '';
    if (!/^[\w.]+$/.test(typeName) || !this.file.ast) return false;
    const cls = this.cache.definitionOf(this.file, typeName, fn);
    const bases = cls?.fn.kind() === 'class_definition' ? (cls.fn.field('superclasses')?.text() ?? '') : '';
    return /\b(Enum|IntEnum|StrEnum|IntFlag|Flag)\b/.test(bases);
  }

  /** The request data `expr` carries, or undefined when it carries none that is unsafe for `sink`. */
  traceOf(expr: SyntaxNode, sink: PySinkKind = 'any'): TaintTrace | undefined {
    return this.trace(expr, sink, 0, new Set());
  }

  private trace(expr: SyntaxNode, sink: PySinkKind, depth: number, visiting: Set<string>): TaintTrace | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const r = expr.range();
    const key = `${sink}:${r.start.index}:${r.end.index}:${expr.kind()}`;
    if (this.memo.has(key)) return this.memo.get(key) ?? undefined;
    if (visiting.has(key)) return undefined;
    visiting.add(key);
    const found = this.compute(expr, sink, depth, visiting);
    visiting.delete(key);
    this.memo.set(key, found ?? null);
    return found;
  }

  private compute(expr: SyntaxNode, sink: PySinkKind, depth: number, visiting: Set<string>): TaintTrace | undefined {
    const next = (n: SyntaxNode | null | undefined) => (n ? this.trace(n, sink, depth + 1, visiting) : undefined);
    const firstOf = (nodes: SyntaxNode[]) => {
      for (const n of nodes) {
        const t = next(n);
        if (t) return t;
      }
      return undefined;
    };
    const read = pyRequestReadAt(expr, this.requestNames);
    if (read) return { source: `\`${short(expr.text())}\``, sourceNode: expr, sourceFile: this.file, via: [] };

    switch (String(expr.kind())) {
      case 'identifier':
        return this.traceName(expr, sink, depth, visiting);
      case 'string':
        return firstOf(expr.children().filter((c) => c.kind() === 'interpolation').map((c) => c.children().find((x) => x.isNamed())!).filter(Boolean));
      case 'concatenated_string':
      case 'binary_operator':
      case 'boolean_operator':
      case 'parenthesized_expression':
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
      case 'dictionary':
      case 'pair':
      case 'list_splat':
      case 'dictionary_splat':
      case 'keyword_argument':
      case 'await':
      case 'interpolation':
      case 'format_expression':
        return firstOf(expr.children().filter((c) => c.isNamed() && c.kind() !== 'comment'));
      case 'conditional_expression': {
        // `a if cond else b`: the condition is not part of the value.
        const parts = expr.children().filter((c) => c.isNamed());
        return firstOf([parts[0], parts[2]].filter(Boolean));
      }
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
      case 'dictionary_comprehension':
        return firstOf(expr.children().filter((c) => c.isNamed()));
      case 'for_in_clause':
        return next(expr.field('right'));
      case 'subscript':
        return next(expr.field('value'));
      case 'attribute': {
        // `Path(user).name` is only the last component: as safe for paths as `basename`.
        if (sink === 'path' && /^(name|stem|suffix)$/.test(expr.field('attribute')?.text() ?? '')) return undefined;
        return next(expr.field('object'));
      }
      case 'call':
        return this.traceCall(expr, sink, depth, visiting);
      default:
        return undefined;
    }
  }

  private traceName(expr: SyntaxNode, sink: PySinkKind, depth: number, visiting: Set<string>): TaintTrace | undefined {
    const name = expr.text();
    if (!this.fn) return undefined;
    const param = this.taintedParams.get(name);
    if (param) {
      if (this.isValidated(name, -1, expr)) return undefined;
      const declared = pyParameters(this.fn).find((p) => p.name === name)?.node ?? expr;
      return { source: param, sourceNode: declared, sourceFile: this.file, via: [] };
    }
    const bindings = pyBindingsOf(this.fn, name, this.file);
    if (!bindings.length) return undefined;
    const use = expr.range().start.index;
    // `items.append(value)`, `data["k"] = value`: a container filled with request data carries it.
    for (const filled of this.mutationsOf(name)) {
      if (filled.range().start.index > use) continue;
      const found = this.trace(filled, sink, depth + 1, visiting);
      if (found) return { ...found, via: [...found.via, name] };
    }
    const before = bindings.filter((b) => b.at <= use);
    // A use before every binding is a loop-carried value (or a bug); look at all of them.
    for (const { binding, at } of before.length ? before : bindings) {
      if (this.isValidated(name, at, expr)) continue;
      if (binding.isParameter) {
        const viaCaller = this.traceParameterFromCallers(name, sink, depth, visiting);
        if (viaCaller) return viaCaller;
        continue;
      }
      const node = binding.node;
      let value: SyntaxNode | null | undefined = binding.value;
      if (!value) {
        const kind = String(node.kind());
        if (kind === 'for_statement') value = node.field('right');
        else if (kind === 'assignment' || kind === 'augmented_assignment') value = node.field('right');
        else if (kind === 'as_pattern') value = node.children().find((c) => c.isNamed());
        else if (kind === 'named_expression') value = node.field('value');
      }
      if (node.kind() === 'augmented_assignment') value = node.field('right');
      if (!value) continue;
      const found = this.trace(value, sink, depth + 1, visiting);
      if (found) return { ...found, via: [...found.via, name] };
    }
    return undefined;
  }

  /**
   * Whether `name` passes a content check between its binding (offset `from`) and the use: an
   * `if` whose condition validates it (regex match, allow-list membership, prefix or host check,
   * `isdigit()`…) and that either rejects (raise / return / abort / continue) or encloses the use.
   * A presence check (`if not url`) is not validation.
   */
  private isValidated(name: string, from: number, use: SyntaxNode): boolean {
    if (!this.fn) return false;
    const useAt = use.range().start.index;
    const word = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
    for (const stmt of this.ifStatements()) {
      const r = stmt.range();
      if (r.start.index < from || r.start.index > useAt) continue;
      const condition = stmt.field('condition');
      if (!condition || !word.test(condition.text()) || !(VALIDATION.test(condition.text()) || DOT_DOT_CHECK.test(condition.text()))) continue;
      const body = stmt.field('consequence');
      const encloses = body && body.range().start.index <= useAt && useAt <= body.range().end.index;
      if (encloses || (body && REJECTS.test(body.text()) && r.end.index <= useAt)) return true;
      // `if not is_safe(url): url = "/"` replaces the unsafe value before the use.
      if (body && r.end.index <= useAt && new RegExp(`(^|\\n)\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=[^=]`).test(body.text())) return true;
    }
    return false;
  }

  private mutations?: Map<string, SyntaxNode[]>;
  /** Values put into a container in place: `name.append(v)`, `name.update(v)`, `name[k] = v`. */
  private mutationsOf(name: string): SyntaxNode[] {
    if (!this.mutations) {
      this.mutations = new Map();
      const add = (target: string, value: SyntaxNode | null | undefined) => {
        if (value) this.mutations!.set(target, [...(this.mutations!.get(target) ?? []), value]);
      };
      if (this.fn) {
        for (const call of pyOwnNodes(this.fn, 'call')) {
          const callee = call.field('function');
          if (callee?.kind() !== 'attribute' || callee.field('object')?.kind() !== 'identifier') continue;
          if (!/^(append|extend|insert|add|update|appendleft|extendleft|setdefault|write|set|put|put_nowait|push)$/.test(callee.field('attribute')?.text() ?? '')) continue;
          for (const arg of call.field('arguments')?.children() ?? []) if (arg.isNamed()) add(callee.field('object')!.text(), arg);
        }
        for (const assign of pyOwnNodes(this.fn, 'assignment')) {
          const left = assign.field('left');
          if (left?.kind() === 'subscript' && left.field('value')?.kind() === 'identifier') add(left.field('value')!.text(), assign.field('right'));
        }
      }
    }
    return this.mutations.get(name) ?? [];
  }

  private ifs?: SyntaxNode[];
  private ifStatements(): SyntaxNode[] {
    this.ifs ??= this.fn ? pyOwnNodes(this.fn, 'if_statement') : [];
    return this.ifs;
  }

  private traceCall(expr: SyntaxNode, sink: PySinkKind, depth: number, visiting: Set<string>): TaintTrace | undefined {
    const call = describePyCall(expr);
    if (!call) return undefined;
    const fnNode = expr.field('function');
    const last = call.callee.split('.').pop() ?? '';
    if (SAFE_FOR_ALL.test(last) && !call.callee.includes('.')) return undefined;
    if (/^(uuid\.UUID|UUID)$/.test(call.callee)) return undefined;
    if (SANITISERS[sink].test(last)) return undefined;
    const args = [...call.args, ...call.keywords.values()];
    const next = (n: SyntaxNode | null | undefined) => (n ? this.trace(n, sink, depth + 1, visiting) : undefined);
    const anyArg = () => {
      for (const a of args) {
        const t = next(a);
        if (t) return t;
      }
      return undefined;
    };

    // A method call: `tainted.strip()`, `"…".format(tainted)`, `", ".join(tainted)`, `tainted.get("k")`.
    if (fnNode?.kind() === 'attribute') {
      const method = fnNode.field('attribute')?.text() ?? '';
      const receiver = fnNode.field('object');
      if (NON_TEXT_METHODS.test(method)) return undefined;
      if (receiver && !this.isModuleName(receiver.text())) {
        const fromReceiver = next(receiver);
        if (fromReceiver) return fromReceiver;
      }
      if (/^(format|join|replace|format_map|encode|decode|strip|lstrip|rstrip|split|rsplit|partition|lower|upper|casefold|title|ljust|rjust|center|zfill|expandtabs|translate)$/.test(method) && receiver && !this.isModuleName(receiver.text())) {
        return anyArg();
      }
    }
    if (PASS_THROUGH.test(last)) return anyArg();

    // The request object handed to a project class (`RequestWrapper(request)`): the instance carries request data.
    const requestArg = call.args.find((a) => a.kind() === 'identifier' && this.requestNames.has(a.text()));
    if (requestArg && this.cache.isProjectClass(this.file, call.callee, expr))
      return { source: `request data read through \`${call.callee}\``, sourceNode: expr, sourceFile: this.file, via: [] };

    // A project function: tainted when its return carries a tainted argument or request data.
    const summary = this.cache.summaryOf(this.file, call.callee, expr);
    if (summary) {
      if (summary.returnsRequestData) return { ...summary.returnsRequestData, via: [...summary.returnsRequestData.via, `${call.callee}()`] };
      for (const index of summary.taintedReturnParams) {
        const arg = typeof index === 'number' ? call.args[index] : call.keywords.get(index);
        const t = next(arg);
        if (t) return { ...t, via: [...t.via, `${call.callee}()`] };
      }
      return undefined;
    }
    return undefined;
  }

  private isModuleName(text: string): boolean {
    if (!this.file.ast) return false;
    const imp = pyImports(this.file.ast).get(text);
    return !!imp && !imp.name;
  }

  /** A helper's parameter: tainted when a caller in the same file passes request data to it. */
  private traceParameterFromCallers(name: string, sink: PySinkKind, depth: number, visiting: Set<string>): TaintTrace | undefined {
    if (!this.fn || this.probeParam !== undefined || depth > MAX_DEPTH / 2 || visiting.size > 200) return undefined;
    const hops = [...visiting].filter((k) => k.startsWith('caller:')).length;
    if (hops >= MAX_CALLER_HOPS) return undefined;
    const params = pyParameters(this.fn);
    const cls = pyClassOf(this.fn);
    const offset = cls && (params[0]?.name === 'self' || params[0]?.name === 'cls') ? 1 : 0;
    const position = params.findIndex((p) => p.name === name) - offset;
    const fnName = this.fn.field('name')?.text() ?? '';
    const guard = `caller:${this.file.path}:${fnName}`;
    if (visiting.has(guard)) return undefined;
    visiting.add(guard);
    try {
      for (const site of this.cache.callSitesOf(this.file, fnName, !!cls)) {
        const call = describePyCall(site);
        if (!call) continue;
        const arg = call.keywords.get(name) ?? (position >= 0 ? call.args[position] : undefined);
        if (!arg || call.args.some((a) => a.kind() === 'list_splat')) continue;
        const callerTaint = this.cache.taintAt(this.file, site);
        if (callerTaint === this) continue;
        const found = callerTaint.trace(arg, sink, depth + 1, visiting);
        if (found) return { ...found, via: [...found.via, `${fnName}(${name})`] };
      }
    } finally {
      visiting.delete(guard);
    }
    return undefined;
  }
}

/** Remove `Optional[…]`, `Annotated[…, …]`, `| None` around a type. */
function unwrapType(type: string): string {
  let t = type.trim();
  for (let i = 0; i < 3; i++) {
    const m = /^(?:typing\.)?(?:Optional|Annotated)\[\s*([^,\]]+(?:\[[^\]]*\])?)/.exec(t);
    if (m) t = m[1].trim();
    t = t.replace(/\s*\|\s*None$/, '').replace(/^None\s*\|\s*/, '');
  }
  return t;
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').replace(/`/g, "'");
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

interface Summary {
  /** Parameter positions (or names for keywords) whose value reaches a `return`. */
  taintedReturnParams: (number | string)[];
  returnsRequestData?: TaintTrace;
}

/** Per-audit caches: function taint objects, function summaries, call sites. */
class TaintCache {
  private readonly byFunction = new Map<string, PyFunctionTaint>();
  private readonly summaries = new Map<string, Summary | null>();
  private readonly callSites = new Map<string, SyntaxNode[]>();
  private readonly routesByHandler = new Map<string, Route>();
  private readonly load: (from: ParsedFile, module: string) => ParsedFile | undefined;

  constructor(private readonly ctx: Context) {
    for (const route of ctx.index.routes) this.routesByHandler.set(`${route.handler.file}:${route.handler.startLine}`, route);
    this.load = cachedPyModuleLoader(ctx.files);
  }

  routeOf(file: string, line: number): Route | undefined {
    return this.routesByHandler.get(`${file}:${line}`);
  }

  taintAt(file: ParsedFile, node: SyntaxNode): PyFunctionTaint {
    const fn = enclosingPyFunction(node);
    const key = `${file.path}:${fn?.range().start.index ?? -1}`;
    let taint = this.byFunction.get(key);
    if (!taint) {
      taint = new PyFunctionTaint(this.ctx, file, fn, this);
      this.byFunction.set(key, taint);
    }
    return taint;
  }

  /** The analysis of the function around `node` with every parameter as a source; undefined for route handlers and module code. */
  parameterProbeAt(file: ParsedFile, node: SyntaxNode): PyFunctionTaint | undefined {
    const fn = enclosingPyFunction(node);
    if (!fn || this.routeOf(file.path, fn.range().start.line + 1)) return undefined;
    const key = `${file.path}:${fn.range().start.index}:params`;
    let taint = this.byFunction.get(key);
    if (!taint) {
      taint = new PyFunctionTaint(this.ctx, file, fn, this, ALL_PARAMETERS);
      this.byFunction.set(key, taint);
    }
    return taint;
  }

  /** Calls of a function named `name` in `file` (`name(...)`, and `self.name(...)` for methods). */
  callSitesOf(file: ParsedFile, name: string, isMethod: boolean): SyntaxNode[] {
    const key = `${file.path}:${name}:${isMethod}`;
    let sites = this.callSites.get(key);
    if (!sites) {
      const callee = isMethod ? `(self|cls)\\.${name}` : name;
      sites = file.findAll({ kind: 'call', has: { field: 'function', regex: `^${callee}$` } });
      this.callSites.set(key, sites);
    }
    return sites;
  }

  /** The function or class a name refers to, in this file or a project module it imports. */
  definitionOf(file: ParsedFile, name: string, at: SyntaxNode): { file: ParsedFile; fn: SyntaxNode } | undefined {
    return this.resolveDefinition(file, name, at);
  }

  /** Whether a callee names a class defined in the project (same file or imported). */
  isProjectClass(file: ParsedFile, callee: string, at: SyntaxNode): boolean {
    return this.resolveDefinition(file, callee, at)?.fn.kind() === 'class_definition';
  }

  /** The return summary of the project function a callee names, or undefined when it is not one. */
  summaryOf(file: ParsedFile, callee: string, at: SyntaxNode): Summary | undefined {
    const target = this.resolveCallee(file, callee, at);
    if (!target) return undefined;
    const key = `${target.file.path}:${target.fn.range().start.index}`;
    if (this.summaries.has(key)) return this.summaries.get(key) ?? undefined;
    this.summaries.set(key, null); // recursion: an in-progress summary taints nothing
    const summary = this.summarise(target.file, target.fn);
    this.summaries.set(key, summary);
    return summary;
  }

  private resolveCallee(file: ParsedFile, callee: string, at: SyntaxNode): { file: ParsedFile; fn: SyntaxNode } | undefined {
    const found = this.resolveDefinition(file, callee, at);
    return found?.fn.kind() === 'function_definition' ? found : undefined;
  }

  /** The function or class definition a callee names, in this file or a project module it imports. */
  private resolveDefinition(file: ParsedFile, callee: string, at: SyntaxNode): { file: ParsedFile; fn: SyntaxNode } | undefined {
    if (!file.ast) return undefined;
    if (/^(self|cls)\.\w+$/.test(callee)) {
      const cls = pyClassOf(enclosingPyFunction(at) ?? at);
      const def = cls ? pyDefinitions(cls).get(callee.split('.')[1]) : undefined;
      return def ? { file, fn: def } : undefined;
    }
    if (!callee.includes('.')) {
      const local = pyDefinitions(file.ast).get(callee);
      if (local) return { file, fn: local };
    }
    const target = importedReference(pyImports(file.ast), callee);
    if (!target?.name) return undefined;
    const module = this.load(file, target.module);
    const def = module?.ast ? pyDefinitions(module.ast).get(target.name) : undefined;
    return module && def ? { file: module, fn: def } : undefined;
  }

  private summarise(file: ParsedFile, fn: SyntaxNode): Summary {
    const params = pyParameters(fn);
    const offset = params[0]?.name === 'self' || params[0]?.name === 'cls' ? 1 : 0;
    const returns = pyOwnNodes(fn, 'return_statement')
      .map((ret) => ret.children().find((c) => c.isNamed()))
      .filter((v): v is SyntaxNode => !!v);
    const reaches = (probe: PyFunctionTaint) => {
      for (const value of returns) {
        const trace = probe.traceOf(value);
        if (trace) return trace;
      }
      return undefined;
    };
    const tainted: (number | string)[] = [];
    // One probe per parameter, so a helper returning `db.query(...)` built from `user_id` is not
    // mistaken for one returning the user's text: only a parameter whose own value flows out counts.
    params.forEach((p, i) => {
      if (i < offset || !p.name || !returns.length) return;
      if (reaches(new PyFunctionTaint(this.ctx, file, fn, this, i))) tainted.push(i - offset, p.name);
    });
    const returnsRequestData = returns.length ? reaches(new PyFunctionTaint(this.ctx, file, fn, this, -1)) : undefined;
    return { taintedReturnParams: tainted, returnsRequestData };
  }
}

const caches = new WeakMap<RepoIndex, TaintCache>();

/**
 * The taint facts of the function around `node` (or of the module when `node` is at top level).
 * Cached per audit, so every rule asking about the same function shares the work.
 */
export function pyTaintAt(ctx: Context, file: ParsedFile, node: SyntaxNode): PyFunctionTaint {
  return cacheOf(ctx).taintAt(file, node);
}

function cacheOf(ctx: Context): TaintCache {
  let cache = caches.get(ctx.index);
  if (!cache) {
    cache = new TaintCache(ctx);
    caches.set(ctx.index, cache);
  }
  return cache;
}

/**
 * Whether an expression is built only from literals and constants (no variable part at all):
 * `"SELECT 1"`, `"a" + "b"`, `BASE_DIR`, `["ls", "-l"]`. Used for the lower-confidence "fed by a
 * non-literal value" findings when no request data can be traced.
 */
export function isPyConstantExpression(expr: SyntaxNode): boolean {
  switch (String(expr.kind())) {
    case 'string':
      return !expr.children().some((c) => c.kind() === 'interpolation');
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'identifier':
      return /^_?[A-Z][A-Z0-9_]*$/.test(expr.text());
    case 'attribute':
      return /^_?[A-Z][A-Z0-9_]*$/.test(expr.field('attribute')?.text() ?? '') || /^(settings|config|django\.conf\.settings)\./.test(expr.text());
    case 'concatenated_string':
    case 'binary_operator':
    case 'parenthesized_expression':
    case 'list':
    case 'tuple':
      return expr.children().filter((c) => c.isNamed() && c.kind() !== 'comment').every(isPyConstantExpression);
    default:
      return false;
  }
}

export type PySinkArgument = { kind: 'tainted'; trace: TaintTrace } | { kind: 'dynamic'; trace: TaintTrace };

/**
 * What reaches a sink argument: request data (`tainted`, with its trace); else, in a helper that
 * is not a route handler and whose callers could not be followed, one of its own parameters,
 * unvalidated (`dynamic`: the lower-confidence case, "safe only if every caller is"); else
 * undefined (constants, numbers, sanitised or validated values, local computations).
 */
export function classifyPySinkArgument(ctx: Context, file: ParsedFile, arg: SyntaxNode, sink: PySinkKind): PySinkArgument | undefined {
  const trace = pyTaintAt(ctx, file, arg).traceOf(arg, sink);
  if (trace) return { kind: 'tainted', trace };
  if (isPyConstantExpression(arg)) return undefined;
  const viaParameter = cacheOf(ctx).parameterProbeAt(file, arg)?.traceOf(arg, sink);
  return viaParameter ? { kind: 'dynamic', trace: viaParameter } : undefined;
}

/** "query parameter `q`, through `cmd` and `build_cmd()`", for a message. */
export function describeTaintTrace(trace: TaintTrace): string {
  const via = [...new Set(trace.via)].slice(-3).map((v) => `\`${v}\``);
  return via.length ? `${trace.source}, through ${via.length > 1 ? `${via.slice(0, -1).join(', ')} and ${via[via.length - 1]}` : via[0]}` : trace.source;
}

/** The source of a trace as a related location, so the report shows where the request data enters. */
export function taintSourceLocation(trace: TaintTrace): Location {
  return trace.sourceFile.locate(trace.sourceNode, 'request data enters here');
}

/** The route whose handler contains `node`, if any. */
export function pyEnclosingRoute(ctx: Context, file: ParsedFile, node: SyntaxNode): Route | undefined {
  const fn = enclosingPyFunction(node);
  return fn ? cacheOf(ctx).routeOf(file.path, fn.range().start.line + 1) : undefined;
}
