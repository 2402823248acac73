import { classifyPySinkArgument, describeTaintTrace, isPyConstantExpression, taintSourceLocation } from '../../facts/python-taint.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyDefinitions, pyOwnNodes, pyQualifiedName, pyStringHeads, type PyCall } from '../../parse/python-syntax.ts';

/** Module-level request functions: `requests.get(url)`, `httpx.post(url)`, `urllib.request.urlopen(url)`. */
const MODULE_FETCH = /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$|^(urllib\.request|urllib2|six\.moves\.urllib\.request)\.(urlopen|Request)$|^aiohttp\.request$/;
/** Client objects whose methods fetch a URL. */
const CLIENT_CONSTRUCTOR = /^(requests\.(Session|session)|requests\.sessions\.Session|httpx\.(Client|AsyncClient)|aiohttp\.ClientSession|urllib3\.(PoolManager|ProxyManager)|urllib3\.poolmanager\.PoolManager)$/;
const CLIENT_METHOD = /^(get|post|put|patch|delete|head|options|request|stream|urlopen|ws_connect)$/;
/** Methods and functions whose first argument is the HTTP method, so the URL is the second. */
const METHOD_FIRST = /^(request|stream|urlopen)$/;
/** An `if` that checks where a URL points: host allow-list, scheme, private-address test. */
const URL_GUARD = /hostname|netloc|\.host\b|ALLOWED|allowed_(hosts|domains)|allow_?list|white_?list|is_safe_url|is_allowed|is_private|is_loopback|is_global|ip_address|validate_url|is_valid_url|url_has_allowed_host_and_scheme/;
const REJECTS = /\b(raise|return|abort)\b/;
/** A call that checks a URL and raises when it is not allowed: `validate_url(url)`, `ensure_allowed_host(url)`. */
const VALIDATOR_CALL = /(^|\.)(validate|check|verify|ensure|assert)_?\w*(url|host|domain|target|destination)\w*$|(^|\.)is_safe_url$/i;
/** A helper the value passed through whose name says it validates. */
const VALIDATOR_HELPER = /(valid|sanitiz|sanitis|safe|allow|verify|check|ensure)/i;

export default defineRule({
  meta: {
    id: 'server-side-request-forgery',
    category: 'security',
    title: 'Server-side request to a URL chosen by the client',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    messages: {
      taintedUrl: '`{{sink}}` fetches a URL taken from {{source}}, without checking its host against an allow-list.',
    },
    why: [
      'The server fetches whatever URL the client names, from inside your network and with your credentials. A caller can point it at `http://169.254.169.254/` to read cloud instance credentials, at `http://localhost:6379/` or other internal services that trust local traffic, or at `file://` URLs, and read the responses back through your API.',
      '',
      'Fetching from a fixed host with the client\'s value only in the path or query (`f"https://api.github.com/users/{name}"`) is not reported: the host cannot change.',
    ].join('\n'),
    fix: [
      'Keep the host fixed and let the client choose only a path part, or check the parsed host against an allow-list before fetching (and do not follow redirects to other hosts).',
      '',
      '```python',
      'from urllib.parse import urlparse',
      '',
      'ALLOWED_HOSTS = {"images.example-cdn.com", "avatars.githubusercontent.com"}',
      '',
      '@app.post("/avatar")',
      'def import_avatar():',
      '    url = request.json["url"]',
      '    parsed = urlparse(url)',
      '    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:',
      '        abort(400)',
      '    image = requests.get(url, timeout=5, allow_redirects=False)',
      '```',
    ].join('\n'),
    effortHours: 2,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\nrequests==2.32.3\n',
        'app.py': [
          'import requests',
          'from flask import Flask, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/preview")',
          'def preview():',
          '    url = request.args["url"]',
          '    page = requests.get(url, timeout=5)',
          '    return page.text[:500]',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\nrequests==2.32.3\n',
        'app.py': [
          'import requests',
          'from flask import Flask, request',
          '',
          'app = Flask(__name__)',
          'GITHUB_API = "https://api.github.com"',
          '',
          '@app.get("/github/<name>")',
          'def github_profile(name):',
          '    profile = requests.get(f"{GITHUB_API}/users/{name}", timeout=5)',
          '    return profile.json()',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [918],
      owasp: ['A10:2021 Server-Side Request Forgery'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html'],
      equivalents: ['semgrep:python.flask.security.injection.ssrf-requests.ssrf-requests', 'semgrep:python.django.security.injection.ssrf.ssrf-injection-requests.ssrf-injection-requests', 'bandit:B310'],
    },
  },
  check(ctx) {
    for (const file of ctx.files.ofKind('python', { containing: ['requests', 'httpx', 'urllib', 'aiohttp', 'urlopen'] })) {
      const root = file.ast;
      if (!root) continue;
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(get|post|put|patch|delete|head|options|request|stream|urlopen|Request|ws_connect)$' } })) {
        const call = describePyCall(node);
        if (!call) continue;
        const sink = fetchSink(file, root, call);
        if (!sink) continue;
        const url = (sink.methodFirst ? call.args[1] : call.args[0]) ?? call.keywords.get('url');
        if (!url || isPyConstantExpression(url)) continue;
        const reached = classifyPySinkArgument(ctx, file, url, 'url');
        if (reached?.kind !== 'tainted') continue;
        if (reached.trace.via.some((v) => v.endsWith('()') && VALIDATOR_HELPER.test(v))) continue;
        const fn = enclosingPyFunction(node);
        if (hostIsFixed(url, fn, file) || isGuarded(fn, node, root)) continue;
        ctx.report({
          messageId: 'taintedUrl',
          at: file.locate(node),
          data: { sink: call.callee, source: describeTaintTrace(reached.trace) },
          related: [taintSourceLocation(reached.trace)],
        });
      }
    }
  },
});

/** Whether a call fetches a URL, and whether its first argument is the HTTP method. */
function fetchSink(file: ParsedFile, root: SyntaxNode, call: PyCall): { methodFirst: boolean } | undefined {
  const qualified = pyQualifiedName(root, call.callee);
  const last = call.callee.split('.').pop() ?? '';
  if (MODULE_FETCH.test(qualified)) return { methodFirst: /^(requests|httpx)\.(request|stream)$|^aiohttp\.request$/.test(qualified) };
  if (/^(urlopen|Request)$/.test(call.callee)) return undefined; // not imported from urllib
  const fnNode = call.node.field('function');
  if (fnNode?.kind() !== 'attribute' || !CLIENT_METHOD.test(last)) return undefined;
  const receiver = fnNode.field('object');
  if (!receiver || !isHttpClient(file, root, receiver)) return undefined;
  return { methodFirst: METHOD_FIRST.test(last) };
}

/** `requests.Session()`, or a name / `self.x` assigned one (`session = requests.Session()`, `async with httpx.AsyncClient() as client`). */
function isHttpClient(file: ParsedFile, root: SyntaxNode, receiver: SyntaxNode): boolean {
  if (receiver.kind() === 'call') return CLIENT_CONSTRUCTOR.test(pyQualifiedName(root, receiver.field('function')?.text() ?? ''));
  if (receiver.kind() !== 'identifier' && receiver.kind() !== 'attribute') return false;
  const name = receiver.text().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    new RegExp(`(?:^|[^\\w.])${name}\\s*(?::[^=\\n]+)?=\\s*(?:await\\s+)?([\\w.]+)\\(`, 'gm'),
    new RegExp(`([\\w.]+)\\([^\\n]*\\)\\s+as\\s+${name}\\b`, 'gm'),
  ];
  for (const pattern of patterns)
    for (const m of file.text.matchAll(pattern)) if (CLIENT_CONSTRUCTOR.test(pyQualifiedName(root, m[1]))) return true;
  return false;
}

/**
 * The URL starts with a fixed scheme and host (`"https://api.x.com/…"`), a relative path that a
 * client's `base_url` completes, a constant (`BASE_URL`, `settings.API_URL`) or the client's
 * configured base (`self.base_url`): the client's part cannot change the host.
 */
function hostIsFixed(url: SyntaxNode, fn: SyntaxNode | undefined, file: ParsedFile): boolean {
  const heads = pyStringHeads(url, fn, file);
  return heads.length > 0 && heads.every((h) => {
    if ('literal' in h) return /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+[/?#]/i.test(h.literal) || /^\/[^/\\]/.test(h.literal);
    if (h.node === url) return false;
    if (isPyConstantExpression(h.node)) return true;
    return /^self\.\w*(base|url|endpoint|host|api)\w*$/i.test(h.node.text());
  });
}

/** An allow-list check on the way: `if urlparse(url).hostname not in ALLOWED_HOSTS: abort(400)`, or `validate_url(url)`. */
function isGuarded(fn: SyntaxNode | undefined, sink: SyntaxNode, root: SyntaxNode | undefined): boolean {
  if (!fn) return false;
  const at = sink.range().start.index;
  for (const stmt of pyOwnNodes(fn, 'if_statement')) {
    if (stmt.range().start.index > at) continue;
    const condition = stmt.field('condition')?.text() ?? '';
    const body = stmt.field('consequence');
    if (!URL_GUARD.test(condition) || !body) continue;
    const encloses = body.range().start.index <= at && at <= body.range().end.index;
    if (encloses || (REJECTS.test(body.text()) && stmt.range().end.index <= at)) return true;
  }
  for (const stmt of pyOwnNodes(fn, 'expression_statement')) {
    if (stmt.range().start.index > at) continue;
    const expr = stmt.children().find((c) => c.isNamed());
    const inner = expr?.kind() === 'await' ? expr.children().find((c) => c.isNamed()) : expr;
    if (inner?.kind() !== 'call') continue;
    const callee = inner.field('function')?.text() ?? '';
    if (VALIDATOR_CALL.test(callee)) return true;
    // A helper in this file that checks the host and raises: `ensure_public(url)`.
    const helper = root && /^\w+$/.test(callee) ? pyDefinitions(root).get(callee) : undefined;
    if (helper?.kind() === 'function_definition' && URL_GUARD.test(helper.text()) && /\b(raise|abort)\b/.test(helper.text())) return true;
  }
  return false;
}
