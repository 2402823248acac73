import { apiRoutes } from '../../facts/documentation.ts';
import { operationsOf } from '../../facts/operations/index.ts';
import { isWithin } from '../../facts/operations/signals.ts';
import { defineRule } from '../../model/rule.ts';

/** Fewer API routes than this is a health check and a webhook, not an API others integrate with. */
const MIN_API_ROUTES = 3;

export default defineRule({
  meta: {
    id: 'api-documentation-missing',
    category: 'documentation',
    title: 'API without documentation',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'API Documentation',
    effortHours: 3,
    messages: {
      noApiDocs: '`{{service}}` serves {{routes}} API routes but no OpenAPI schema or API documentation: clients have to read the code to know the endpoints, parameters and responses.',
    },
    why: [
      'Without a machine-readable API description, every client (the front end, a partner, a mobile app, the QA team) reverse-engineers the endpoints from code or traffic; breaking changes go unnoticed, request validation drifts from what the docs say, and contract tests and generated clients are impossible. FastAPI, DRF, NestJS and Express all generate an OpenAPI schema from the route definitions at little cost.',
    ].join('\n'),
    fix: [
      'Generate an OpenAPI schema from the routes and serve it (protect or disable the UI in production if the API is private).',
      '',
      '```js',
      "// Express: npm install swagger-ui-express @asteasolutions/zod-to-openapi",
      "import swaggerUi from 'swagger-ui-express';",
      "import { openApiDocument } from './openapi.js';   // built from the zod request schemas",
      "app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApiDocument));",
      '```',
      'Django REST framework: `drf-spectacular` (`SpectacularAPIView`, `SpectacularSwaggerView`). Flask: `flask-smorest` or `apispec`. FastAPI serves `/docs` by default — do not pass `openapi_url=None` unless a committed `openapi.yaml` replaces it.',
    ].join('\n'),
    examples: {
      bad: {
        'package.json': '{ "name": "api", "dependencies": { "express": "4.21.0" } }\n',
        'src/app.js': "const express = require('express');\n\nconst app = express();\napp.get('/orders', (req, res) => res.json([]));\napp.post('/orders', (req, res) => res.status(201).json({}));\napp.get('/orders/:id', (req, res) => res.json({}));\napp.listen(3000);\n",
      },
      good: {
        'package.json': '{ "name": "api", "dependencies": { "express": "4.21.0", "swagger-ui-express": "5.0.1" } }\n',
        'src/app.js': "const express = require('express');\nconst swaggerUi = require('swagger-ui-express');\nconst spec = require('./openapi.json');\n\nconst app = express();\napp.use('/docs', swaggerUi.serve, swaggerUi.setup(spec));\napp.get('/orders', (req, res) => res.json([]));\napp.post('/orders', (req, res) => res.status(201).json({}));\napp.get('/orders/:id', (req, res) => res.json({}));\napp.listen(3000);\n",
      },
    },
    references: { urls: ['https://spec.openapis.org/oas/latest.html'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    if (ops.docs.apiDocs.length) return;
    for (const service of ops.services) {
      const routes = apiRoutes(index.routes.filter((r) => isWithin(r.at.file, service.root) && r.method !== 'WEBSOCKET'));
      if (routes.length < MIN_API_ROUTES) continue;
      report({ messageId: 'noApiDocs', at: service.entry, data: { service: service.name, routes: String(routes.length) } });
    }
  },
});
