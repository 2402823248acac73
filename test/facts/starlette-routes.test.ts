/**
 * The Starlette route extractor on inline file trees: route tables with Mount prefixes, lists in
 * other modules, mounted sub-apps, HTTPEndpoint classes, @requires and middleware guards, inputs,
 * and no route listed twice next to the FastAPI extractor.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../src/model/repo-index.ts';
import { routesOfTree, summariseRoutes } from '../support/route-table.ts';

const routesOf = (files: Record<string, string>, requirements = 'starlette==0.41.3\n'): Promise<Route[]> =>
  routesOfTree({ 'requirements.txt': requirements, ...files });
const inputsOf = (route: Route | undefined) => (route?.inputs ?? []).map((i) => `${i.source}:${i.name}${i.type ? `:${i.type}` : ''}@${i.at.startLine}`);

describe('extractStarletteRoutes', () => {
  it('walks route tables, Mount prefixes, imported lists, sub-apps and HTTPEndpoint classes', async () => {
    const routes = await routesOf({
      'app/main.py': [
        'from starlette.applications import Starlette',
        'from starlette.middleware import Middleware',
        'from starlette.middleware.authentication import AuthenticationMiddleware',
        'from starlette.middleware.cors import CORSMiddleware',
        'from starlette.routing import Mount, Route, WebSocketRoute',
        'from app.auth import TokenBackend',
        'from app.endpoints import NoteEndpoint, health, list_notes, live_feed',
        'from app.admin import admin_app',
        'from app.api_routes import api_routes',
        '',
        'routes = [',
        '    Route("/health", health),',
        '    Mount("/api", routes=[',
        '        Route("/notes", list_notes, methods=["GET"]),',
        '        Route("/notes/{note_id:int}", NoteEndpoint),',
        '        *api_routes,',
        '    ]),',
        '    Mount("/admin", app=admin_app),',
        '    WebSocketRoute("/ws", live_feed),',
        ']',
        '',
        'middleware = [',
        '    Middleware(CORSMiddleware, allow_origins=["https://example.com"]),',
        '    Middleware(AuthenticationMiddleware, backend=TokenBackend()),',
        ']',
        '',
        'app = Starlette(routes=routes, middleware=middleware)',
        '',
      ].join('\n'),
      'app/auth.py': [
        'from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser',
        '',
        'class TokenBackend(AuthenticationBackend):',
        '    async def authenticate(self, conn):',
        '        if "Authorization" not in conn.headers:',
        '            return None',
        '        return AuthCredentials(["authenticated"]), SimpleUser("someone")',
        '',
      ].join('\n'),
      'app/endpoints.py': [
        'from starlette.authentication import requires',
        'from starlette.endpoints import HTTPEndpoint',
        'from starlette.responses import JSONResponse, PlainTextResponse',
        '',
        'async def health(request):',
        '    return PlainTextResponse("ok")',
        '',
        '@requires("authenticated")',
        'async def list_notes(request):',
        '    q = request.query_params.get("q")',
        '    return JSONResponse([])',
        '',
        'class NoteEndpoint(HTTPEndpoint):',
        '    @requires(["authenticated", "notes:write"])',
        '    async def put(self, request):',
        '        note_id = request.path_params["note_id"]',
        '        payload = await request.json()',
        '        return JSONResponse({"id": note_id})',
        '',
        '    async def delete(self, request):',
        '        return JSONResponse({}, status_code=204)',
        '',
        'async def live_feed(websocket):',
        '    await websocket.accept()',
        '',
      ].join('\n'),
      'app/api_routes.py': [
        'from starlette.routing import Route',
        'from app.endpoints import health',
        '',
        'api_routes = [Route("/version", health)]',
        '',
      ].join('\n'),
      'app/admin.py': [
        'from starlette.applications import Starlette',
        'from starlette.middleware import Middleware',
        'from starlette.middleware.base import BaseHTTPMiddleware',
        'from starlette.responses import JSONResponse',
        'from starlette.routing import Route',
        '',
        'class AdminKeyMiddleware(BaseHTTPMiddleware):',
        '    async def dispatch(self, request, call_next):',
        '        if request.headers.get("x-admin-key") != "expected":',
        '            return JSONResponse({"detail": "forbidden"}, status_code=403)',
        '        return await call_next(request)',
        '',
        'async def purge(request):',
        '    return JSONResponse({"ok": True})',
        '',
        'admin_app = Starlette(routes=[Route("/purge", purge, methods=["POST"])], middleware=[Middleware(AdminKeyMiddleware)])',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual([
      'POST /admin/purge purge app/admin.py:16 [app:middleware AdminKeyMiddleware]',
      'GET /api/version health app/api_routes.py:4 []',
      'GET /health health app/main.py:12 []',
      'GET /api/notes list_notes app/main.py:14 [route:requires("authenticated")]',
      'PUT /api/notes/{note_id:int} NoteEndpoint.put app/main.py:15 [route:requires(["authenticated", "notes:write"])]',
      'DELETE /api/notes/{note_id:int} NoteEndpoint.delete app/main.py:15 []',
      'WEBSOCKET /ws live_feed app/main.py:19 []',
    ]);
    expect(inputsOf(routes.find((r) => r.handler.name === 'NoteEndpoint.put'))).toEqual(['path:note_id:int@15', 'path:note_id@16', 'body:*@17']);
    expect(inputsOf(routes.find((r) => r.handler.name === 'list_notes'))).toEqual(['query:q@10']);
    expect(routes.find((r) => r.method === 'WEBSOCKET')!.inputs.map((i) => `${i.source}:${i.name}`)).toEqual(['websocket:websocket']);
    expect(routes.find((r) => r.handler.name === 'NoteEndpoint.put')!.handler).toMatchObject({ file: 'app/endpoints.py', startLine: 15, isAsync: true });
  });

  it('never lists a route twice next to the FastAPI extractor, and reads decorator routes outside FastAPI files', async () => {
    const routes = await routesOf(
      {
        'api/main.py': [
          'from fastapi import FastAPI',
          'from starlette.applications import Starlette',
          'from starlette.routing import Route',
          '',
          'async def ping(request):',
          '    return None',
          '',
          'app = FastAPI()',
          'legacy = Starlette(routes=[Route("/ping", ping)])',
          'app.mount("/legacy", legacy)',
          '',
          '@legacy.route("/old", methods=["POST"])',
          'async def old(request):',
          '    return None',
          '',
          '@app.get("/items")',
          'async def items():',
          '    return []',
          '',
        ].join('\n'),
        'plain/app.py': [
          'from starlette.applications import Starlette',
          'from starlette.responses import JSONResponse',
          '',
          'app = Starlette()',
          '',
          '@app.route("/reports", methods=["GET", "POST"])',
          'async def reports(request):',
          '    form = await request.form()',
          '    return JSONResponse({})',
          '',
          'async def export(request):',
          '    return JSONResponse({})',
          '',
          'app.add_route("/export/{fmt}", export)',
          '',
        ].join('\n'),
      },
      'fastapi==0.115.6\nstarlette==0.41.3\n',
    );
    expect(summariseRoutes(routes)).toEqual([
      'GET /legacy/ping ping api/main.py:9 []',
      'POST /old old api/main.py:12 []',
      'GET /items items api/main.py:16 []',
      'GET /reports reports plain/app.py:6 []',
      'POST /reports reports plain/app.py:6 []',
      'GET /export/{fmt} export plain/app.py:14 []',
    ]);
    expect(inputsOf(routes.find((r) => r.handler.name === 'reports'))).toEqual(['form:*@8']);
  });

  it('counts refusing middlewares and inline checks as guards, but not AuthenticationMiddleware alone', async () => {
    const routes = await routesOf({
      'service/app.py': [
        'from starlette.applications import Starlette',
        'from starlette.middleware import Middleware',
        'from starlette.middleware.authentication import AuthenticationMiddleware',
        'from starlette.responses import JSONResponse',
        'from starlette.routing import Mount, Route',
        'from service.backend import SessionBackend',
        'from service.middleware import RequireApiKey',
        'from service.tables import build_routes',
        '',
        'async def me(request):',
        '    if not request.user.is_authenticated:',
        '        return JSONResponse({"detail": "login required"}, status_code=401)',
        '    return JSONResponse({"name": request.user.display_name})',
        '',
        'async def delete_account(request):',
        '    return JSONResponse({}, status_code=204)',
        '',
        'async def sync(request):',
        '    return JSONResponse({})',
        '',
        'app = Starlette(',
        '    routes=[',
        '        Route("/me", me),',
        '        Route("/account", delete_account, methods=["DELETE"]),',
        '        Mount("/internal", routes=[Route("/sync", sync, methods=["POST"])], middleware=[Middleware(RequireApiKey)]),',
        '    ] + build_routes(),',
        '    middleware=[Middleware(AuthenticationMiddleware, backend=SessionBackend())],',
        ')',
        '',
      ].join('\n'),
      'service/backend.py': [
        'from starlette.authentication import AuthenticationBackend',
        '',
        'class SessionBackend(AuthenticationBackend):',
        '    async def authenticate(self, conn):',
        '        return None',
        '',
      ].join('\n'),
      'service/middleware.py': [
        'import os',
        'import secrets',
        'from starlette.middleware.base import BaseHTTPMiddleware',
        'from starlette.responses import PlainTextResponse',
        '',
        'class RequireApiKey(BaseHTTPMiddleware):',
        '    async def dispatch(self, request, call_next):',
        '        key = request.headers.get("x-api-key", "")',
        '        if not secrets.compare_digest(key, os.environ["INTERNAL_KEY"]):',
        '            return PlainTextResponse("forbidden", status_code=403)',
        '        return await call_next(request)',
        '',
      ].join('\n'),
      'service/tables.py': [
        'from starlette.responses import JSONResponse',
        'from starlette.routing import Route',
        '',
        'async def export(request):',
        '    return JSONResponse({})',
        '',
        'extra_routes = [Route("/export", export, methods=["POST"])]',
        '',
        'def build_routes():',
        '    return extra_routes',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /me me service/app.py:23 [route:not request.user.is_authenticated]',
      'DELETE /account delete_account service/app.py:24 []',
      'POST /internal/sync sync service/app.py:25 [router:middleware RequireApiKey]',
      'POST /export export service/tables.py:7 []',
    ]);
  });

  it('gives a Starlette app mounted on a FastAPI app the prefix and the host app\'s auth middleware', async () => {
    const routes = await routesOf(
      {
        'main.py': [
          'from fastapi import FastAPI, Request',
          'from fastapi.responses import JSONResponse',
          'from legacy import legacy_app',
          '',
          'app = FastAPI()',
          '',
          '@app.middleware("http")',
          'async def require_token(request: Request, call_next):',
          '    if request.headers.get("authorization") is None:',
          '        return JSONResponse({"detail": "unauthorized"}, status_code=401)',
          '    return await call_next(request)',
          '',
          'app.mount("/legacy", legacy_app)',
          '',
        ].join('\n'),
        'legacy.py': [
          'from starlette.applications import Starlette',
          'from starlette.responses import JSONResponse',
          'from starlette.routing import Route',
          '',
          'async def orders(request):',
          '    return JSONResponse([])',
          '',
          'legacy_app = Starlette(routes=[Route("/orders", orders, methods=["GET", "POST"])])',
          '',
        ].join('\n'),
      },
      'fastapi==0.115.6\nstarlette==0.41.3\n',
    );
    expect(summariseRoutes(routes)).toEqual([
      'GET /legacy/orders orders legacy.py:8 [app:middleware require_token]',
      'POST /legacy/orders orders legacy.py:8 [app:middleware require_token]',
    ]);
  });

  it('resolves a route list built inside an app factory and an added auth middleware', async () => {
    const routes = await routesOf({
      'factory.py': [
        'from starlette.applications import Starlette',
        'from starlette.responses import JSONResponse',
        'from starlette.routing import Route, Router',
        'from guards import JWTAuthMiddleware',
        '',
        'async def upload(request):',
        '    form = await request.form()',
        '    return JSONResponse({"name": form["file"].filename})',
        '',
        'def create_app():',
        '    routes = [Route("/upload", upload, methods=["POST"])]',
        '    app = Starlette(routes=routes)',
        '    app.add_middleware(JWTAuthMiddleware)',
        '    return app',
        '',
      ].join('\n'),
      'guards.py': [
        'import jwt',
        'from starlette.responses import JSONResponse',
        '',
        'class JWTAuthMiddleware:',
        '    def __init__(self, app):',
        '        self.app = app',
        '',
        '    async def __call__(self, scope, receive, send):',
        '        headers = dict(scope.get("headers", []))',
        '        try:',
        '            jwt.decode(headers.get(b"authorization", b"").decode(), "k", algorithms=["HS256"])',
        '        except jwt.InvalidTokenError:',
        '            await JSONResponse({"detail": "unauthorized"}, status_code=401)(scope, receive, send)',
        '            return',
        '        await self.app(scope, receive, send)',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual(['POST /upload upload factory.py:11 [app:middleware JWTAuthMiddleware]']);
    expect(inputsOf(routes[0])).toEqual(['form:*@7']);
  });

  it('reads the documented `middleware = [Middleware(...)]` variable', async () => {
    const routes = await routesOf({
      'main.py': [
        'from starlette.applications import Starlette',
        'from starlette.middleware import Middleware',
        'from starlette.middleware.base import BaseHTTPMiddleware',
        'from starlette.responses import JSONResponse, Response',
        'from starlette.routing import Route',
        '',
        'class BearerOnly(BaseHTTPMiddleware):',
        '    async def dispatch(self, request, call_next):',
        '        if not request.headers.get("authorization", "").startswith("Bearer "):',
        '            return Response(status_code=401)',
        '        return await call_next(request)',
        '',
        'async def items(request):',
        '    return JSONResponse([])',
        '',
        'middleware = [Middleware(BearerOnly)]',
        'routes = [Route("/items", items, methods=["GET", "POST"])]',
        'app = Starlette(routes=routes, middleware=middleware)',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /items items main.py:17 [app:middleware BearerOnly]',
      'POST /items items main.py:17 [app:middleware BearerOnly]',
    ]);
  });
});

