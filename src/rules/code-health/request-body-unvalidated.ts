import { requestBodyValidation } from '../../facts/request-validation.ts';
import { isStateChangingMethod } from '../../facts/routes/guard-names.ts';
import { defineRule } from '../../model/rule.ts';
import { codeSpanText } from '../../parse/syntax.ts';

export default defineRule({
  meta: {
    id: 'request-body-unvalidated',
    category: 'code-health',
    title: 'Request body used without a schema',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Request Validation',
    effortHours: 1,
    messages: {
      untypedParameter: '`{{method}} {{path}}` ({{handler}}) takes its body as `{{code}}`, so any JSON shape reaches the handler unchecked.',
      rawRead: '`{{method}} {{path}}` ({{handler}}) reads `{{code}}` and uses it without a schema or a validation check.',
    },
    why: [
      'A body taken as a plain dict (or `req.body`) has whatever fields and types the client sends: a string where a number was expected crashes the handler with a 500, an extra `role` or `tenant_id` key flows into the database (mass assignment), a nested object slips into a query (`{"$gt": ""}` in MongoDB), and a megabyte-long "name" is stored as is. A schema states the contract once, rejects bad input with a 422 before any code runs, and documents the endpoint (OpenAPI).',
      '',
      'Counted as validated: a typed body model, a schema decorator (webargs, flask-smorest, flask-pydantic), a validating call in the handler or a same-file helper (`Model.model_validate`, `schema.load`, `serializer.is_valid()`, `Body.parse(req.body)`, express-validator), validation middleware on the route, and manual checks that answer 400/422. Provider webhooks are left to the webhook rules. The security scorecard\'s Input Validation row (injection sinks) is separate.',
    ].join('\n'),
    fix: [
      'Declare the body as a schema and let the framework reject anything else.',
      '',
      '```python',
      '# FastAPI',
      'class AgentUpdate(BaseModel):',
      '    model_config = ConfigDict(extra="forbid")',
      '    name: str = Field(max_length=80)',
      '    voice_id: str | None = None',
      '',
      '@router.put("/agents/{agent_id}")',
      'async def update_agent(agent_id: UUID, body: AgentUpdate) -> AgentOut: ...',
      '',
      '# Flask',
      'data = AgentUpdate.model_validate(request.get_json())  # pydantic; or marshmallow: AgentSchema().load(...)',
      '```',
      '```ts',
      '// Express',
      'const AgentUpdate = z.object({ name: z.string().max(80), voiceId: z.string().optional() }).strict();',
      "app.put('/agents/:id', async (req, res) => {",
      '  const body = AgentUpdate.safeParse(req.body);',
      '  if (!body.success) return res.status(422).json(body.error.flatten());',
      '  …',
      '});',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.put("/agents/{agent_id}")\nasync def update_agent(agent_id: int, payload: dict):\n    return {"id": agent_id, **payload}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\npydantic==2.9.0\n',
        'main.py':
          'from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\nclass AgentUpdate(BaseModel):\n    name: str\n\n\n@app.put("/agents/{agent_id}")\nasync def update_agent(agent_id: int, payload: AgentUpdate):\n    return {"id": agent_id, "name": payload.name}\n',
      },
    },
    references: { cwe: [20, 1287], owasp: ['A03:2021', 'API3:2023'], urls: ['https://fastapi.tiangolo.com/tutorial/body/', 'https://zod.dev/', 'https://express-validator.github.io/docs/'] },
  },
  check({ index, files, report }) {
    for (const route of index.routes) {
      const result = requestBodyValidation(route, files);
      if (result.state !== 'no') continue;
      const { input } = result;
      report({
        messageId: input.kind,
        at: input.at,
        data: { method: route.method, path: route.path, handler: route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name, code: codeSpanText(input.code, 70) },
        related: [{ ...route.at, note: `route ${route.method} ${route.path}` }],
        severity: isStateChangingMethod(route.method) ? 'medium' : 'low',
      });
    }
  },
});
