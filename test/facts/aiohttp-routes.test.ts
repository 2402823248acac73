/**
 * The aiohttp route extractor on inline file trees: router.add_* registrations, add_routes lists,
 * RouteTableDef decorators, class-based views, sub-apps, middleware and handler guards, inputs.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../src/model/repo-index.ts';
import { routesOfTree, summariseRoutes } from '../support/route-table.ts';

const routesOf = (files: Record<string, string>): Promise<Route[]> => routesOfTree({ 'requirements.txt': 'aiohttp==3.10.5\n', ...files });
const inputsOf = (route: Route | undefined) => (route?.inputs ?? []).map((i) => `${i.source}:${i.name}${i.type ? `:${i.type}` : ''}@${i.at.startLine}`);

describe('extractAiohttpRoutes', () => {
  it('reads router.add_* calls in a setup function, add_routes lists, route tables, views and sub-apps', async () => {
    const routes = await routesOf({
      'shop/main.py': [
        'from aiohttp import web',
        'from shop.middlewares import auth_middleware, error_middleware',
        'from shop.routes import setup_routes',
        'from shop.admin import create_admin_app',
        'from shop.views import routes as table',
        '',
        'def create_app() -> web.Application:',
        '    app = web.Application(middlewares=[error_middleware, auth_middleware])',
        '    setup_routes(app)',
        '    app.add_routes(table)',
        '    app.add_subapp("/admin/", create_admin_app())',
        '    return app',
        '',
        'if __name__ == "__main__":',
        '    web.run_app(create_app())',
        '',
      ].join('\n'),
      'shop/middlewares.py': [
        'from aiohttp import web',
        '',
        '@web.middleware',
        'async def error_middleware(request, handler):',
        '    try:',
        '        return await handler(request)',
        '    except web.HTTPException as exc:',
        '        return web.json_response({"error": exc.reason}, status=exc.status)',
        '',
        '@web.middleware',
        'async def auth_middleware(request, handler):',
        '    if request.path.startswith("/public"):',
        '        return await handler(request)',
        '    token = request.headers.get("Authorization", "")',
        '    if not token.startswith("Bearer "):',
        '        raise web.HTTPUnauthorized()',
        '    return await handler(request)',
        '',
      ].join('\n'),
      'shop/routes.py': [
        'from aiohttp import web',
        'from shop import handlers',
        'from shop.views import OrderView',
        '',
        'def setup_routes(app):',
        '    app.router.add_get("/products", handlers.list_products)',
        '    app.router.add_route("POST", r"/products/{product_id:\\d+}/reviews", handlers.add_review)',
        '    app.router.add_view("/orders/{order_id}", OrderView)',
        '    app.add_routes([web.get("/public/ping", handlers.ping), web.delete("/products/{product_id}", handlers.delete_product)])',
        '',
      ].join('\n'),
      'shop/handlers.py': [
        'from aiohttp import web',
        '',
        'async def list_products(request):',
        '    page = request.query.get("page", "1")',
        '    return web.json_response([])',
        '',
        'async def add_review(request):',
        '    product_id = int(request.match_info["product_id"])',
        '    body = await request.json()',
        '    return web.json_response({"id": product_id, "text": body["text"]})',
        '',
        'async def ping(request):',
        '    return web.Response(text="pong")',
        '',
        'async def delete_product(request):',
        '    return web.Response(status=204)',
        '',
      ].join('\n'),
      'shop/views.py': [
        'from aiohttp import web',
        'from aiohttp_security import check_authorized',
        '',
        'routes = web.RouteTableDef()',
        '',
        '@routes.get("/cart")',
        'async def get_cart(request):',
        '    await check_authorized(request)',
        '    return web.json_response({})',
        '',
        'class OrderView(web.View):',
        '    async def get(self):',
        '        order_id = self.request.match_info["order_id"]',
        '        return web.json_response({"id": order_id})',
        '',
        '    async def delete(self):',
        '        return web.Response(status=204)',
        '',
      ].join('\n'),
      'shop/admin.py': [
        'from aiohttp import web',
        '',
        'async def reindex(request):',
        '    return web.json_response({"ok": True})',
        '',
        'def create_admin_app():',
        '    admin = web.Application()',
        '    admin.router.add_post("/reindex", reindex)',
        '    return admin',
        '',
      ].join('\n'),
    });
    const mw = 'app:middleware auth_middleware';
    expect(summariseRoutes(routes)).toEqual([
      `POST /admin/reindex reindex shop/admin.py:8 [${mw}]`,
      `GET /products list_products shop/routes.py:6 [${mw}]`,
      `POST /products/{product_id:\\d+}/reviews add_review shop/routes.py:7 [${mw}]`,
      `GET /orders/{order_id} OrderView.get shop/routes.py:8 [${mw}]`,
      `DELETE /orders/{order_id} OrderView.delete shop/routes.py:8 [${mw}]`,
      `GET /public/ping ping shop/routes.py:9 [${mw}]`,
      `DELETE /products/{product_id} delete_product shop/routes.py:9 [${mw}]`,
      `GET /cart get_cart shop/views.py:6 [route:check_authorized(request), ${mw}]`,
    ]);
    expect(inputsOf(routes.find((r) => r.handler.name === 'add_review'))).toEqual(['path:product_id:int@7', 'path:product_id@8', 'body:*@9']);
    expect(inputsOf(routes.find((r) => r.handler.name === 'list_products'))).toEqual(['query:page@4']);
    expect(inputsOf(routes.find((r) => r.handler.name === 'OrderView.get'))).toEqual(['path:order_id@8', 'path:order_id@13']);
    expect(routes.find((r) => r.handler.name === 'OrderView.get')!.handler).toMatchObject({ file: 'shop/views.py', startLine: 12, isAsync: true });
  });

  it('gives no app guard for a middleware that never turns a caller away, and skips handlers it cannot follow (lambdas)', async () => {
    const routes = await routesOf({
      'server.py': [
        'from aiohttp import web',
        '',
        '@web.middleware',
        'async def auth_middleware(request, handler):',
        '    request["user"] = request.headers.get("X-User")',
        '    return await handler(request)',
        '',
        'routes = web.RouteTableDef()',
        '',
        '@routes.post("/notes")',
        'async def add_note(request):',
        '    data = await request.post()',
        '    return web.json_response(dict(data))',
        '',
        '@routes.route("*", "/echo")',
        'async def echo(request):',
        '    return web.Response(text=await request.text())',
        '',
        'app = web.Application(middlewares=[auth_middleware])',
        'app.add_routes(routes)',
        'metrics = web.Application()',
        'metrics.router.add_get("/metrics", lambda request: web.Response(text=""))',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual(['POST /notes add_note server.py:10 []', 'ANY /echo echo server.py:15 []']);
    expect(inputsOf(routes[0])).toEqual(['form:*@12']);
  });

  it('reads route lists from another module, class views on a table, sub-app middlewares and auth decorators', async () => {
    const routes = await routesOf({
      'svc/app.py': [
        'from aiohttp import web',
        'from aiohttp_jwt import JWTMiddleware',
        'from svc.urls import urlpatterns',
        'from svc import billing',
        '',
        'async def init_app():',
        '    app = web.Application()',
        '    app.add_routes(urlpatterns)',
        '    api = web.Application(middlewares=[JWTMiddleware(secret_or_pub_key="from-env", request_property="user")])',
        '    api.add_routes(billing.routes)',
        '    app.add_subapp("/api/v1", api)',
        '    return app',
        '',
      ].join('\n'),
      'svc/urls.py': [
        'from aiohttp import web',
        'from svc.pages import index, login',
        '',
        'urlpatterns = [',
        '    web.get("/", index),',
        '    web.post("/login", login),',
        ']',
        '',
      ].join('\n'),
      'svc/pages.py': [
        'from aiohttp import web',
        '',
        'async def index(request):',
        '    return web.Response(text="hi")',
        '',
        'async def login(request):',
        '    form = await request.post()',
        '    return web.Response(text=form.get("username", ""))',
        '',
      ].join('\n'),
      'svc/billing.py': [
        'from aiohttp import web',
        'from svc.decorators import login_required',
        '',
        'routes = web.RouteTableDef()',
        '',
        '@routes.view("/invoices/{invoice_id}")',
        'class InvoiceView(web.View):',
        '    async def get(self):',
        '        return web.json_response({"id": self.request.match_info["invoice_id"]})',
        '',
        '    @login_required',
        '    async def patch(self):',
        '        data = await self.request.json()',
        '        return web.json_response(data)',
        '',
      ].join('\n'),
      'svc/decorators.py': [
        'import functools',
        '',
        'def login_required(fn):',
        '    @functools.wraps(fn)',
        '    async def wrapper(view):',
        '        return await fn(view)',
        '    return wrapper',
        '',
      ].join('\n'),
    });
    const jwt = 'app:middleware JWTMiddleware(secret_or_pub_key="from-env", request_property="user")';
    expect(summariseRoutes(routes)).toEqual([
      `GET /api/v1/invoices/{invoice_id} InvoiceView.get svc/billing.py:6 [${jwt}]`,
      `PATCH /api/v1/invoices/{invoice_id} InvoiceView.patch svc/billing.py:6 [route:login_required, ${jwt}]`,
      'GET / index svc/urls.py:5 []',
      'POST /login login svc/urls.py:6 []',
    ]);
    expect(inputsOf(routes.find((r) => r.handler.name === 'InvoiceView.patch'))).toEqual(['path:invoice_id@6', 'body:*@13']);
    expect(inputsOf(routes.find((r) => r.handler.name === 'login'))).toEqual(['form:*@7']);
  });

  it('counts an aiohttp-session redirect to the login page and a 401 raised in the handler as route guards', async () => {
    const routes = await routesOf({
      'web.py': [
        'from aiohttp import web',
        'from aiohttp_session import get_session',
        '',
        'async def dashboard(request):',
        '    session = await get_session(request)',
        '    if "user_id" not in session:',
        '        raise web.HTTPFound("/login")',
        '    return web.Response(text="dashboard")',
        '',
        'async def rotate_key(request):',
        '    if request.headers.get("X-Admin-Token") is None:',
        '        raise web.HTTPUnauthorized()',
        '    return web.json_response({"rotated": True})',
        '',
        'async def missing(request):',
        '    raise web.HTTPFound("/dashboard")',
        '',
        'app = web.Application()',
        'app.router.add_get("/dashboard", dashboard)',
        'app.router.add_post("/keys/rotate", rotate_key)',
        'app.router.add_get("/old", missing)',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /dashboard dashboard web.py:19 [route:raise web.HTTPFound("/login")]',
      'POST /keys/rotate rotate_key web.py:20 [route:raise web.HTTPUnauthorized()]',
      'GET /old missing web.py:21 []',
    ]);
  });

  it('resolves middleware and route lists held in variables', async () => {
    const routes = await routesOf({
      'api/app.py': [
        'from aiohttp import web',
        'from api.middleware import MIDDLEWARES',
        '',
        'async def list_users(request):',
        '    return web.json_response([])',
        '',
        'def make_app():',
        '    app = web.Application(middlewares=MIDDLEWARES)',
        '    routes = [web.get("/users", list_users)]',
        '    app.add_routes(routes)',
        '    return app',
        '',
      ].join('\n'),
      'api/middleware.py': [
        'from aiohttp import web',
        '',
        '@web.middleware',
        'async def api_key_middleware(request, handler):',
        '    if request.headers.get("X-Api-Key") != request.app["api_key"]:',
        '        raise web.HTTPForbidden()',
        '    return await handler(request)',
        '',
        'MIDDLEWARES = [api_key_middleware]',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual(['GET /users list_users api/app.py:9 [app:middleware api_key_middleware]']);
    expect(routes[0].guards[0].at.file).toBe('api/middleware.py');
  });

  it('reads routes added to a resource, as aiohttp_cors setups do', async () => {
    const routes = await routesOf({
      'cors_app.py': [
        'import aiohttp_cors',
        'from aiohttp import web',
        '',
        'async def get_profile(request):',
        '    return web.json_response({})',
        '',
        'async def update_profile(request):',
        '    data = await request.json()',
        '    return web.json_response(data)',
        '',
        'app = web.Application()',
        'cors = aiohttp_cors.setup(app)',
        'resource = cors.add(app.router.add_resource("/profile/{user_id}"))',
        'cors.add(resource.add_route("GET", get_profile))',
        'cors.add(resource.add_route("PUT", update_profile))',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /profile/{user_id} get_profile cors_app.py:14 []',
      'PUT /profile/{user_id} update_profile cors_app.py:15 []',
    ]);
    expect(inputsOf(routes[1])).toEqual(['path:user_id@15', 'body:*@8']);
  });
});

