import { handlesRepeatedDelivery, isRetryingWebhook, nonIdempotentWrite, webhookHandlers } from '../../facts/webhooks.ts';
import { codeSpanText } from '../../parse/syntax.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'webhook-idempotency-missing',
    category: 'security',
    title: 'Webhook applies repeated deliveries twice',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Webhook Security',
    effortHours: 2,
    messages: {
      noIdempotency:
        '{{provider}} webhook `{{method}} {{path}}` ({{handler}}) runs `{{write}}` without recording the event id, so a retried or replayed delivery {{effect}}.',
    },
    why: [
      'Webhook providers deliver at least once: Stripe retries for up to three days when your endpoint times out or answers 5xx, Svix/Clerk and GitHub retry and let anyone with dashboard access replay a delivery, Twilio retries status callbacks. The same event therefore arrives more than once, sometimes concurrently.',
      '',
      'A handler that inserts rows, adds credits, sends emails or provisions licenses on every delivery applies a repeated event twice: duplicate transactions, double credits, two welcome emails, a second license. A replayed signed payload is also the easiest way for an attacker who captured one to repeat its effect.',
    ].join('\n'),
    fix: [
      'Record each event id in a table with a unique constraint (or an atomic `SET NX` in Redis) in the same transaction as the work, and skip ids already recorded. Alternatively make every write an upsert keyed on the provider\'s object id.',
      '',
      '```python',
      '@router.post("/webhooks/stripe")',
      'async def stripe_webhook(request: Request, db: AsyncSession = Depends(get_db)):',
      '    event = stripe.Webhook.construct_event(await request.body(), request.headers["stripe-signature"], settings.stripe_webhook_secret)',
      '    inserted = await db.execute(',
      '        insert(ProcessedWebhookEvent).values(id=event["id"], type=event["type"]).on_conflict_do_nothing().returning(ProcessedWebhookEvent.id)',
      '    )',
      '    if inserted.scalar() is None:',
      '        return {"status": "duplicate"}',
      '    await apply_event(db, event)',
      '    await db.commit()',
      '    return {"status": "ok"}',
      '```',
      '',
      'Svix/Clerk: the message id is the `svix-id` header; GitHub: `X-GitHub-Delivery`; Express/Prisma: `prisma.webhookEvent.create({ data: { id: event.id } })` inside the same `$transaction`, treating the unique-constraint error as "already processed".',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nstripe==10.0.0\n',
        'main.py': [
          'import stripe',
          'from fastapi import FastAPI, Request',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/webhooks/stripe")',
          'async def stripe_webhook(request: Request):',
          '    event = stripe.Webhook.construct_event(await request.body(), request.headers["stripe-signature"], SECRET)',
          '    if event["type"] == "checkout.session.completed":',
          '        grant_credits(event["data"]["object"]["customer"], 100)',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nstripe==10.0.0\n',
        'main.py': [
          'import stripe',
          'from fastapi import FastAPI, Request',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/webhooks/stripe")',
          'async def stripe_webhook(request: Request):',
          '    event = stripe.Webhook.construct_event(await request.body(), request.headers["stripe-signature"], SECRET)',
          '    if not record_event_once(event["id"]):',
          '        return {"ok": True}',
          '    if event["type"] == "checkout.session.completed":',
          '        grant_credits(event["data"]["object"]["customer"], 100)',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [837, 294],
      owasp: ['A04:2021'],
      urls: ['https://docs.stripe.com/webhooks#handle-duplicate-events', 'https://docs.svix.com/receiving/verifying-payloads/why', 'https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks'],
    },
  },
  check({ index, files, report }) {
    for (const hook of webhookHandlers(index, files)) {
      if (!isRetryingWebhook(hook) || handlesRepeatedDelivery(hook)) continue;
      const write = nonIdempotentWrite(hook);
      if (!write) continue;
      const { route, file, provider } = hook;
      const text = write.node.text();
      const effect = /credit|grant|balance|\+=|wallet|payout|charge|transfer/i.test(text)
        ? 'adds the money or credits again'
        : /mail|email|sms|notify|notification|message/i.test(text)
          ? 'sends the message again'
          : /licen[cs]e|provision|fulfil/i.test(text)
            ? 'provisions it again'
            : 'writes the same rows again';
      report({
        messageId: 'noIdempotency',
        at: file.locateLines(route.handler.startLine),
        data: { provider: provider?.name ?? 'Webhook', method: route.method, path: route.path, handler: hook.label, write: codeSpanText(write.node, 60), effect },
        related: [{ ...route.at, note: 'route' }, write.file.locate(write.node, 'repeated on every delivery')],
        severity: provider?.payment || /^(Clerk|Svix)$/.test(provider?.name ?? '') ? 'medium' : 'low',
      });
    }
  },
});
