import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, evaluatePyExpression, type PyModuleLoader } from '../../parse/python-syntax.ts';
import { pyUrlHost } from '../../facts/external-services.ts';
import { describeJsCall, jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';
import { jsCallGraph } from '../../facts/call-reach.ts';
import { jsExternalPath, resolveJsReference, unwrapJsExpression } from '../../facts/routes/js-modules.ts';
import { handlersWithRoutes } from '../../facts/routes/route-scope.ts';

/**
 * Outbound HTTP calls that can wait forever: `requests` and `urllib` without `timeout=`, httpx /
 * aiohttp with the timeout switched off, and in Node.js server code `fetch` without an abort
 * signal and axios without a `timeout` (its default is none).
 */

const VERBS = 'get|post|put|patch|delete|head|options|request';
/** Code that is not the running service: one-off scripts, migrations, notebooks. */
const NOT_SERVICE = /(^|\/)(scripts?|bin|tools|migrations|alembic|seeds?|notebooks|examples?|docs)\//;

type Finding = { node: SyntaxNode; call: string; target: string; how: 'missing' | 'disabled'; library: string };

/** The host a call targets, for messages: `api.stripe.com`, else "the remote server". */
function pyTarget(arg: SyntaxNode | undefined, fn: SyntaxNode | undefined, file: ParsedFile, load: PyModuleLoader<ParsedFile>): string {
  return pyUrlHost(arg, fn, file, load) ?? 'the remote server';
}

function pyFindings(file: ParsedFile, load: PyModuleLoader<ParsedFile>): Finding[] {
  const out: Finding[] = [];
  if (!file.ast) return out;
  for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: `(^|\\.)(${VERBS}|urlopen|Client|AsyncClient|ClientSession|ClientTimeout|Timeout|stream|send)$` } })) {
    const call = describePyCall(node);
    const callee = node.field('function');
    if (!call || !callee) continue;
    const fn = enclosingPyFunction(node);
    const value = evaluatePyExpression(callee, { file, fn }, load);
    if (value?.kind !== 'external') continue;
    const path = value.path;
    const timeout = call.keywords.get('timeout');
    const spread = node.field('arguments')?.children().some((c) => c.kind() === 'dictionary_splat');
    const isNone = timeout?.text() === 'None';
    const target = () => pyTarget(call.args[0] ?? call.keywords.get('url'), fn, file, load);
    if (new RegExp(`^requests\\.(api\\.)?(${VERBS})$|^requests\\.(sessions\\.)?[Ss]ession\\(\\)\\.(${VERBS}|send)$`).test(path)) {
      if ((!timeout && !spread) || isNone) out.push({ node, call: codeSpanText(callee, 40), target: target(), how: isNone ? 'disabled' : 'missing', library: 'requests' });
    } else if (/^urllib\.request\.urlopen$/.test(path)) {
      // urlopen(url, data, timeout): the third positional argument is the timeout.
      if (((!timeout && call.args.length < 3) || isNone) && !spread) out.push({ node, call: codeSpanText(callee, 40), target: target(), how: isNone ? 'disabled' : 'missing', library: 'urllib' });
    } else if (/^httpx\.((Async)?Client|Timeout|(get|post|put|patch|delete|head|options|request|stream))$|^httpx\.(Async)?Client\(\)\.\w+$/.test(path)) {
      const first = call.args[0];
      const disabled = isNone || (/^httpx\.Timeout$/.test(path) && first?.text() === 'None' && call.keywords.size === 0);
      if (disabled) out.push({ node, call: codeSpanText(callee, 40), target: /Client|Timeout/.test(path) ? 'any server it calls' : target(), how: 'disabled', library: 'httpx' });
    } else if (/^aiohttp\.(ClientSession|ClientTimeout)$|^aiohttp\.ClientSession\(\)\.\w+$/.test(path)) {
      const total = call.keywords.get('total');
      if (isNone || (/ClientTimeout$/.test(path) && total?.text() === 'None' && !call.keywords.has('sock_read') && !call.keywords.has('connect')))
        out.push({ node, call: codeSpanText(callee, 40), target: 'any server it calls', how: 'disabled', library: 'aiohttp' });
    }
  }
  return out;
}

/** `axios.create({ timeout })` instances and `axios.defaults.timeout = …`: axios calls that have a timeout. */
function axiosHasDefaultTimeout(files: { ofKind: (k: 'js', o: { containing: string[] }) => ParsedFile[] }): boolean {
  return files.ofKind('js', { containing: ['defaults.timeout'] }).some((f) => /\baxios\.defaults\.timeout\s*=/.test(f.text));
}

function jsFindings(fn: SyntaxNode, file: ParsedFile, files: Parameters<typeof resolveJsReference>[0], axiosDefault: boolean): Finding[] {
  const out: Finding[] = [];
  for (const node of fn.findAll({ rule: { kind: 'call_expression' } })) {
    const call = describeJsCall(node);
    const callee = node.field('function');
    if (!call || !callee) continue;
    const options = call.args[1] ? unwrapJsExpression(call.args[1]) : undefined;
    const target = jsTarget(call.args[0]);
    // fetch(url, { signal }) — the global, or node-fetch / undici.
    if (callee.kind() === 'identifier' && callee.text() === 'fetch') {
      const path = jsExternalPath(file, callee);
      if (path && !/^(node-fetch|undici|cross-fetch|isomorphic-fetch)(\.fetch|\.default)?$/.test(path)) continue;
      if (options?.kind() === 'object' ? !jsObjectProperty(options, 'signal') : !options) out.push({ node, call: 'fetch', target, how: 'missing', library: 'fetch' });
      continue;
    }
    // axios.get(url, config) / axios(config) / instance.get(url, config)
    const base = callee.kind() === 'member_expression' ? callee.field('object') : callee;
    const method = callee.kind() === 'member_expression' ? callee.field('property')?.text() : undefined;
    if (!base || (method && !new RegExp(`^(${VERBS})$`).test(method))) continue;
    const path = jsExternalPath(file, base);
    let instanceTimeout: boolean | undefined;
    if (path === 'axios' || path === 'axios.default') instanceTimeout = axiosDefault;
    else {
      const binding = base.kind() === 'identifier' ? resolveJsReference(files, file, base) : undefined;
      const value = binding?.value ? unwrapJsExpression(binding.value) : undefined;
      const created = value?.kind() === 'call_expression' && /^(axios\.create)$/.test(jsExternalPath(binding!.file, value.field('function')!) ?? '') ? value : undefined;
      if (!created) continue;
      const config = describeJsCall(created)?.args[0];
      instanceTimeout = axiosDefault || (config?.kind() === 'object' && !!jsObjectProperty(config, 'timeout'));
    }
    if (instanceTimeout) continue;
    const configArg = method && /^(get|delete|head|options)$/.test(method) ? call.args[1] : method ? call.args[2] : call.args[0];
    const config = configArg ? unwrapJsExpression(configArg) : undefined;
    if (config?.kind() === 'object' && (jsObjectProperty(config, 'timeout') || jsObjectProperty(config, 'signal'))) continue;
    if (config && config.kind() !== 'object') continue; // a config built elsewhere: cannot tell
    out.push({ node, call: codeSpanText(callee, 40), target: method ? target : 'the remote server', how: 'missing', library: 'axios' });
  }
  return out;
}

function jsTarget(arg: SyntaxNode | undefined): string {
  const text = arg ? (jsStringValue(arg) ?? (arg.kind() === 'template_string' ? arg.text().slice(1) : undefined)) : undefined;
  return (text && /^https?:\/\/([^/?#$`]+)/.exec(text)?.[1]) || 'the remote server';
}

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

export default defineRule({
  meta: {
    id: 'http-request-without-timeout',
    category: 'concurrency',
    title: 'Outbound HTTP request without a timeout',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Resilience',
    effortHours: 0.5,
    messages: {
      missingTimeout: '`{{call}}(…)` to {{target}} has no timeout{{where}}: if the server stops answering, {{consequence}}.',
      timeoutDisabled: '`{{call}}(…)` switches the {{library}} timeout off (`None`){{where}}: {{consequence}}.',
      nodeMissingTimeout: '{{route}} calls `{{call}}(…)` to {{target}} with no timeout or abort signal: Node.js waits for a silent server for minutes (fetch) or forever (axios), and requests pile up behind it.',
    },
    why: [
      '`requests` and `urllib` wait forever by default, and so does axios; Node\'s `fetch` waits up to five minutes for headers and again for the body. When a dependency hangs — a provider outage, a half-open connection, a firewall that drops packets — every request that calls it hangs too, each holding a worker thread, an event-loop task or a socket. A few minutes later the whole service is out of workers and answers nothing, including its health checks. Timeouts turn a slow dependency into fast, handleable errors.',
      '',
      'httpx (5 s) and aiohttp (5 min) have defaults; they are reported only when the code switches them off.',
    ].join('\n'),
    fix: [
      'Pass a timeout to every call (connect and read), or configure it once on a shared client, and handle the timeout error.',
      '',
      '```python',
      'response = requests.post(TTS_URL, json=payload, timeout=(3.05, 15))  # connect, read',
      '',
      '# or once, on a shared client',
      'http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))',
      '```',
      '',
      '```ts',
      "const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });",
      "const api = axios.create({ baseURL: BILLING_URL, timeout: 10_000 });",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\nrequests==2.32.3\n',
        'app.py':
          'import requests\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.get("/rates")\ndef rates():\n    return jsonify(requests.get("https://api.exchangerate.example/latest").json())\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\nrequests==2.32.3\n',
        'app.py':
          'import requests\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.get("/rates")\ndef rates():\n    return jsonify(requests.get("https://api.exchangerate.example/latest", timeout=5).json())\n',
      },
    },
    references: {
      cwe: [400, 1088],
      urls: ['https://requests.readthedocs.io/en/latest/user/advanced/#timeouts', 'https://www.python-httpx.org/advanced/timeouts/'],
      equivalents: ['bandit:B113', 'semgrep:python.requests.best-practice.use-timeout.use-timeout', 'ruff:S113'],
    },
  },
  check({ index, files, report }) {
    const load = cachedPyModuleLoader(files);
    for (const file of files.ofKind('python', { containing: ['requests', 'urlopen', 'httpx', 'aiohttp'], includeTests: false })) {
      const script = NOT_SERVICE.test(file.path);
      for (const f of pyFindings(file, load)) {
        const severity: Severity = script ? 'low' : 'medium';
        const where = script ? ' in a script' : '';
        const client = f.target === 'any server it calls';
        const consequence =
          f.how === 'missing'
            ? script
              ? 'the script hangs with it'
              : 'the call waits forever and holds the worker and the request with it'
            : client
              ? 'every request made with it can wait forever for a server that stops answering'
              : `a call to ${f.target} that stops answering waits forever`;
        report({ messageId: f.how === 'disabled' ? 'timeoutDisabled' : 'missingTimeout', at: file.locate(f.node), data: { call: f.call, target: f.target, library: f.library, where, consequence }, severity });
      }
    }

    // Node.js: calls the route handlers make (server code, where a hang holds requests).
    const graph = jsCallGraph(files);
    const axiosDefault = axiosHasDefaultTimeout(files);
    const seen = new Map<string, string[]>();
    const memo = new Map<string, Finding[]>();
    const sites = new Map<string, { file: ParsedFile; finding: Finding }>();
    for (const { file, fn, routes } of handlersWithRoutes(index.routes, files, 'js')) {
      const handler = routes[0].handler.name === '<anonymous>' ? 'inline handler' : routes[0].handler.name;
      for (const path of graph.reach(graph.start(file, fn, handler), { maxDepth: 3 })) {
        const key = `${path.file.path}:${path.fn.range().start.index}`;
        let found = memo.get(key);
        if (!found) memo.set(key, (found = /fetch|axios|\.(get|post|put|patch|delete|request)\(/.test(path.fn.text()) ? jsFindings(path.fn, path.file, files, axiosDefault) : []));
        for (const finding of found) {
          const site = `${path.file.path}:${finding.node.range().start.index}`;
          sites.set(site, { file: path.file, finding });
          seen.set(site, [...(seen.get(site) ?? []), ...routes.map(routeLabel)]);
        }
      }
    }
    for (const [site, { file, finding }] of sites) {
      const routes = [...new Set(seen.get(site))];
      report({ messageId: 'nodeMissingTimeout', at: file.locate(finding.node), data: { route: routes.length > 1 ? `${routes[0]} (and ${routes.length - 1} more)` : routes[0], call: finding.call, target: finding.target } });
    }
  },
});
