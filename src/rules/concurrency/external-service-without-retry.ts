import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, evaluatePyExpression, pyDecorators, type PyModuleLoader } from '../../parse/python-syntax.ts';
import { describeJsCall, jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';
import { jsExternalPath, jsMemberChain, resolveJsReference, unwrapJsExpression } from '../../facts/routes/js-modules.ts';
import { EXTERNAL_SERVICES, pyUrlHost, serviceOfHost, serviceOfJsCall, serviceOfPythonCall, type ExternalService } from '../../facts/external-services.ts';

/**
 * Calls to AI, payment, telephony, speech and email providers with nothing that survives a
 * transient failure: no retry with backoff (the SDK's own, tenacity / backoff / stamina, p-retry,
 * a hand-written retry loop), no circuit breaker (pybreaker, opossum, cockatiel) and no fallback
 * (a try/except that answers without re-raising). One finding per service, listing the call sites.
 */

const NOT_SERVICE = /(^|\/)(scripts?|bin|tools|migrations|alembic|seeds?|notebooks|examples?|docs)\//;
const PY_HTTP = /^(requests\.(api\.)?(get|post|put|patch|delete|request)|requests\.(sessions\.)?[Ss]ession\(\)\.(get|post|put|patch|delete|request)|httpx\.(get|post|put|patch|delete|request|stream)|httpx\.(Async)?Client\(\)\.(get|post|put|patch|delete|request|stream)|aiohttp\.ClientSession\(\)\.(get|post|put|patch|delete|request)|urllib\.request\.urlopen)$/;
const PY_CANDIDATE =
  '(^|\\.)(create|send|stream|list|retrieve|modify|delete|confirm|capture|cancel|search|refund|pay|finalize_invoice|void_invoice|generate|clone|fetch|update|page|convert|parse|get|post|put|patch|request|urlopen|(Async)?(OpenAI|AzureOpenAI|Anthropic|AnthropicBedrock|AnthropicVertex|ElevenLabs)|Client|SendGridAPIClient)$';
const PY_RETRY_DECORATOR = /(^|\.)(retry|retry_async|on_exception|on_predicate|circuit|breaker)\b|^(tenacity|backoff|stamina|retrying|pybreaker|circuitbreaker)\./;
const JS_WRAPPER = /(^|\.)(pRetry|retry|backoff|withRetry|retryAsync|asyncRetry|fire|execute|wrap|call)$/;
const JS_WRAPPER_TEXT = /p-retry|async-retry|exponential-backoff|opossum|cockatiel|CircuitBreaker|retry/;

interface Site {
  file: ParsedFile;
  node: SyntaxNode;
  text: string;
  service: ExternalService;
  /** `sdk`: through the provider's SDK; `http`: raw HTTP to its API host. */
  via: 'sdk' | 'http';
  library: string;
}

/** Inside a retry loop, a retrying decorator, or a try/except that answers instead of re-raising. */
function pyProtected(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    const kind = current.kind();
    if (kind === 'function_definition' && pyDecorators(current).some((d) => PY_RETRY_DECORATOR.test(d.kind() === 'call' ? (d.field('function')?.text() ?? '') : d.text()))) return true;
    if (kind === 'try_statement') {
      const handlers = current.children().filter((c) => c.kind() === 'except_clause' || c.kind() === 'except_group_clause');
      if (handlers.length && handlers.every((h) => !h.findAll({ rule: { kind: 'raise_statement' } }).length)) return true;
    }
    if ((kind === 'for_statement' || kind === 'while_statement') && /\b(Retrying|AsyncRetrying|retry_context)\b/.test(current.text().split('\n')[0])) return true;
    // A hand-written retry: a loop around a try whose handler sleeps before the next attempt.
    if ((kind === 'for_statement' || kind === 'while_statement') && /\bsleep\(/.test(current.text()) && current.findAll({ rule: { kind: 'try_statement' } }).length) return true;
    if (kind === 'module') break;
  }
  return false;
}

function pySites(file: ParsedFile, load: PyModuleLoader<ParsedFile>, disabled: Map<ExternalService, Location[]>): Site[] {
  const out: Site[] = [];
  if (!file.ast) return out;
  // Only calls whose name can be an SDK call, a client constructor or an HTTP request are resolved.
  for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: PY_CANDIDATE } })) {
    const callee = node.field('function');
    if (!callee || (callee.kind() !== 'identifier' && callee.kind() !== 'attribute')) continue;
    const fn = enclosingPyFunction(node);
    const value = evaluatePyExpression(callee, { file, fn }, load);
    if (value?.kind !== 'external') continue;
    const call = describePyCall(node);
    // A client created with its retries switched off: `OpenAI(max_retries=0)`.
    const client = EXTERNAL_SERVICES.find((s) => s.pythonClient?.test(value.path));
    if (client?.pythonRetryOption && call?.keywords.get(client.pythonRetryOption)?.text() === '0') {
      disabled.set(client, [...(disabled.get(client) ?? []), file.locate(node)]);
      continue;
    }
    const sdk = serviceOfPythonCall(value.path);
    if (sdk) {
      out.push({ file, node, text: codeSpanText(callee, 50), service: sdk, via: 'sdk', library: `the ${sdk.name} SDK` });
      continue;
    }
    if (!PY_HTTP.test(value.path)) continue;
    // `client.request("POST", url)` / `client.stream("POST", url)`: the URL is the second argument.
    const methodFirst = call?.args[1] && /^["'](GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)["']$/i.test(call.args[0]?.text() ?? '');
    const host = pyUrlHost((methodFirst ? call?.args[1] : call?.args[0]) ?? call?.keywords.get('url'), fn, file, load);
    const service = host ? serviceOfHost(host) : undefined;
    if (service) out.push({ file, node, text: codeSpanText(callee, 50), service, via: 'http', library: `\`${value.path.split('.')[0]}\`` });
  }
  return out;
}

/** `client.messages.create` where `client = twilio(sid, token)` → `twilio().messages.create`; imported names as `jsExternalPath` gives them. */
function jsCallPath(files: ParsedFiles, file: ParsedFile, callee: SyntaxNode): { path: string; options?: SyntaxNode } | undefined {
  const direct = jsExternalPath(file, callee);
  if (direct) return { path: direct };
  const chain = jsMemberChain(callee);
  if (chain?.root.kind() !== 'identifier') return undefined;
  const { root: node, parts } = chain;
  const binding = resolveJsReference(files, file, node);
  const value = binding?.value ? unwrapJsExpression(binding.value) : undefined;
  if (!binding || !value) return undefined;
  const inner = value.kind() === 'await_expression' ? unwrapJsExpression(value.children().find((c) => c.isNamed()) ?? value) : value;
  const ctor = inner.kind() === 'new_expression' ? inner.field('constructor') : inner.kind() === 'call_expression' ? inner.field('function') : undefined;
  const base = ctor ? jsExternalPath(binding.file, ctor) : undefined;
  if (!base) return undefined;
  const args = inner.field('arguments')?.children().filter((c) => c.isNamed());
  return { path: [`${base}()`, ...parts].join('.'), options: args?.find((a) => a.kind() === 'object') };
}

function jsProtected(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    const kind = current.kind();
    if (kind === 'call_expression' || kind === 'new_expression') {
      const callee = (current.field('function') ?? current.field('constructor'))?.text() ?? '';
      if (JS_WRAPPER.test(callee) || /CircuitBreaker/.test(callee)) return true;
    }
    if (kind === 'try_statement') {
      const handler = current.field('handler');
      if (handler && !handler.findAll({ rule: { kind: 'throw_statement' } }).length) return true;
    }
    if (kind === 'program') break;
  }
  return false;
}

function jsSites(files: ParsedFiles, file: ParsedFile, disabled: Map<ExternalService, Location[]>, enabled: Set<ExternalService>): Site[] {
  const out: Site[] = [];
  if (!file.ast) return out;
  for (const node of file.findAll({ any: [{ kind: 'call_expression' }, { kind: 'new_expression' }] })) {
    const isNew = node.kind() === 'new_expression';
    const callee = isNew ? node.field('constructor') : node.field('function');
    if (!callee) continue;
    const args = (isNew ? node.field('arguments')?.children().filter((c) => c.isNamed() && c.kind() !== 'comment') : describeJsCall(node)?.args) ?? [];
    const external = jsExternalPath(file, callee);
    // Clients: `new OpenAI({ maxRetries: 0 })`, `twilio(sid, token, { autoRetry: true })`.
    const client = external ? EXTERNAL_SERVICES.find((s) => s.jsClient?.test(external)) : undefined;
    if (client?.jsRetryOption) {
      const options = args.find((a) => a.kind() === 'object');
      const setting = options ? jsObjectProperty(options, client.jsRetryOption)?.text() : undefined;
      if (setting === '0' || setting === 'false') disabled.set(client, [...(disabled.get(client) ?? []), file.locate(node)]);
      else if (setting && setting !== 'undefined') enabled.add(client);
      continue;
    }
    if (isNew) continue;
    if (callee.kind() === 'identifier' && callee.text() === 'fetch') {
      const host = jsHost(args[0]);
      const service = host ? serviceOfHost(host) : undefined;
      if (service) out.push({ file, node, text: 'fetch', service, via: 'http', library: '`fetch`' });
      continue;
    }
    if (external && /^axios(\.default)?(\.(get|post|put|patch|delete|request))?$/.test(external)) {
      const host = jsHost(args[0]);
      const service = host ? serviceOfHost(host) : undefined;
      if (service) out.push({ file, node, text: codeSpanText(callee, 40), service, via: 'http', library: '`axios`' });
      continue;
    }
    const resolved = callee.kind() === 'member_expression' ? jsCallPath(files, file, callee) : undefined;
    const sdk = resolved ? serviceOfJsCall(resolved.path) : undefined;
    if (sdk) out.push({ file, node, text: codeSpanText(callee, 50), service: sdk, via: 'sdk', library: `the ${sdk.name} SDK` });
  }
  return out;
}

function jsHost(arg: SyntaxNode | undefined): string | undefined {
  if (!arg) return undefined;
  const text = jsStringValue(arg) ?? (arg.kind() === 'template_string' ? arg.text().slice(1) : undefined);
  return text ? /^https?:\/\/([^/?#:$`]+)/.exec(text)?.[1] : undefined;
}

const WHAT_FAILS: Record<ExternalService['category'], string> = {
  AI: 'the request that needs it fails outright',
  payment: 'the payment step fails outright (and a retry by the user risks a double charge without an idempotency key)',
  telephony: 'the call or message is lost',
  speech: 'the request that needs it fails outright',
  email: 'the email is never sent',
};

export default defineRule({
  meta: {
    id: 'external-service-without-retry',
    category: 'concurrency',
    title: 'External service called without retry, backoff or fallback',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Resilience',
    effortHours: 2,
    messages: {
      noRetry:
        '{{service}} is called from {{count}} place{{s}} ({{first}}{{more}}) through {{library}}, which does not retry, with no retry, circuit breaker or fallback around it: on a rate limit (429), a timeout or a brief {{service}} outage, {{consequence}}.',
      retriesDisabled:
        '`{{call}}` switches the {{service}} SDK\'s automatic retries off, and {{count}} call site{{s}} ({{first}}{{more}}) {{have}} no retry or fallback of their own: on a rate limit (429) or a brief outage, {{consequence}}.',
    },
    why: [
      'AI, payment, telephony and email providers fail transiently all the time: rate limits (429), timeouts, 5xx during deploys, brief regional outages. An application that calls them once and lets the exception propagate turns every such blip into an error for its user — a failed chat reply, a lost SMS, a checkout that errors. A retry with exponential backoff and jitter absorbs most of these; a circuit breaker stops hammering a provider that is down; a fallback (a cached answer, a queued retry, a clear "try again" message) degrades gracefully.',
      '',
      'The OpenAI, Anthropic and ElevenLabs SDKs retry twice by default and stripe-node once: they are reported only when that is switched off. Twilio, SendGrid, Stripe\'s Python module API and raw HTTP calls (`requests`, `httpx`, `fetch`, `axios`) do not retry at all.',
    ].join('\n'),
    fix: [
      'Retry transient failures with exponential backoff (and an idempotency key for payments), and decide what the user gets when the provider stays down.',
      '',
      '```python',
      'from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential',
      'from twilio.base.exceptions import TwilioRestException',
      '',
      '@retry(wait=wait_random_exponential(min=1, max=20), stop=stop_after_attempt(4),',
      '       retry=retry_if_exception_type((TwilioRestException, ConnectionError)))',
      'def send_sms(to: str, body: str) -> str:',
      '    return twilio_client.messages.create(to=to, from_=settings.twilio_number, body=body).sid',
      '',
      'stripe.max_network_retries = 2  # the Stripe SDK retries with backoff and idempotency keys',
      '```',
      '',
      '```ts',
      "import pRetry from 'p-retry';",
      'const reply = await pRetry(() => fetch(LLM_URL, { method: "POST", body, signal: AbortSignal.timeout(15_000) }), { retries: 3 });',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\ntwilio==9.3.7\n',
        'app.py':
          'import os\n\nfrom flask import Flask, jsonify, request\nfrom twilio.rest import Client\n\napp = Flask(__name__)\ntwilio_client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])\n\n\n@app.post("/reminders")\ndef send_reminder():\n    message = twilio_client.messages.create(to=request.json["to"], from_=os.environ["TWILIO_NUMBER"], body="Your appointment is tomorrow")\n    return jsonify(sid=message.sid)\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\ntwilio==9.3.7\ntenacity==9.0.0\n',
        'app.py':
          'import os\n\nfrom flask import Flask, jsonify, request\nfrom tenacity import retry, stop_after_attempt, wait_random_exponential\nfrom twilio.rest import Client\n\napp = Flask(__name__)\ntwilio_client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])\n\n\n@retry(wait=wait_random_exponential(min=1, max=20), stop=stop_after_attempt(4))\ndef send_sms(to: str, body: str) -> str:\n    return twilio_client.messages.create(to=to, from_=os.environ["TWILIO_NUMBER"], body=body).sid\n\n\n@app.post("/reminders")\ndef send_reminder():\n    return jsonify(sid=send_sms(request.json["to"], "Your appointment is tomorrow"))\n',
      },
    },
    references: {
      cwe: [703, 754],
      urls: [
        'https://platform.openai.com/docs/guides/rate-limits#retrying-with-exponential-backoff',
        'https://docs.stripe.com/error-low-level#idempotency',
        'https://tenacity.readthedocs.io/',
        'https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/',
      ],
    },
  },
  check({ files, report }) {
    const load = cachedPyModuleLoader(files);
    // SDK modules, and the HTTP clients a raw call to a provider's API goes through.
    const needles = ['openai', 'anthropic', 'elevenlabs', 'twilio', 'stripe', 'sendgrid', 'resend', 'requests', 'httpx', 'aiohttp', 'urlopen', 'fetch', 'axios'];
    const pyFiles = files.ofKind('python', { containing: needles, includeTests: false }).filter((f) => !NOT_SERVICE.test(f.path));
    const jsFiles = files.ofKind('js', { containing: needles, includeTests: false }).filter((f) => !NOT_SERVICE.test(f.path));
    const globallyRetried = new Set(EXTERNAL_SERVICES.filter((s) => s.pythonGlobalRetries && pyFiles.some((f) => s.pythonGlobalRetries!.test(f.text))));

    for (const runtime of ['python', 'node'] as const) {
      const disabled = new Map<ExternalService, Location[]>();
      const enabled = new Set<ExternalService>();
      const sites: Site[] = [];
      if (runtime === 'python') {
        for (const file of pyFiles) sites.push(...pySites(file, load, disabled).filter((s) => !(s.via === 'sdk' && globallyRetried.has(s.service))));
      } else {
        for (const file of jsFiles) sites.push(...jsSites(files, file, disabled, enabled));
      }
      const byService = new Map<ExternalService, Site[]>();
      for (const site of sites) {
        if (site.via === 'sdk') {
          const defaults = runtime === 'python' ? site.service.pythonDefaultRetries : site.service.jsDefaultRetries;
          if ((defaults > 0 && !disabled.has(site.service)) || enabled.has(site.service)) continue;
        }
        if (runtime === 'python' ? pyProtected(site.node) : jsProtected(site.node)) continue;
        // Retries configured on the HTTP client of the file: urllib3 `Retry` mounted on a requests Session, httpx transport retries, axios-retry.
        if (site.via === 'http' && /HTTPAdapter\([^)]*max_retries|\bRetry\(\s*(total|connect|read|status|backoff)|HTTPTransport\([^)]*retries|axiosRetry\(/.test(site.file.text)) continue;
        if (runtime === 'node' && site.via === 'sdk' && JS_WRAPPER_TEXT.test(site.file.text) && /pRetry|retry\(|fire\(|execute\(/.test(site.node.parent()?.text() ?? '')) continue;
        byService.set(site.service, [...(byService.get(site.service) ?? []), site]);
      }
      for (const [service, list] of [...byService].sort((a, b) => a[0].name.localeCompare(b[0].name))) {
        list.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : a.node.range().start.index - b.node.range().start.index));
        const first = list[0];
        const where = (s: Site) => `\`${s.text}\` in ${s.file.path}:${s.node.range().start.line + 1}`;
        const data = {
          service: service.name,
          count: String(list.length),
          s: list.length === 1 ? '' : 's',
          have: list.length === 1 ? 'has' : 'have',
          first: where(first),
          more: list.length > 1 ? ` and ${list.length - 1} more` : '',
          library: first.library,
          consequence: WHAT_FAILS[service.category],
        };
        const related = list.slice(1, 10).map((s) => s.file.locate(s.node, `also calls ${service.name}`));
        const severity: Severity = service.category === 'payment' || service.category === 'telephony' ? 'medium' : 'low';
        const off = disabled.get(service);
        if (off && first.via === 'sdk') {
          const option = runtime === 'python' ? service.pythonRetryOption : service.jsRetryOption;
          report({ messageId: 'retriesDisabled', at: off[0], data: { ...data, call: `${option}=0` }, related: [first.file.locate(first.node, `calls ${service.name}`), ...related], severity: 'medium' });
        } else report({ messageId: 'noRetry', at: first.file.locate(first.node), data, related, severity });
      }
    }
  },
});
