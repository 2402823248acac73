import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import type { RequestInput, RequestInputSource } from '../../model/repo-index.ts';
import { pyImports, pyParameters, pyStringValue } from '../../parse/python-syntax.ts';

/**
 * What each attribute of a request object carries, across the Python frameworks: Flask/Werkzeug
 * (`args`, `form`, `get_json()`), Django and DRF (`GET`, `POST`, `FILES`, `META`, `data`,
 * `query_params`), Starlette/FastAPI (`query_params`, `path_params`, `json()`), aiohttp
 * (`match_info`, `query`, `post()`, `read()`). Every one of them is chosen by the client.
 */
const REQUEST_ATTRIBUTES: Record<string, RequestInputSource> = {
  // query string and URL
  args: 'query',
  values: 'query',
  GET: 'query',
  query_params: 'query',
  query: 'query',
  query_string: 'query',
  url: 'query',
  full_path: 'query',
  path: 'query',
  path_info: 'query',
  get_full_path: 'query',
  build_absolute_uri: 'query',
  rel_url: 'query',
  raw_path: 'query',
  // path parameters
  view_args: 'path',
  path_params: 'path',
  match_info: 'path',
  // bodies
  form: 'form',
  POST: 'form',
  post: 'form',
  json: 'body',
  get_json: 'body',
  data: 'body',
  get_data: 'body',
  body: 'body',
  stream: 'body',
  text: 'body',
  read: 'body',
  content: 'body',
  input_stream: 'body',
  // files
  files: 'file',
  FILES: 'file',
  multipart: 'file',
  // headers and cookies
  headers: 'header',
  META: 'header',
  referrer: 'header',
  host: 'header',
  user_agent: 'header',
  environ: 'header',
  cookies: 'cookie',
  COOKIES: 'cookie',
};

/** Methods that read one key of a request mapping: `request.args.get("q")`, `request.form.getlist("ids")`. */
const KEYED_READ = /^(get|getlist|getone|getall|pop|get_all)$/;
const REQUEST_PARAM_NAME = /^(request|req)$/;

/**
 * The expressions the request object is reachable by inside `fn`: Flask's imported `request`
 * global (or `flask.request`), a `request`/`req` parameter or one typed `Request`, and
 * `self.request` in class-based views.
 */
export function pyRequestObjectNames(file: ParsedFile, fn: SyntaxNode | undefined): Set<string> {
  const names = new Set<string>();
  if (file.ast) {
    for (const [local, imp] of pyImports(file.ast)) {
      if (imp.name === 'request' && /^(flask|quart|werkzeug)(\.|$)/.test(imp.module)) names.add(local);
      if (!imp.name && /^(flask|quart)$/.test(imp.module)) names.add(`${local}.request`);
    }
  }
  if (fn) {
    for (const p of pyParameters(fn)) {
      const type = p.annotation?.text().split('.').pop() ?? '';
      if (REQUEST_PARAM_NAME.test(p.name) || /^(Request|HttpRequest|WSGIRequest|ASGIRequest|BaseRequest)$/.test(type)) names.add(p.name);
    }
    if (pyParameters(fn)[0]?.name === 'self') names.add('self.request');
  }
  return names;
}

/**
 * If `node` is a read of client data from a request object (`request.args`, `request.args.get("q")`,
 * `request.GET["p"]`, `await request.json()`, `request.headers.get("X-Url")`), which source and key it
 * reads. Only the outermost node of a read matches, so one read is reported once.
 */
export function pyRequestReadAt(node: SyntaxNode, requestNames: ReadonlySet<string>): { source: RequestInputSource; name: string } | undefined {
  let expr = node;
  if (expr.kind() === 'await') expr = expr.children().find((c) => c.isNamed()) ?? expr;
  let key: string | undefined;
  // `<mapping>.get("k")` and `<mapping>["k"]` name the key they read.
  if (expr.kind() === 'call') {
    const fnNode = expr.field('function');
    if (fnNode?.kind() === 'attribute' && KEYED_READ.test(fnNode.field('attribute')?.text() ?? '')) {
      const inner = requestAttribute(fnNode.field('object'), requestNames);
      if (inner) {
        const first = expr.field('arguments')?.children().find((c) => c.isNamed());
        return { source: inner.source, name: pyStringValue(first) ?? '*' };
      }
    }
    const called = requestAttribute(fnNode, requestNames);
    return called ? { source: called.source, name: '*' } : undefined;
  }
  if (expr.kind() === 'subscript') {
    const value = expr.field('value');
    const inner = requestAttribute(value?.kind() === 'parenthesized_expression' ? value.children().find((c) => c.isNamed()) : value, requestNames);
    if (inner) {
      key = pyStringValue(expr.field('subscript'));
      return { source: inner.source, name: key ?? '*' };
    }
    return undefined;
  }
  const attr = requestAttribute(expr, requestNames);
  return attr ? { source: attr.source, name: '*' } : undefined;
}

/** `request.args`, `request.rel_url.query`, `await request.json()` (the call or the await around it). */
function requestAttribute(node: SyntaxNode | null | undefined, requestNames: ReadonlySet<string>): { source: RequestInputSource } | undefined {
  if (!node) return undefined;
  if (node.kind() === 'await') return requestAttribute(node.children().find((c) => c.isNamed()), requestNames);
  if (node.kind() === 'parenthesized_expression') return requestAttribute(node.children().find((c) => c.isNamed()), requestNames);
  if (node.kind() === 'call') return requestAttribute(node.field('function'), requestNames);
  if (node.kind() !== 'attribute') return undefined;
  const object = node.field('object');
  const attribute = node.field('attribute')?.text() ?? '';
  const source = REQUEST_ATTRIBUTES[attribute];
  if (source && object && requestNames.has(object.text())) return { source };
  // `request.rel_url.query`, `request.url.path`: a client-chosen value one level deeper.
  if (object?.kind() === 'attribute' && /^(query|path|query_string|raw_path)$/.test(attribute)) return requestAttribute(object, requestNames);
  return undefined;
}

/**
 * Request data a handler reads in its body, one entry per source and key, in source order:
 * `request.args.get("q")` → query `q`, `await request.json()` → body `*`, `request.FILES["doc"]` → file `doc`.
 */
export function pyRequestReads(file: ParsedFile, fn: SyntaxNode, requestNames: ReadonlySet<string> = pyRequestObjectNames(file, fn)): RequestInput[] {
  if (!requestNames.size) return [];
  const body = fn.field('body');
  if (!body) return [];
  const out: RequestInput[] = [];
  const seen = new Set<string>();
  const covered: [number, number][] = [];
  // Only nodes whose text starts with a request name can be reads: let the native matcher filter them.
  const head = [...requestNames].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const candidates = body.findAll({
    rule: { any: [{ kind: 'call' }, { kind: 'subscript' }, { kind: 'attribute' }, { kind: 'await' }], regex: `^(await\\s+)?\\(?(${head})\\.` },
  });
  for (const node of candidates) {
    const r = node.range();
    if (covered.some(([s, e]) => s <= r.start.index && r.end.index <= e)) continue;
    const read = pyRequestReadAt(node, requestNames);
    if (!read) continue;
    covered.push([r.start.index, r.end.index]);
    const id = `${read.source}\0${read.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ name: read.name, source: read.source, at: file.locate(node) });
  }
  return out;
}
