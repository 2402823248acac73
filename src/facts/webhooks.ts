/**
 * Inbound webhook handlers: routes that receive provider callbacks (Stripe, PayPal, Paddle, Clerk /
 * Svix, Twilio, GitHub, Slack, Shopify …), which provider sends them, the code they run (the
 * handler, the local helpers it calls and the project functions it imports), and whether that code
 * verifies the provider's signature. `webhook-signature-missing` and `webhook-idempotency-missing`
 * read it; computed once per audit.
 */
import { importedCalleeTarget, resolvePyModule } from './routes/python-modules.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { RepoIndex, Route } from '../model/repo-index.ts';
import { findJsCalls, jsLocalCallees } from '../parse/js-syntax.ts';
import { describePyCall, findPyCalls, pyDecorators, pyImports, pyLocalCallees, pyParameters } from '../parse/python-syntax.ts';
import { expressRouteMiddleware } from './routes/route-scope.ts';

export interface WebhookProvider {
  name: string;
  pattern: RegExp;
  /** Moves money or entitlements. */
  payment: boolean;
}

export interface WebhookHandler {
  route: Route;
  file: ParsedFile;
  /** The handler function. */
  fn: SyntaxNode;
  python: boolean;
  /** The handler, the same-file helpers it calls and the project functions it imports and calls. */
  scope: SyntaxNode[];
  /** `scope` with the file of each function. */
  parts: { node: SyntaxNode; file: ParsedFile }[];
  scopeText: string;
  provider?: WebhookProvider;
  /** The code reads something only a provider callback has (a signature header, an event type, TwiML). */
  hasEventMarker: boolean;
  /** A guard on the route verifies the caller (`Depends(verify_signature)`). */
  verifyingGuard: boolean;
  /** The handler's code verifies the signature (SDK call, HMAC comparison, a verifying decorator or dependency). */
  verified: boolean;
  /** For messages: the handler name, `inline handler` for anonymous ones. */
  label: string;
}

/** Providers that send webhooks, in the order they are tried; `payment` ones move money or entitlements. */
export const WEBHOOK_PROVIDERS: { name: string; pattern: RegExp; payment: boolean }[] = [
  { name: 'Stripe', pattern: /stripe/i, payment: true },
  { name: 'PayPal', pattern: /paypal/i, payment: true },
  { name: 'Paddle', pattern: /paddle/i, payment: true },
  { name: 'Lemon Squeezy', pattern: /lemon[-_]?squeezy/i, payment: true },
  { name: 'Razorpay', pattern: /razorpay/i, payment: true },
  { name: 'Braintree', pattern: /braintree/i, payment: true },
  { name: 'Coinbase Commerce', pattern: /coinbase/i, payment: true },
  { name: 'Clerk', pattern: /clerk/i, payment: false },
  { name: 'Svix', pattern: /svix/i, payment: false },
  { name: 'Twilio', pattern: /twilio|twiml|\b(VoiceResponse|MessagingResponse|CallSid|MessageSid|SmsSid|RecordingSid)\b/i, payment: false },
  { name: 'GitHub', pattern: /github|x-hub-signature/i, payment: false },
  { name: 'Slack', pattern: /slack/i, payment: false },
  { name: 'Shopify', pattern: /shopify/i, payment: false },
  { name: 'SendGrid', pattern: /sendgrid/i, payment: false },
  { name: 'Mailgun', pattern: /mailgun/i, payment: false },
  { name: 'Postmark', pattern: /postmark/i, payment: false },
  { name: 'Resend', pattern: /\bresend\b/i, payment: false },
  { name: 'Supabase', pattern: /supabase/i, payment: false },
];

/** Things only a handler of a provider's callback reads: signature/event headers, event types, TwiML. */
const PROVIDER_EVENT =
  /stripe[-_]signature|Event\.construct_from|checkout\.session\.completed|payment_intent\.succeeded|invoice\.paid|invoice\.payment_(succeeded|failed)|customer\.subscription\.(created|updated|deleted)|x-twilio-signature|\b(VoiceResponse|MessagingResponse)\(|svix-(id|signature|timestamp)|x-github-event|x-hub-signature|x-slack-(signature|request-timestamp)|paypal-transmission-sig|x-shopify-(hmac|topic)|paddle-signature|\b(form|values|POST|body|data)\s*(\[\s*|\.get\(\s*)["'](CallSid|MessageSid|SmsSid|RecordingSid|CallStatus|MessageStatus)["']|\breq\.body\.(CallSid|MessageSid|SmsSid|RecordingSid|CallStatus|MessageStatus)\b/i;

/** Headers that carry a provider signature: reading one and handing it on means verification happens elsewhere. */
const SIGNATURE_HEADER =
  /stripe[-_]signature|x[-_]twilio[-_]signature|svix[-_]signature|webhook[-_]signature|x[-_]hub[-_]signature|x[-_]slack[-_]signature|paypal[-_]transmission[-_]sig|x[-_]shopify[-_]hmac|paddle[-_]signature|x[-_]signature/i;

/** Callees that verify a signature: Stripe, Svix, Twilio, Slack SDKs, HMAC, or a project helper named for it. */
const VERIFY_CALLEE =
  /(construct_?event|constructEvent|verif|validate_?(request|signature|webhook|twilio|slack|github|hmac|payload)|validateRequest|check_?(signature|hmac|webhook)|signature_?is_?valid|is_?valid_?signature|compare_digest|timingSafeEqual|hmac\.new|createHmac|RequestValidator|SignatureVerifier|WebhookSignature|validator\.validate$|is_valid_request)/i;

/** Names of dependencies/decorators that verify the caller of a webhook. */
const VERIFY_NAME = /(verif|signature|validate_?twilio|validate_?request|twilio_?request|hmac)/i;

/** Handler names of webhook management APIs (not inbound callbacks). */
const MANAGEMENT_NAME = /^(create|list|get|update|delete|register|subscribe|unsubscribe|add|remove|test|send|trigger|retry|replay|configure|setup|set|enable|disable|toggle)(_|(?=[A-Z]))/;

/** Evidence that the handler writes something (a retried event would then be applied twice). */
const STATE_CHANGE =
  /\.(add|add_all|commit|save|update|update_one|insert\w*|execute|create|increment|upsert|set)\(|\+=|\b\w*(grant|credit|upgrade|activate|provision|fulfil|mark_?paid|markPaid|send_?email|sendEmail)\w*\(/i;

/** The handler does something with the event: branches on its type, reads its data, writes, or runs a command. A no-op endpoint is not reported. */
const ACTS_ON_EVENT =
  /\.(type|event|action|object|data|ref)\b|\[\s*["'](type|event|action|object|data|ref)["']\s*\]|\.get\(\s*["'](type|event|action|object|data|ref)["']|os\.system|subprocess\.|\bexec\(|\bspawn\(/;

const HOOK_PATH = /(^|[/_.-])(web)?hooks?([/_.-]|$)/i;
const HOOK_NAME = /hook/i;

const memo = new WeakMap<RepoIndex, WebhookHandler[]>();

/** Every route that receives provider webhooks (POST/PUT/ANY, not tests), once per handler. */
export function webhookHandlers(index: RepoIndex, files: ParsedFiles): WebhookHandler[] {
  let handlers = memo.get(index);
  if (handlers) return handlers;
  handlers = [];
  const seen = new Set<string>();
  for (const route of index.routes) {
    const fn = route.handler.node;
    const file = files.get(route.handler.file);
    if (!fn || !file?.ast || file.isTest) continue;
    if (!['POST', 'ANY', 'PUT'].includes(route.method)) continue;
    const handlerKey = `${route.handler.file}:${route.handler.startLine}`;
    if (seen.has(handlerKey)) continue;

    const python = fn.kind() === 'function_definition';
    const parts = [
      ...[fn, ...(python ? pyLocalCallees(fn, file.ast, 3) : jsLocalCallees(fn, file.ast, 3))].map((node) => ({ node, file })),
      ...(python ? importedCallees(files, file, fn) : []),
    ];
    const scope = parts.map((p) => p.node);
    const scopeText = scope.map((n) => n.text()).join('\n');
    const hasEventMarker = PROVIDER_EVENT.test(scopeText);
    const namedHook = HOOK_PATH.test(route.path) || HOOK_NAME.test(route.handler.name);
    if (!namedHook && !hasEventMarker) continue;
    if (!hasEventMarker && !STATE_CHANGE.test(scopeText) && !ACTS_ON_EVENT.test(scopeText)) continue;
    if (!hasEventMarker && MANAGEMENT_NAME.test(route.handler.name)) continue;
    const verifyingGuard = route.guards.some((g) => VERIFY_NAME.test(g.name));
    if (route.guards.length && !verifyingGuard && !hasEventMarker) continue; // a user-authenticated management API
    seen.add(handlerKey);
    handlers.push({
      route,
      file,
      fn,
      python,
      scope,
      parts,
      scopeText,
      provider: detectProvider(route, scopeText),
      hasEventMarker,
      verifyingGuard,
      verified: python ? isVerified(fn, scope, scopeText) : isJsVerified(route, files, scope, scopeText),
      label: route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name,
    });
  }
  memo.set(index, handlers);
  return handlers;
}

function detectProvider(route: Route, scopeText: string): WebhookProvider | undefined {
  const named = WEBHOOK_PROVIDERS.find((p) => p.pattern.test(route.path) || p.pattern.test(route.handler.name));
  if (named) return named;
  let best: { provider: WebhookProvider; at: number } | undefined;
  for (const provider of WEBHOOK_PROVIDERS) {
    const match = provider.pattern.exec(scopeText);
    if (match && (!best || match.index < best.at)) best = { provider, at: match.index };
  }
  return best?.provider;
}

function isVerified(fn: SyntaxNode, scope: SyntaxNode[], scopeText: string): boolean {
  if (pyDecorators(fn).some((d) => VERIFY_NAME.test(d.text().replace(/(["'])(?:(?!\1).)*\1/g, '""')))) return true;
  for (const param of pyParameters(fn)) {
    const injected = `${param.default?.text() ?? ''} ${param.annotation?.text() ?? ''}`;
    if (/\b(Depends|Security)\(/.test(injected) && VERIFY_NAME.test(injected)) return true;
  }
  for (const node of scope) {
    if (findPyCalls(node, VERIFY_CALLEE).length) return true;
    for (const comparison of node.findAll({ rule: { kind: 'comparison_operator' } })) {
      const text = comparison.text();
      if (/[!=]=/.test(text) && /secret|signature|signing|token|api_?key|password|hmac/i.test(text)) return true;
    }
  }
  // The signature header is read and handed to code we cannot see (a service in another package).
  return SIGNATURE_HEADER.test(scopeText) && !/construct_from/.test(scopeText);
}

/** JS/TS: a verifying call or comparison in the handler or its helpers, or verifying middleware on the registration. */
function isJsVerified(route: Route, files: ParsedFiles, scope: SyntaxNode[], scopeText: string): boolean {
  if (expressRouteMiddleware(route, files).some((m) => VERIFY_NAME.test(m.text()) || /(^|\.)webhook\(/.test(m.text()))) return true;
  for (const node of scope) {
    if (findJsCalls(node, VERIFY_CALLEE).length) return true;
    for (const comparison of node.findAll({ rule: { kind: 'binary_expression' } })) {
      const text = comparison.text();
      if (/[!=]==?/.test(text) && /secret|signature|signing|token|api_?key|apikey|password|hmac/i.test(text)) return true;
    }
  }
  return SIGNATURE_HEADER.test(scopeText) && !/construct_from/.test(scopeText);
}


/** Project functions the handler imports and calls by name (`from app.billing import verify_event`). */
function importedCallees(files: ParsedFiles, file: ParsedFile, fn: SyntaxNode): { node: SyntaxNode; file: ParsedFile }[] {
  const imports = pyImports(file.ast!);
  const out: { node: SyntaxNode; file: ParsedFile }[] = [];
  for (const callNode of fn.findAll({ rule: { kind: 'call' } })) {
    const call = describePyCall(callNode);
    if (!call) continue;
    const imported = importedCalleeTarget(imports, call.callee);
    if (!imported) continue;
    const { module, name } = imported;
    const target = resolvePyModule(files, file.path, module);
    if (!target?.ast) continue;
    const def = target.ast.findAll({ rule: { kind: 'function_definition' } }).find((d) => d.field('name')?.text() === name);
    if (def) out.push(...[def, ...pyLocalCallees(def, target.ast, 2)].map((node) => ({ node, file: target })));
  }
  return out;
}

// ── Repeated deliveries ────────────────────────────────────────────────────────────────────

/** Providers that retry deliveries and give each event a stable id to deduplicate on. */
const RETRYING_PROVIDER = /^(Stripe|PayPal|Paddle|Lemon Squeezy|Razorpay|Braintree|Coinbase Commerce|Clerk|Svix|GitHub|Shopify|Twilio)$/;
/** Twilio retries status callbacks; its TwiML webhooks answer a live call and are not events to deduplicate. */
const TWILIO_STATUS = /status|CallStatus|MessageStatus|RecordingStatus/;
/** Named evidence of deduplication: a processed-events store, an upsert, an insert that ignores duplicates, SET NX. */
const DEDUP_NAME =
  /idempoten|dedup|already_?(processed|handled|seen|exists)|is_?processed|was_?processed|processed_?(events?|webhooks?|deliver(y|ies)|messages?)|seen_?(events?|webhooks?)|get_or_create|update_or_create|\bupsert|on_conflict|ON CONFLICT|INSERT\s+OR\s+IGNORE|insert_or_ignore|\bnx\s*=\s*True|\bsetnx\b|\bNX\b|skipDuplicates|ignoreDuplicates|orIgnore\(/i;
/**
 * The delivery's own id: an event id, Svix `svix-id`, GitHub `X-GitHub-Delivery`, a Twilio SID in
 * a status callback. Not `data["id"]` / `payload["id"]`: in Clerk and most providers that is the
 * object's id (the user), which identifies the record, not the delivery.
 */
const EVENT_ID =
  /\b\w*(event|evt|msg|message|webhook|delivery)\w*\s*(\.id\b|\[\s*["']id["']\s*\]|\.get\(\s*["']id["'])|\b(event|evt|delivery|message|msg|webhook)_?id\b|\b(eventId|deliveryId|messageId|webhookId)\b|svix[-_]id|x-github-delivery|\b(CallSid|MessageSid|SmsSid)\b/i;
/** Calls that only report: logging, tracing, metrics. */
const REPORTING_CALL = /(^|\.)(log\w*|debug|info|warn\w*|error|exception|critical|print|console\.\w+|capture\w*|set_tag|set_attribute|add_breadcrumb|span|metric\w*|observe|inc)$/i;
/** Writes that a second delivery repeats: new rows, counters, queued jobs, emails, money movements. */
const NON_IDEMPOTENT_WRITE =
  /\.(add|add_all|bulk_create|bulk_save_objects|insert|insert_one|insert_many|insertOne|insertMany|create|createMany|increment|incr|incrby|incrbyfloat|decr|decrby|rpush|lpush|enqueue|delay|apply_async|send_task|publish)\(|\b\w+\s*[+-]=\s*[\w(]|\bINSERT\s+INTO\b|\b\w*(grant|credit|debit|charge|payout|transfer|fulfil|fulfill|provision|send_?(email|mail|sms|message|notification|receipt|invoice|welcome)|sendEmail|sendMail|notify|create_?(user|order|transaction|invoice|payment|license|licence|record|account|subscription|payout|credit)s?)\w*\(/i;

/** Whether a webhook's provider retries deliveries (so a handler must tolerate repeats). */
export function isRetryingWebhook(hook: WebhookHandler): boolean {
  const name = hook.provider?.name ?? '';
  if (!RETRYING_PROVIDER.test(name)) return false;
  return name !== 'Twilio' || TWILIO_STATUS.test(`${hook.route.path} ${hook.route.handler.name}`) || /\b(CallStatus|MessageStatus|RecordingStatus)\b/.test(hook.scopeText);
}

/**
 * Whether the handler recognises a repeated delivery: a named dedup step (processed-events table,
 * upsert, insert-or-ignore, SET NX), or the delivery id handed to a call that is not logging (a
 * lookup, an insert into a unique column, a cache key).
 */
export function handlesRepeatedDelivery(hook: WebhookHandler): boolean {
  if (DEDUP_NAME.test(hook.scopeText)) return true;
  const call = hook.python ? 'call' : 'call_expression';
  for (const node of hook.scope) {
    const calls = node.findAll({ rule: { kind: call } });
    for (const call of calls) {
      const callee = call.field('function')?.text() ?? '';
      if (REPORTING_CALL.test(callee)) continue;
      const args = call.field('arguments');
      if (args && EVENT_ID.test(args.text())) return true;
    }
    // `if event.id in processed:` / `seen[event["id"]]`
    const tests = hook.python ? [{ kind: 'comparison_operator' }, { kind: 'subscript' }] : [{ kind: 'binary_expression' }, { kind: 'subscript_expression' }];
    for (const test of node.findAll({ rule: { any: tests } })) {
      const text = test.text();
      if (EVENT_ID.test(text) && !/^\w*(event|evt)\w*\s*\[\s*["']id["']\s*\]$/i.test(text)) return true;
    }
  }
  return false;
}

/** The first write a repeated delivery would apply twice, with its file; undefined when the handler only sets values. */
export function nonIdempotentWrite(hook: WebhookHandler): { node: SyntaxNode; file: ParsedFile } | undefined {
  const kinds = hook.python ? ['call', 'augmented_assignment', 'string'] : ['call_expression', 'augmented_assignment_expression', 'string', 'template_string'];
  for (const { node, file } of hook.parts) {
    for (const candidate of node.findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })) {
      const isCall = candidate.kind() === 'call' || candidate.kind() === 'call_expression';
      const text = isCall ? `${candidate.field('function')?.text() ?? ''}(` : candidate.text();
      if (!isCall && !/assignment/.test(String(candidate.kind())) && !/\bINSERT\s+INTO\b/i.test(text)) continue;
      if (NON_IDEMPOTENT_WRITE.test(text) && !REPORTING_CALL.test(candidate.field('function')?.text() ?? '')) return { node: candidate, file };
    }
  }
  return undefined;
}
