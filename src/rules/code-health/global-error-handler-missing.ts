import { functionOfBinding, resolveJsReference, unwrapJsExpression } from '../../facts/routes/js-modules.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route, RouteFramework } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { isJsFunction } from '../../parse/js-syntax.ts';
import { describePyCall, findPyCalls, pyDecorators, pyOwnNodes, pyStringValue } from '../../parse/python-syntax.ts';


/** An application: where it is created, the package it lives in, and the frameworks whose routes it serves. */
interface App {
  name: string;
  at: Location;
  /** Path prefix of the package (`backend/`, '' for a repository-root app): handlers registered anywhere under it count. */
  scope: string;
  frameworks: RouteFramework[];
}

/** `Exception`, `BaseException`, `500`, `HTTPStatus.INTERNAL_SERVER_ERROR`, `InternalServerError`. */
const CATCH_ALL = /^((builtins|werkzeug\.exceptions|exceptions)\.)?(Exception|BaseException|InternalServerError)$|^500$|INTERNAL_SERVER_ERROR$/;

export default defineRule({
  meta: {
    id: 'global-error-handler-missing',
    category: 'code-health',
    title: 'No global error handler',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Error Handling',
    effortHours: 2,
    messages: {
      fastapiNoHandler:
        'FastAPI app `{{app}}` has no handler for unexpected exceptions (`exception_handler(Exception)` or an error middleware): an error becomes a bare "Internal Server Error" that no log line ties to the request.',
      flaskNoHandler: 'Flask app `{{app}}` has no `errorhandler(Exception)` or `errorhandler(500)`: an unexpected error returns Flask\'s generic HTML error page, also to API clients.',
      djangoNoHandler: 'The Django project has no `handler500`, `500.html` template, exception middleware or DRF `EXCEPTION_HANDLER`: an unexpected error returns Django\'s bare "Server Error (500)" page.',
      expressNoHandler: 'Express app `{{app}}` has no error-handling middleware (`app.use((err, req, res, next) => …)`){{nodeEnv}}.',
      nextjsNoErrorPage: 'The Next.js app under `{{dir}}` has no `error.tsx` / `global-error.tsx` (or `pages/_error`, `pages/500`): a rendering error shows the framework\'s blank error screen.',
    },
    why: [
      'Without one place that handles unexpected errors, each failure is answered however the framework defaults: an HTML page to a JSON client, a bare 500 with no request id to quote to support, and — Express outside `NODE_ENV=production` — the stack trace with file paths. Nothing adds the user, the route or a correlation id to the log, so the error tracker sees noise instead of incidents.',
      '',
      'One finding per application. It counts a handler registered anywhere in the application\'s package (a `register_error_handlers(app)` module included).',
    ].join('\n'),
    fix: [
      'Register one handler for everything unexpected: log it with context, report it, and answer with a stable, safe body.',
      '',
      '```python',
      '# FastAPI',
      '@app.exception_handler(Exception)',
      'async def unhandled(request: Request, exc: Exception) -> JSONResponse:',
      '    logger.exception("unhandled error on %s %s", request.method, request.url.path)',
      '    return JSONResponse(status_code=500, content={"detail": "internal error", "request_id": request.state.request_id})',
      '',
      '# Flask',
      '@app.errorhandler(Exception)',
      'def unhandled(exc):',
      '    if isinstance(exc, HTTPException):',
      '        return exc',
      '    app.logger.exception("unhandled error")',
      '    return {"error": "internal error"}, 500',
      '```',
      '```ts',
      '// Express: last app.use, after the routes',
      'app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {',
      "  logger.error({ err, path: req.path }, 'unhandled error');",
      "  res.status(500).json({ error: 'internal error' });",
      '});',
      '```',
      'Django: `handler500 = "app.views.server_error"` in the root URLconf and a `templates/500.html`; Next.js: `app/error.tsx` and `app/global-error.tsx`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\nasync def orders():\n    return []\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'import logging\n\nfrom fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n\napp = FastAPI()\nlogger = logging.getLogger(__name__)\n\n\n@app.exception_handler(Exception)\nasync def unhandled(request: Request, exc: Exception):\n    logger.exception("unhandled error")\n    return JSONResponse(status_code=500, content={"detail": "internal error"})\n\n\n@app.get("/orders")\nasync def orders():\n    return []\n',
      },
    },
    references: { cwe: [755, 209], urls: ['https://fastapi.tiangolo.com/tutorial/handling-errors/', 'https://flask.palletsprojects.com/en/stable/errorhandling/', 'https://expressjs.com/en/guide/error-handling.html', 'https://nextjs.org/docs/app/building-your-application/routing/error-handling'] },
  },
  check({ index, files, report }) {
    const routed = (app: App) => index.routes.some((r) => app.frameworks.includes(r.framework) && r.at.file.startsWith(app.scope));
    const inScope = (app: App, file: ParsedFile) => file.path.startsWith(app.scope);

    // FastAPI and Starlette
    const asgiHandlers = files.ofKind('python', { containing: ['exception_handler', 'middleware', 'ServerErrorMiddleware'], includeTests: false }).filter(hasAsgiCatchAll);
    for (const app of pythonApps(files, /^(fastapi\.)?FastAPI$|^(starlette\.applications\.)?Starlette$/, ['fastapi', 'starlette'])) {
      if (!routed(app) || asgiHandlers.some((f) => inScope(app, f)) || appCallCatchesAll(files, app)) continue;
      report({ messageId: 'fastapiNoHandler', at: app.at, data: { app: app.name } });
    }

    // Flask
    const flaskHandlers = files.ofKind('python', { containing: ['errorhandler', 'register_error_handler'], includeTests: false }).filter(hasFlaskCatchAll);
    for (const app of pythonApps(files, /^(flask\.)?Flask$/, ['flask'])) {
      if (!routed(app) || flaskHandlers.some((f) => inScope(app, f))) continue;
      report({ messageId: 'flaskNoHandler', at: app.at, data: { app: app.name } });
    }

    // Django
    if (index.domains.has('django') && index.routes.some((r) => r.framework === 'django')) {
      const covered =
        files.ofKind('python', { containing: ['handler500', 'process_exception', 'EXCEPTION_HANDLER'], includeTests: false }).some((f) => /^handler500\s*=|def process_exception\(|["']EXCEPTION_HANDLER["']\s*:/m.test(f.text)) ||
        files.all.some((f) => /(^|\/)templates\/500\.html$/.test(f.path));
      const urls = djangoRootUrls(files, index.routes);
      if (!covered && urls) report({ messageId: 'djangoNoHandler', at: urls });
    }

    // Express
    for (const app of expressApps(files)) {
      if (!routed(app) || hasExpressErrorMiddleware(files, app)) continue;
      const nodeEnvProduction = setsNodeEnvProduction(files, app.scope);
      report({
        messageId: 'expressNoHandler',
        at: app.at,
        data: { app: app.name, nodeEnv: nodeEnvProduction ? '' : ', and nothing here sets `NODE_ENV=production`, so Express\'s default handler sends the stack trace to the client' },
        severity: nodeEnvProduction ? 'low' : 'medium',
      });
    }

    // Next.js: per app directory (the folder holding `app/` or `pages/` route files)
    for (const dir of nextjsAppDirs(files, index.routes)) {
      const has = (pattern: RegExp) => files.all.some((f) => f.path.startsWith(dir) && pattern.test(f.path.slice(dir.length)));
      // Only pages render an error screen; an API-only app answers errors with a plain 500.
      if (!has(/^(src\/)?app\/(.+\/)?page\.[jt]sx?$/) && !has(/^(src\/)?pages\/(?!api\/|_)[^/]+(\/[^/]+)*\.[jt]sx?$/)) continue;
      if (has(/^(src\/)?app\/(.+\/)?(error|global-error)\.[jt]sx?$/) || has(/^(src\/)?pages\/(_error|500)\.[jt]sx?$/)) continue;
      const layout = files.all.find((f) => f.path.startsWith(dir) && /^(src\/)?app\/layout\.[jt]sx?$/.test(f.path.slice(dir.length)));
      const anchor = layout ?? files.all.find((f) => f.path.startsWith(dir) && /^(src\/)?(app|pages)\//.test(f.path.slice(dir.length)) && !f.isTest);
      if (anchor) report({ messageId: 'nextjsNoErrorPage', at: { file: anchor.path, startLine: 1, endLine: 1 }, data: { dir: dir || './' } });
    }
  },
});

/** The package an app belongs to: its first folder ('' at the repository root). */
function scopeOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

function pythonApps(files: ParsedFiles, constructor: RegExp, frameworks: RouteFramework[]): App[] {
  const needle = constructor.source.includes('Flask') ? ['Flask('] : ['FastAPI(', 'Starlette('];
  const out: App[] = [];
  for (const file of files.ofKind('python', { containing: needle, includeTests: false })) {
    for (const call of findPyCalls(file.ast, constructor)) {
      const assignment = call.node.parent();
      const target = assignment?.kind() === 'assignment' ? assignment.field('left')?.text() : undefined;
      if (!target) continue;
      out.push({ name: target, at: file.locate(call.node), scope: scopeOf(file.path), frameworks });
    }
  }
  return out;
}

/** `@app.exception_handler(Exception)`, `app.add_exception_handler(500, …)`, an `http` middleware that catches `Exception`, Starlette's ServerErrorMiddleware handler. */
function hasAsgiCatchAll(file: ParsedFile): boolean {
  for (const call of findPyCalls(file.ast, /\.(exception_handler|add_exception_handler)$/)) if (call.args[0] && CATCH_ALL.test(call.args[0].text())) return true;
  for (const call of findPyCalls(file.ast, /(^|\.)ServerErrorMiddleware$/)) if (call.keywords.has('handler')) return true;
  for (const fn of file.findAll({ kind: 'function_definition' })) {
    const isMiddleware = pyDecorators(fn).some((d) => /\.middleware$/.test(describePyCall(d)?.callee ?? '') && pyStringValue(describePyCall(d)?.args[0]) === 'http');
    const isDispatch = fn.field('name')?.text() === 'dispatch' || fn.field('name')?.text() === '__call__';
    if ((isMiddleware || isDispatch) && catchesEverything(fn)) return true;
  }
  return false;
}

/** `FastAPI(exception_handlers={Exception: …})`. */
function appCallCatchesAll(files: ParsedFiles, app: App): boolean {
  const file = files.get(app.at.file);
  const call = file?.ast ? findPyCalls(file.ast, /FastAPI$|Starlette$/).find((c) => c.node.range().start.line + 1 === app.at.startLine) : undefined;
  const handlers = call?.keywords.get('exception_handlers');
  return handlers?.kind() === 'dictionary' && handlers.children().some((p) => p.kind() === 'pair' && CATCH_ALL.test(p.field('key')?.text() ?? ''));
}

function catchesEverything(fn: SyntaxNode): boolean {
  return pyOwnNodes(fn, 'except_clause').some((clause) => {
    const caught = clause.children().find((c) => c.isNamed() && c.kind() !== 'block' && c.kind() !== 'comment');
    const type = caught?.kind() === 'as_pattern' ? caught.children().find((c) => c.isNamed()) : caught;
    if (!type) return true;
    const types = type.kind() === 'tuple' ? type.children().filter((c) => c.isNamed()) : [type];
    return types.some((t) => CATCH_ALL.test(t.text()));
  });
}

/** `@app.errorhandler(Exception)`, `@bp.app_errorhandler(500)`, `app.register_error_handler(InternalServerError, …)`. */
function hasFlaskCatchAll(file: ParsedFile): boolean {
  for (const call of findPyCalls(file.ast, /\.(errorhandler|app_errorhandler|register_error_handler)$/)) if (call.args[0] && CATCH_ALL.test(call.args[0].text())) return true;
  return false;
}

/** The root URLconf: the `urls.py` nearest the repository root that declares `urlpatterns`. */
function djangoRootUrls(files: ParsedFiles, routes: readonly Route[]): Location | undefined {
  const candidates = files
    .ofKind('python', { containing: ['urlpatterns'], includeTests: false })
    .filter((f) => /(^|\/)urls\.py$/.test(f.path))
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  const file = candidates[0];
  if (!file) {
    const first = routes.find((r) => r.framework === 'django');
    return first ? { file: first.at.file, startLine: 1, endLine: 1 } : undefined;
  }
  const line = file.text.split('\n').findIndex((l) => /^urlpatterns\s*[:=]/.test(l));
  return line >= 0 ? file.locateLines(line + 1) : { file: file.path, startLine: 1, endLine: 1 };
}

function expressApps(files: ParsedFiles): App[] {
  const out: App[] = [];
  for (const file of files.ofKind('js', { containing: ['express'], includeTests: false })) {
    if (!file.ast) continue;
    for (const call of file.findAll({ kind: 'call_expression', has: { field: 'function', regex: '^express$' } })) {
      const declarator = call.parent();
      const name = declarator?.kind() === 'variable_declarator' ? declarator.field('name')?.text() : undefined;
      if (!name) continue;
      out.push({ name, at: file.locate(call), scope: scopeOf(file.path), frameworks: ['express'] });
    }
  }
  return out;
}

/** An error middleware (four parameters) passed to `.use(…)` in the app's package, or a library error handler (`errorHandler()`). */
function hasExpressErrorMiddleware(files: ParsedFiles, app: App): boolean {
  for (const file of files.ofKind('js', { containing: ['.use('], includeTests: false })) {
    if (!file.ast || !file.path.startsWith(app.scope)) continue;
    for (const call of file.findAll({ kind: 'call_expression', has: { field: 'function', kind: 'member_expression', has: { field: 'property', regex: '^use$' } } })) {
      for (const arg of call.field('arguments')?.children().filter((c) => c.isNamed()) ?? []) {
        if (isErrorMiddleware(files, file, arg)) return true;
      }
    }
  }
  return false;
}

function isErrorMiddleware(files: ParsedFiles, file: ParsedFile, arg: SyntaxNode): boolean {
  const node = unwrapJsExpression(arg);
  if (node.kind() === 'call_expression' && /error.?handler|handle.?errors?/i.test(node.field('function')?.text() ?? '')) return true;
  let fn: SyntaxNode | undefined = isJsFunction(node) ? node : undefined;
  if (!fn && (node.kind() === 'identifier' || node.kind() === 'member_expression')) {
    try {
      const binding = resolveJsReference(files, file, node);
      fn = functionOfBinding(binding);
      // `const onError: ErrorRequestHandler = …`
      if (!fn && binding && /ErrorRequestHandler/.test(binding.declaration.text().split('=')[0])) return true;
      if (!fn && /error.?handler|on.?error|handle.?errors?/i.test(node.text())) return true;
    } catch {
      return /error.?handler|on.?error|handle.?errors?/i.test(node.text());
    }
  }
  if (!fn) return false;
  if (/ErrorRequestHandler/.test(fn.parent()?.text().split('=')[0] ?? '')) return true;
  const params = fn.field('parameters')?.children().filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [];
  return params.length === 4;
}

/**
 * `NODE_ENV=production` in the app's package (a Dockerfile, an npm start script) or in repository-wide
 * deployment files (compose, Kubernetes, CI/deploy configs at the root or under deploy folders).
 */
function setsNodeEnvProduction(files: ParsedFiles, scope: string): boolean {
  return files.all.some(
    (f) =>
      !f.isTest &&
      f.kind !== 'js' &&
      f.kind !== 'python' &&
      (f.path.startsWith(scope) || (f.kind === 'yaml' && !f.path.includes('/')) || /^(deploy|k8s|kubernetes|infra|helm|charts)\//.test(f.path)) &&
      /NODE_ENV["']?\s*[=:]\s*["']?production/.test(f.text),
  );
}

/** Folders of Next.js apps ('' at the repository root): where `next.config.*` or a package.json depending on `next` sits, or that holds Next.js routes. */
function nextjsAppDirs(files: ParsedFiles, routes: readonly Route[]): string[] {
  const dirs = new Set<string>();
  const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
  for (const file of files.all) {
    if (file.isTest) continue;
    if (/(^|\/)next\.config\.[cm]?[jt]s$/.test(file.path)) dirs.add(dirOf(file.path));
    else if (/(^|\/)package\.json$/.test(file.path) && /"next"\s*:/.test(file.text)) dirs.add(dirOf(file.path));
  }
  for (const route of routes) {
    if (route.framework !== 'nextjs') continue;
    const m = /^(.*?)(src\/)?(app|pages)\//.exec(route.at.file);
    if (m) dirs.add(m[1]);
  }
  return [...dirs].sort();
}
