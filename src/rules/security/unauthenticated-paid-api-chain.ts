import { compoundSeverity, findingsOf, linkOf, numberLinks } from '../../facts/compound-findings.ts';
import type { Finding } from '../../model/finding.ts';
import { defineRule } from '../../model/rule.ts';

/** `METHOD /path` of a route-missing-auth or rate-limit-missing finding. */
const routeKey = (f: Finding) => (f.data.method && f.data.path ? `${f.data.method} ${f.data.path}` : undefined);

export default defineRule({
  meta: {
    id: 'unauthenticated-paid-api-chain',
    category: 'security',
    title: 'Anyone can spend the paid API budget',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Rate Limiting',
    effortHours: 1,
    requires: ['route-missing-auth', 'rate-limit-missing'],
    messages: {
      openPaidApi:
        '`{{route}}` ({{handler}}) calls the paid API `{{api}}` on every request, requires no authentication and is not rate limited: anyone who finds the URL can run up the bill in a loop.',
    },
    why: [
      'Each link alone is a gap; together they are a direct path to a five-figure invoice. With no authentication there is no account to block and no user to bill, and with no rate limit one script can call the endpoint thousands of times a minute. Every call is a paid completion, embedding, speech or SMS on your key — the provider only stops when the budget cap (if any) is hit, and the same loop exhausts the provider quota for real users.',
      '',
      'Reported as one finding made of the route\'s route-missing-auth and rate-limit-missing findings (scored once, through this finding).',
    ].join('\n'),
    fix: [
      'Break the chain at both links, cheapest first:',
      '1. Require an authenticated user on the route (so abuse has a name and can be blocked).',
      '2. Rate-limit it per user and per IP, with a tighter limit than ordinary routes.',
      '3. Set a hard monthly budget and alerts in the provider\'s console, and cap tokens per request.',
      '',
      '```python',
      '@router.post("/sessions/generate")',
      '@limiter.limit("10/minute")',
      'async def generate_session(request: Request, body: SessionRequest, user: User = Depends(current_user)):',
      '    reply = await client.chat.completions.create(model=MODEL, messages=..., max_tokens=800)',
      '```',
      '```ts',
      "router.post('/generate', requireAuth, rateLimit({ windowMs: 60_000, limit: 10, keyGenerator: (req) => req.user.id }), generate);",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nopenai==1.51.0\n',
        'main.py': [
          'from fastapi import FastAPI',
          'from openai import AsyncOpenAI',
          '',
          'app = FastAPI()',
          'client = AsyncOpenAI()',
          '',
          '',
          '@app.post("/chat")',
          'async def chat(message: str):',
          '    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": message}])',
          '    return {"reply": reply.choices[0].message.content}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nopenai==1.51.0\n',
        'main.py': [
          'from fastapi import Depends, FastAPI',
          'from openai import AsyncOpenAI',
          '',
          'from auth import get_current_user',
          '',
          'app = FastAPI()',
          'client = AsyncOpenAI()',
          '',
          '',
          '@app.post("/chat")',
          'async def chat(message: str, user=Depends(get_current_user)):',
          '    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": message}])',
          '    return {"reply": reply.choices[0].message.content}',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [770, 306, 799], owasp: ['API4:2023', 'API6:2023', 'A04:2021'] },
  },
  check({ findings, report }) {
    const unauthenticated = new Map<string, Finding>();
    for (const f of findingsOf(findings, 'route-missing-auth')) {
      const key = routeKey(f);
      if (key && !unauthenticated.has(key)) unauthenticated.set(key, f);
    }
    for (const limit of findingsOf(findings, 'rate-limit-missing', ['noRateLimitPaidApi', 'routeNotLimited'])) {
      const key = routeKey(limit);
      const open = key ? unauthenticated.get(key) : undefined;
      // routeNotLimited also covers authentication routes; only a paid API call makes this chain.
      if (!key || !open || !limit.data.api) continue;
      const parts = [open, limit];
      report({
        messageId: 'openPaidApi',
        at: limit.location,
        data: { route: key, handler: limit.data.handler ?? open.data.handler ?? '', api: limit.data.api },
        related: numberLinks([
          linkOf(open, `no authentication: ${open.message}`),
          linkOf(limit, `no rate limit: ${limit.message}`),
          ...limit.related.filter((r) => r.note === 'handler').map((r) => ({ ...r, note: `the handler calls \`${limit.data.api}\`` })),
        ]),
        parts,
        severity: compoundSeverity('high', parts),
      });
    }
  },
});
