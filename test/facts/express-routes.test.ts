/**
 * The Express route extractor on inline file trees: owners, imported and nested routers,
 * registration order of `use`, guards at route / router / app level, handlers, full paths.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../src/model/repo-index.ts';
import { routesOfTree, summariseRoutes } from '../support/route-table.ts';

const PACKAGE = JSON.stringify({ name: 'svc', dependencies: { express: '^4.21.0' } });

const routesOf = (files: Record<string, string>): Promise<Route[]> => routesOfTree({ 'package.json': PACKAGE, ...files });

const summary = summariseRoutes;

function find(routes: Route[], method: string, path: string): Route {
  const route = routes.find((r) => r.method === method && r.path === path);
  expect(route, `${method} ${path} in\n${summary(routes).join('\n')}`).toBeDefined();
  return route!;
}

describe('extractExpressRoutes', () => {
  it('joins mount prefixes and applies app.use / router.use guards only to what comes after them', async () => {
    const routes = await routesOf({
      'src/app.ts': [
        "import express from 'express';",
        "import agentsRouter from './routes/agents';",
        "import { billingRouter } from './routes/billing';",
        "import { requireAuth } from './middleware/auth';",
        '',
        'const app = express();',
        'app.use(express.json());',
        "app.get('/health', (req, res) => res.send('ok'));",
        "app.use('/api/agents', requireAuth, agentsRouter);",
        "app.use('/api/billing', billingRouter);",
        'app.use(requireAuth);',
        "app.post('/api/admin/reindex', async function reindex(req, res) { res.json({}); });",
        'export default app;',
        '',
      ].join('\n'),
      'src/middleware/auth.ts': 'export function requireAuth(req, res, next) { next(); }\n',
      'src/routes/agents.ts': [
        "import { Router } from 'express';",
        'const router = Router();',
        "router.get('/', listAgents);",
        "router.delete('/:id', async (req, res) => { res.status(204).end(); });",
        'async function listAgents(req, res) { res.json([]); }',
        'export default router;',
        '',
      ].join('\n'),
      'src/routes/billing.ts': [
        "import express from 'express';",
        'export const billingRouter = express.Router();',
        "billingRouter.get('/plans', (req, res) => res.json([]));",
        "billingRouter.use(passport.authenticate('jwt', { session: false }));",
        "billingRouter.post('/charge', (req, res) => res.json({}));",
        '',
      ].join('\n'),
    });
    expect(summary(routes)).toEqual([
      'GET /health <anonymous> src/app.ts:8 []',
      'POST /api/admin/reindex reindex src/app.ts:12 [app:requireAuth]',
      'GET /api/agents listAgents src/routes/agents.ts:3 [app:requireAuth]',
      'DELETE /api/agents/:id <anonymous> src/routes/agents.ts:4 [app:requireAuth]',
      'GET /api/billing/plans <anonymous> src/routes/billing.ts:3 []',
      "POST /api/billing/charge <anonymous> src/routes/billing.ts:5 [router:passport.authenticate('jwt', { session: false })]",
    ]);
    const reindex = find(routes, 'POST', '/api/admin/reindex');
    expect(reindex.guards[0].at).toMatchObject({ file: 'src/app.ts', startLine: 11 });
    expect(reindex.handler).toMatchObject({ name: 'reindex', file: 'src/app.ts', startLine: 12, isAsync: true });
    expect(reindex.handler.node?.kind()).toBe('function_expression');
    const list = find(routes, 'GET', '/api/agents');
    expect(list.handler).toMatchObject({ file: 'src/routes/agents.ts', startLine: 5, isAsync: true });
  });

  it('resolves CommonJS routers, controllers, nested mounts and route chains', async () => {
    const routes = await routesOf({
      'server.js': [
        "const express = require('express');",
        "const api = require('./routes');",
        "const { router: usersRouter } = require('./routes/users');",
        'const app = express();',
        "app.use('/v1', api.v1);",
        "app.use('/users', checkJwt, usersRouter);",
        "app.route('/items').get(listItems).post(verifyToken, createItem);",
        'function listItems(req, res) {}',
        'const createItem = async (req, res) => {};',
        'module.exports = app;',
        '',
      ].join('\n'),
      'routes/index.js': [
        "const { Router } = require('express');",
        'const v1 = Router();',
        'const reports = Router();',
        "reports.get('/daily', (req, res) => {});",
        "v1.all('*', isAuthenticated);",
        "v1.use('/reports', reports);",
        'exports.v1 = v1;',
        '',
      ].join('\n'),
      'routes/users.js': [
        "const express = require('express');",
        "const users = require('../controllers/users');",
        'const router = express.Router();',
        "router.get('/:id', users.show);",
        "router.put('/:id', users.update.bind(users));",
        'module.exports = { router };',
        '',
      ].join('\n'),
      'controllers/users.js': ['class UsersController {', '  async show(req, res) {}', '  update(req, res) {}', '}', 'module.exports = new UsersController();', ''].join('\n'),
    });
    expect(summary(routes)).toEqual([
      'GET /v1/reports/daily <anonymous> routes/index.js:4 [router:isAuthenticated]',
      'GET /users/:id users.show routes/users.js:4 [app:checkJwt]',
      'PUT /users/:id users.update routes/users.js:5 [app:checkJwt]',
      'GET /items listItems server.js:7 []',
      'POST /items createItem server.js:7 [route:verifyToken]',
    ]);
    expect(find(routes, 'GET', '/users/:id').handler).toMatchObject({ file: 'controllers/users.js', startLine: 2, isAsync: true });
    expect(find(routes, 'PUT', '/users/:id').handler).toMatchObject({ file: 'controllers/users.js', startLine: 3, isAsync: false });
    expect(find(routes, 'POST', '/items').handler).toMatchObject({ file: 'server.js', startLine: 9, isAsync: true });
  });

  it('recognises the common auth middlewares and ignores look-alikes that do not authenticate', async () => {
    const routes = await routesOf({
      'app.js': [
        "import express from 'express';",
        "import { expressjwt as jwt } from 'express-jwt';",
        "import { ensureLoggedIn } from 'connect-ensure-login';",
        "import { requiresAuth } from 'express-openid-connect';",
        "import { requireAuth } from '@clerk/express';",
        'const app = express();',
        "app.use(session({ secret: process.env.SESSION_SECRET }));",
        'app.use(passport.initialize());',
        'app.use(passport.session());',
        "app.use('/auth', authLimiter);",
        "app.post('/a', csrfProtection, rateLimit({ windowMs: 60000 }), (req, res) => {});",
        "app.post('/b', jwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] }), (req, res) => {});",
        "app.post('/c', ensureLoggedIn('/login'), (req, res) => {});",
        "app.post('/d', requiresAuth(), (req, res) => {});",
        "app.post('/e', requireAuth(), (req, res) => {});",
        "app.post('/f', [authenticate, validate(schema)], (req, res) => {});",
        "app.post('/g', jwt({ secret: 's', algorithms: ['HS256'], credentialsRequired: false }), (req, res) => {});",
        "app.get('/h', (req, res) => { if (!req.isAuthenticated()) return res.sendStatus(401); res.json(req.user); });",
        '',
      ].join('\n'),
    });
    const guards = Object.fromEntries(routes.map((r) => [r.path, r.guards.map((g) => `${g.level}:${g.name}`)]));
    expect(guards).toEqual({
      '/a': [],
      '/b': ["route:jwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] })"],
      '/c': ["route:ensureLoggedIn('/login')"],
      '/d': ['route:requiresAuth()'],
      '/e': ['route:requireAuth()'],
      '/f': ['route:authenticate'],
      '/g': [],
      '/h': ['route:req.isAuthenticated()'],
    });
  });

  it('honours path-scoped use() and express-unless exceptions', async () => {
    const routes = await routesOf({
      'src/index.ts': [
        "import express from 'express';",
        "import { expressjwt } from 'express-jwt';",
        'const app = express();',
        "app.use('/api', checkJwt);",
        "app.get('/api/items', (req, res) => {});",
        "app.get('/apix', (req, res) => {});",
        "app.use(expressjwt({ secret: 's', algorithms: ['HS256'] }).unless({ path: ['/login', /^\\/public/] }));",
        "app.post('/login', (req, res) => {});",
        "app.get('/public/feed', (req, res) => {});",
        "app.get('/me', (req, res) => {});",
        '',
      ].join('\n'),
    });
    const guarded = Object.fromEntries(routes.map((r) => [`${r.method} ${r.path}`, r.guards.map((g) => g.level)]));
    expect(guarded).toEqual({
      'GET /api/items': ['app'],
      'GET /apix': [],
      'POST /login': [],
      'GET /public/feed': [],
      'GET /me': ['app'],
    });
  });

  it('follows router factories and functions that receive the app', async () => {
    const routes = await routesOf({
      'src/server.ts': [
        "import express from 'express';",
        "import createTasksRouter from './tasks';",
        "import registerLegacyRoutes from './legacy';",
        'const app = express();',
        'registerLegacyRoutes(app);',
        'app.use(requireUser);',
        "app.use('/tasks', createTasksRouter(db));",
        '',
      ].join('\n'),
      'src/tasks.ts': [
        "import { Router } from 'express';",
        'export default function createTasksRouter(db) {',
        '  const router = Router();',
        "  router.get('/', async (req, res) => res.json(await db.tasks()));",
        '  return router;',
        '}',
        '',
      ].join('\n'),
      'src/legacy.js': ['module.exports = function (app) {', "  app.post('/legacy/save', (req, res) => {});", '};', ''].join('\n'),
      'src/orphan.ts': ["import { Router } from 'express';", 'const router = Router();', "router.put('/orphan', (req, res) => {});", ''].join('\n'),
    });
    expect(summary(routes)).toEqual([
      'POST /legacy/save <anonymous> src/legacy.js:2 []',
      'PUT /orphan <anonymous> src/orphan.ts:3 []',
      'GET /tasks <anonymous> src/tasks.ts:4 [app:requireUser]',
    ]);
  });

  it('skips odd code without throwing', async () => {
    const routes = await routesOf({
      'a.js': [
        "const express = require('express');",
        'const app = express();',
        'const a = b; const b = a;',
        'const r1 = express.Router(); const r2 = express.Router();',
        "r1.use('/r2', r2); r2.use('/r1', r1); app.use(r1);",
        "r1.get('/loop', a);",
        "app.get(); app.get('/only-path'); app.use(); app.route().get(); app.get('setting', 1);",
        "app.get(`/t/${id}`, (req, res) => {});",
        'module.exports = module.exports;',
        '',
      ].join('\n'),
      'b.ts': "import x from './b'; export { x as default }; export * from './b'; app.use(x);\n",
      'broken.ts': "import express from 'express'; const app = express(); app.get('/x', (req, res) => { {{{\n",
    });
    expect(routes.some((r) => r.path === '/loop')).toBe(true);
    expect(find(routes, 'GET', '/t/{id}').handler.name).toBe('<anonymous>');
    expect(routes.some((r) => r.path === '/only-path' || r.path === 'setting')).toBe(false);
  });
});
