import { importedCalleeTarget, resolvePyModule } from '../../facts/routes/python-modules.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { findJsCalls, jsLocalCallees } from '../../parse/js-syntax.ts';
import { describePyCall, findPyCalls, pyDecorators, pyImports, pyLocalCallees, pyParameters } from '../../parse/python-syntax.ts';
import { expressRouteMiddleware } from '../../facts/routes/route-scope.ts';

/** Providers that send webhooks, in the order they are tried; `payment` ones move money or entitlements. */
const PROVIDERS: { name: string; pattern: RegExp; payment: boolean }[] = [
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

/** Evidence that the handler recognises a repeated delivery. */
const IDEMPOTENCY =
  /\b\w*(event|evt)\w*\s*(\.id\b|\[\s*["']id["']\s*\]|\.get\(\s*["']id["'])|event_?id|idempoten|dedup|already_?(processed|handled|seen)|processed_?events?|is_?processed|\bprocessed\b|get_or_create|update_or_create|upsert|on_conflict|ON CONFLICT/i;
/** Evidence that the handler writes something (a retried event would then be applied twice). */
const STATE_CHANGE =
  /\.(add|add_all|commit|save|update|update_one|insert\w*|execute|create|increment|upsert|set)\(|\+=|\b\w*(grant|credit|upgrade|activate|provision|fulfil|mark_?paid|markPaid|send_?email|sendEmail)\w*\(/i;

/** The handler does something with the event: branches on its type, reads its data, writes, or runs a command. A no-op endpoint is not reported. */
const ACTS_ON_EVENT =
  /\.(type|event|action|object|data|ref)\b|\[\s*["'](type|event|action|object|data|ref)["']\s*\]|\.get\(\s*["'](type|event|action|object|data|ref)["']|os\.system|subprocess\.|\bexec\(|\bspawn\(/;

const HOOK_PATH = /(^|[/_.-])(web)?hooks?([/_.-]|$)/i;
const HOOK_NAME = /hook/i;

export default defineRule({
  meta: {
    id: 'webhook-signature-missing',
    category: 'security',
    title: 'Webhook accepted without signature verification',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Webhook Security',
    effortHours: 2,
    fixScope: 'file',
    fixTitle: "Verify the provider's signature on every webhook of the router (one check, e.g. a before-request hook)",
    messages: {
      noSignatureCheck:
        'Webhook route `{{method}} {{path}}` ({{handler}}) acts on {{provider}} events without verifying the request signature, so anyone can forge them.',
      noIdempotency:
        '{{provider}} webhook `{{method}} {{path}}` ({{handler}}) never checks the event id, so a retried or replayed event is applied twice.',
    },
    why: [
      'A webhook URL is public: anyone who learns it can POST a hand-made event. Without checking the provider\'s signature, a forged `checkout.session.completed` grants a paid plan or credits for free, a forged Clerk `user.deleted` removes an account, a forged Twilio callback runs your call logic.',
      '',
      'Providers also deliver the same event more than once (retries after a timeout, manual replays). A handler that does not remember which event ids it processed grants credits or sends emails twice.',
    ].join('\n'),
    fix: [
      'Verify the signature on the raw request body with the provider\'s SDK before reading the event, and reject the request otherwise. Record processed event ids (a unique column) and skip repeats.',
      '',
      '```python',
      '@router.post("/webhooks/stripe")',
      'async def stripe_webhook(request: Request, db: Session = Depends(get_db)):',
      '    payload = await request.body()',
      '    try:',
      '        event = stripe.Webhook.construct_event(',
      '            payload, request.headers.get("stripe-signature"), settings.stripe_webhook_secret',
      '        )',
      '    except (ValueError, stripe.error.SignatureVerificationError):',
      '        raise HTTPException(status_code=400, detail="invalid signature")',
      '    if db.get(ProcessedEvent, event["id"]):',
      '        return {"status": "duplicate"}',
      '    db.add(ProcessedEvent(id=event["id"]))',
      '    ...',
      '```',
      'Clerk/Svix: `Webhook(secret).verify(payload, headers)`; Twilio: `RequestValidator(token).validate(url, form, signature)`; GitHub: `hmac.compare_digest("sha256=" + hmac.new(secret, body, "sha256").hexdigest(), request.headers["X-Hub-Signature-256"])`; Express: `stripe.webhooks.constructEvent(req.body, sig, secret)` with `express.raw()` on that route.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nstripe==10.0.0\n',
        'main.py': [
          'from fastapi import FastAPI, Request',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/webhooks/stripe")',
          'async def stripe_webhook(request: Request):',
          '    event = await request.json()',
          '    if event["type"] == "checkout.session.completed":',
          '        grant_credits(event["data"]["object"]["customer"])',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nstripe==10.0.0\n',
        'main.py': [
          'import stripe',
          'from fastapi import FastAPI, HTTPException, Request',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/webhooks/stripe")',
          'async def stripe_webhook(request: Request):',
          '    try:',
          '        event = stripe.Webhook.construct_event(await request.body(), request.headers.get("stripe-signature"), SECRET)',
          '    except stripe.error.SignatureVerificationError:',
          '        raise HTTPException(status_code=400)',
          '    if already_processed(event["id"]):',
          '        return {"ok": True}',
          '    grant_credits(event["data"]["object"]["customer"])',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [345, 347],
      owasp: ['A08:2021', 'API8:2023'],
      urls: ['https://docs.stripe.com/webhooks#verify-official-libraries', 'https://docs.svix.com/receiving/verifying-payloads/how'],
    },
  },
  check({ index, files, report }) {
    const seen = new Set<string>();
    for (const route of index.routes) {
      const fn = route.handler.node;
      const file = files.get(route.handler.file);
      if (!fn || !file?.ast || file.isTest) continue;
      if (!['POST', 'ANY', 'PUT'].includes(route.method)) continue;
      const handlerKey = `${route.handler.file}:${route.handler.startLine}`;
      if (seen.has(handlerKey)) continue;

      const python = fn.kind() === 'function_definition';
      const scope = python ? [fn, ...pyLocalCallees(fn, file.ast, 3), ...importedCallees(files, file, fn)] : [fn, ...jsLocalCallees(fn, file.ast, 3)];
      const scopeText = scope.map((n) => n.text()).join('\n');
      const hasEventMarker = PROVIDER_EVENT.test(scopeText);
      const namedHook = HOOK_PATH.test(route.path) || HOOK_NAME.test(route.handler.name);
      if (!namedHook && !hasEventMarker) continue;
      if (!hasEventMarker && !STATE_CHANGE.test(scopeText) && !ACTS_ON_EVENT.test(scopeText)) continue;
      if (!hasEventMarker && MANAGEMENT_NAME.test(route.handler.name)) continue;
      const verifyingGuard = route.guards.some((g) => VERIFY_NAME.test(g.name));
      if (route.guards.length && !verifyingGuard && !hasEventMarker) continue; // a user-authenticated management API
      seen.add(handlerKey);

      const provider = detectProvider(route, scopeText);
      const data = {
        method: route.method,
        path: route.path,
        handler: route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name,
        provider: provider?.name ?? 'webhook',
      };
      const related = [file.locateLines(route.handler.startLine, route.handler.startLine, 'handler')];

      const verified = python ? isVerified(fn, scope, scopeText) : isJsVerified(route, files, scope, scopeText);
      if (!verifyingGuard && !verified) {
        report({ messageId: 'noSignatureCheck', at: route.at, data, related, severity: provider?.payment ? 'critical' : 'high' });
        continue;
      }
      if (provider?.payment && STATE_CHANGE.test(scopeText) && !IDEMPOTENCY.test(scopeText))
        report({ messageId: 'noIdempotency', at: file.locateLines(route.handler.startLine), data, related: [route.at], severity: 'medium' });
    }
  },
});

function detectProvider(route: Route, scopeText: string): (typeof PROVIDERS)[number] | undefined {
  const named = PROVIDERS.find((p) => p.pattern.test(route.path) || p.pattern.test(route.handler.name));
  if (named) return named;
  let best: { provider: (typeof PROVIDERS)[number]; at: number } | undefined;
  for (const provider of PROVIDERS) {
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
function importedCallees(files: ParsedFiles, file: ParsedFile, fn: SyntaxNode): SyntaxNode[] {
  const imports = pyImports(file.ast!);
  const out: SyntaxNode[] = [];
  for (const callNode of fn.findAll({ rule: { kind: 'call' } })) {
    const call = describePyCall(callNode);
    if (!call) continue;
    const imported = importedCalleeTarget(imports, call.callee);
    if (!imported) continue;
    const { module, name } = imported;
    const target = resolvePyModule(files, file.path, module);
    if (!target?.ast) continue;
    const def = target.ast.findAll({ rule: { kind: 'function_definition' } }).find((d) => d.field('name')?.text() === name);
    if (def) out.push(def, ...pyLocalCallees(def, target.ast, 2));
  }
  return out;
}
