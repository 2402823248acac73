/**
 * The Next.js route extractor on inline file trees: app-router route handlers and pages-router
 * API routes, paths from folders, middleware guards filtered by `config.matcher`, and checks the
 * handler makes itself.
 */
import { describe, expect, it } from 'vitest';
import { matcherToRegExp } from '../../src/facts/routes/nextjs.ts';
import type { Route } from '../../src/model/repo-index.ts';
import { routesOfTree, summariseRoutes } from '../support/route-table.ts';

const PACKAGE = JSON.stringify({ name: 'web', dependencies: { next: '15.1.0', react: '19.0.0' } });

const routesOf = (files: Record<string, string>): Promise<Route[]> => routesOfTree({ 'package.json': PACKAGE, ...files });

const summary = summariseRoutes;

describe('extractNextjsRoutes', () => {
  it('reads paths from app-router folders and pages/api files', async () => {
    const routes = await routesOf({
      'app/api/agents/[id]/route.ts': [
        "import { NextResponse } from 'next/server';",
        '',
        'export async function GET(req: Request, { params }: { params: { id: string } }) {',
        '  return NextResponse.json({ id: params.id });',
        '}',
        '',
        'export const DELETE = async (req: Request) => new Response(null, { status: 204 });',
        '',
      ].join('\n'),
      'app/(marketing)/api/newsletter/route.js': 'export async function POST(request) {\n  return Response.json({ ok: true });\n}\n',
      'app/api/reports/route.ts': ['async function handler(req: Request) {', '  return Response.json([]);', '}', '', 'export { handler as GET, handler as HEAD };', ''].join('\n'),
      'app/_components/route.ts': 'export function GET() {}\n',
      'app/page.tsx': 'export default function Page() { return null; }\n',
      'pages/api/index.ts': 'export default function handler(req, res) { res.json({}); }\n',
      'pages/api/users/[id].js': 'export default async (req, res) => { res.json({}); };\n',
    });
    expect(summary(routes)).toEqual([
      'POST /api/newsletter POST app/(marketing)/api/newsletter/route.js:1 []',
      'GET /api/agents/[id] GET app/api/agents/[id]/route.ts:3 []',
      'DELETE /api/agents/[id] DELETE app/api/agents/[id]/route.ts:7 []',
      'GET /api/reports GET app/api/reports/route.ts:5 []',
      'HEAD /api/reports HEAD app/api/reports/route.ts:5 []',
      'ANY /api handler pages/api/index.ts:1 []',
      'ANY /api/users/[id] <anonymous> pages/api/users/[id].js:1 []',
    ]);
    const get = routes.find((r) => r.method === 'GET' && r.path === '/api/agents/[id]')!;
    expect(get.handler).toMatchObject({ name: 'GET', file: 'app/api/agents/[id]/route.ts', startLine: 3, endLine: 5, isAsync: true });
    expect(get.handler.node?.kind()).toBe('function_declaration');
    expect(routes.find((r) => r.path === '/api/reports')!.handler).toMatchObject({ startLine: 1, isAsync: true });
  });

  it('counts auth checks the handler makes itself as route guards', async () => {
    const routes = await routesOf({
      'src/app/api/a/route.ts': "import { auth } from '@/auth';\nexport async function GET() {\n  const session = await auth();\n  if (!session) return new Response(null, { status: 401 });\n}\n",
      'src/app/api/b/route.ts':
        "import { getServerSession } from 'next-auth';\nexport async function POST(req: Request) {\n  const session = await getServerSession(authOptions);\n  return Response.json(session);\n}\n",
      'src/app/api/c/route.ts': "import { currentUser } from '@clerk/nextjs/server';\nexport async function PUT() {\n  const user = await currentUser();\n}\n",
      'src/app/api/d/route.ts':
        "export async function PATCH(req) {\n  const supabase = createClient();\n  const { data } = await supabase.auth.getUser();\n}\n",
      'src/app/api/e/route.ts': "import { withApiAuthRequired } from '@auth0/nextjs-auth0';\nexport const POST = withApiAuthRequired(async function upload(req) {\n  return Response.json({});\n});\n",
      'src/app/api/f/route.ts': "import { getToken } from 'next-auth/jwt';\nexport async function DELETE(req) {\n  const token = await getToken({ req });\n}\n",
      'src/app/api/g/route.ts': "export async function POST(req) {\n  const user = await db.user.findFirst();\n  return Response.json(user);\n}\n",
      'src/pages/api/h.ts': "import { getAuth } from '@clerk/nextjs/server';\nexport default function handler(req, res) {\n  const { userId } = getAuth(req);\n  res.json({ userId });\n}\n",
      'src/pages/api/i.ts': "export default withAuth(async function handler(req, res) {\n  res.json({});\n});\n",
      'src/app/api/j/route.ts': "export async function GET(req, { params }) {\n  const chat = await getSession(params.id);\n  return Response.json(chat);\n}\n",
      'src/app/api/k/route.ts': "export async function GET() {\n  const session = await auth.api.getSession({ headers: await headers() });\n}\n",
    });
    const guards = Object.fromEntries(routes.map((r) => [r.path, r.guards.map((g) => `${g.level}:${g.name}@${g.at.file}:${g.at.startLine}`)]));
    expect(guards).toEqual({
      '/api/a': ['route:auth()@src/app/api/a/route.ts:3'],
      '/api/b': ['route:getServerSession(authOptions)@src/app/api/b/route.ts:3'],
      '/api/c': ['route:currentUser()@src/app/api/c/route.ts:3'],
      '/api/d': ['route:supabase.auth.getUser()@src/app/api/d/route.ts:3'],
      '/api/e': ['route:withApiAuthRequired(…)@src/app/api/e/route.ts:2'],
      '/api/f': ['route:getToken({ req })@src/app/api/f/route.ts:3'],
      '/api/g': [],
      '/api/h': ['route:getAuth(req)@src/pages/api/h.ts:3'],
      '/api/i': ['route:withAuth(…)@src/pages/api/i.ts:1'],
      '/api/j': [],
      '/api/k': ['route:auth.api.getSession({ headers: await headers() })@src/app/api/k/route.ts:2'],
    });
    expect(routes.find((r) => r.path === '/api/e')!.handler).toMatchObject({ name: 'POST', startLine: 2, isAsync: true });
  });

  it('applies an auth middleware at app level to the routes its matcher covers', async () => {
    const routes = await routesOf({
      'middleware.ts': "export { default } from 'next-auth/middleware';\n\nexport const config = { matcher: ['/dashboard/:path*', '/api/projects/:path*'] };\n",
      'app/api/projects/route.ts': 'export async function POST(req) {}\n',
      'app/api/projects/[id]/tasks/route.ts': 'export async function PATCH(req) {}\n',
      'app/api/projectsx/route.ts': 'export async function POST(req) {}\n',
      'app/api/public/route.ts': 'export async function GET() {}\n',
    });
    expect(summary(routes)).toEqual([
      'PATCH /api/projects/[id]/tasks PATCH app/api/projects/[id]/tasks/route.ts:1 [app:middleware: export { default } from \'next-auth/middleware\']',
      'POST /api/projects POST app/api/projects/route.ts:1 [app:middleware: export { default } from \'next-auth/middleware\']',
      'POST /api/projectsx POST app/api/projectsx/route.ts:1 []',
      'GET /api/public GET app/api/public/route.ts:1 []',
    ]);
    expect(routes[0].guards[0].at).toMatchObject({ file: 'middleware.ts', startLine: 1 });
  });

  it('treats a negative-lookahead matcher as everything except the excluded prefixes, and no matcher as everything', async () => {
    const excluded = await routesOf({
      'src/middleware.ts': [
        "import { NextResponse, type NextRequest } from 'next/server';",
        'export function middleware(request: NextRequest) {',
        "  const token = request.cookies.get('session-token')?.value;",
        "  if (!token) return NextResponse.redirect(new URL('/login', request.url));",
        '}',
        "export const config = { matcher: '/((?!api|_next/static|_next/image|favicon.ico).*)' };",
        '',
      ].join('\n'),
      'src/app/api/notes/route.ts': 'export async function POST(req) {}\n',
      'src/app/account/export/route.ts': 'export async function GET(req) {}\n',
    });
    expect(summary(excluded)).toEqual([
      "GET /account/export GET src/app/account/export/route.ts:1 [app:middleware: request.cookies.get('session-token')]",
      'POST /api/notes POST src/app/api/notes/route.ts:1 []',
    ]);
    const everything = await routesOf({
      'middleware.js': "import { auth } from './auth';\nexport default auth((req) => {\n  if (!req.auth) return Response.redirect(new URL('/login', req.url));\n});\n",
      'app/api/notes/route.js': 'export async function POST(req) {}\n',
    });
    expect(summary(everything)).toEqual(['POST /api/notes POST app/api/notes/route.js:1 [app:middleware: auth()]']);
  });

  it('follows Clerk route matchers: public lists leave their routes unguarded', async () => {
    const routes = await routesOf({
      'src/middleware.ts': [
        "import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';",
        "const isPublicRoute = createRouteMatcher(['/api/webhooks(.*)', '/api/public(.*)']);",
        'export default clerkMiddleware(async (auth, req) => {',
        '  if (!isPublicRoute(req)) await auth.protect();',
        '});',
        "export const config = { matcher: ['/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ico)).*)', '/(api|trpc)(.*)'] };",
        '',
      ].join('\n'),
      'src/app/api/agents/route.ts': 'export async function POST(req) {}\n',
      'src/app/api/public/pricing/route.ts': 'export async function GET() {}\n',
    });
    expect(summary(routes)).toEqual([
      'POST /api/agents POST src/app/api/agents/route.ts:1 [app:middleware: clerkMiddleware()]',
      'GET /api/public/pricing GET src/app/api/public/pricing/route.ts:1 []',
    ]);
  });

  it('ignores middleware that does not authenticate (i18n, headers)', async () => {
    const routes = await routesOf({
      'middleware.ts': "import createMiddleware from 'next-intl/middleware';\nexport default createMiddleware({ locales: ['en', 'de'], defaultLocale: 'en' });\n",
      'app/api/x/route.ts': 'export async function POST(req) {}\n',
    });
    expect(routes.map((r) => r.guards.length)).toEqual([0]);
  });

  it('converts Next.js matchers to regular expressions', () => {
    const cases: [string, string, boolean][] = [
      ['/api/:path*', '/api', true],
      ['/api/:path*', '/api/agents/[id]', true],
      ['/api/:path*', '/apix', false],
      ['/api/:path+', '/api', false],
      ['/about', '/about', true],
      ['/(api|trpc)(.*)', '/trpc/x', true],
      ['/((?!api|_next/static).*)', '/api/x', false],
      ['/((?!api|_next/static).*)', '/dashboard', true],
    ];
    for (const [pattern, path, expected] of cases) expect(matcherToRegExp(pattern)?.test(path), `${pattern} on ${path}`).toBe(expected);
    expect(matcherToRegExp('/(((')).toBeNull();
  });

  it('skips odd code without throwing', async () => {
    const routes = await routesOf({
      'app/api/[...slug]/route.ts': "export { GET } from './route';\nexport const POST = POST;\n",
      'app/api/broken/route.ts': 'export async function GET( {{{ \n',
      'pages/api/weird.js': 'export default 42;\n',
      'middleware.ts': "export const config = { matcher: ['/(((', 42, someVar] };\nexport default auth;\n",
    });
    expect(routes.find((r) => r.path === '/api/[...slug]')).toBeDefined();
  });
});
