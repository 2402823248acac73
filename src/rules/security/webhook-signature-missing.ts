import { webhookHandlers } from '../../facts/webhooks.ts';
import { defineRule } from '../../model/rule.ts';

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
    messages: {
      noSignatureCheck:
        'Webhook route `{{method}} {{path}}` ({{handler}}) acts on {{provider}} events without verifying the request signature, so anyone can forge them.',
    },
    why: [
      'A webhook URL is public: anyone who learns it can POST a hand-made event. Without checking the provider\'s signature, a forged `checkout.session.completed` grants a paid plan or credits for free, a forged Clerk `user.deleted` removes an account, a forged Twilio callback runs your call logic.',
    ].join('\n'),
    fix: [
      'Verify the signature on the raw request body with the provider\'s SDK before reading the event, and reject the request otherwise (repeated deliveries are `webhook-idempotency-missing`\'s subject).',
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
    for (const hook of webhookHandlers(index, files)) {
      if (hook.verifyingGuard || hook.verified) continue;
      const { route, file, provider } = hook;
      report({
        messageId: 'noSignatureCheck',
        at: route.at,
        data: { method: route.method, path: route.path, handler: hook.label, provider: provider?.name ?? 'webhook' },
        related: [file.locateLines(route.handler.startLine, route.handler.startLine, 'handler')],
        severity: provider?.payment ? 'critical' : 'high',
      });
    }
  },
});
