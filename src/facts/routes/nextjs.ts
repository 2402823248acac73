import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, Route, RouteHandler } from '../../model/repo-index.ts';
import { describeJsCall, isAsyncJsFunction, isJsFunction, jsObjectProperty } from '../../parse/js-syntax.ts';
import { normalisePath } from './fastapi.ts';
import { isAuthGuardName } from './guard-names.ts';
import {
  findLocalDeclaration,
  functionOfBinding,
  jsModuleInfo,
  resolveJsExport,
  resolveJsModule,
  resolveJsReference,
  unwrapJsExpression,
} from './js-modules.ts';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const SOURCE_EXT = /\.(?:[cm]?[jt]sx?)$/;

/**
 * Calls inside a handler that read and check the caller's identity (NextAuth, Clerk, Supabase,
 * Auth0, Kinde, Lucia, Firebase, jsonwebtoken/jose, Passport). A bare function name is enough
 * for these; a method of some object only counts when that object reads as auth.
 */
const INLINE_AUTH_NAME =
  /^(auth|getServerSession|getServerAuthSession|getSession|getAuth|currentUser|getCurrentUser|requireUser|requireAuth\w*|requireSession|requireAdmin|requireLogin|getToken|verifyToken|verifyAccessToken|verifyIdToken|verifyJwt|verifyJWT|jwtVerify|verifySession|validateRequest|getKindeServerSession|getUserFromRequest|getUserFromToken|getUserFromSession|authenticate\w*|isAuthenticated|checkAuth\w*|ensureAuth\w*|getAuthUser|getAuthenticatedUser)$/;
const INLINE_AUTH_METHOD = /^(getUser|getSession|getClaims|protect|verifyIdToken|verifySessionCookie|verify|isAuthenticated|getAccessToken)$/;
const AUTH_OBJECT = /(^|\.|\()(auth|jwt|jsonwebtoken|clerk|firebase\w*|supabase|session|auth0|kinde|lucia|req|request)\b/i;

/** Cheap text pre-filter for the callees above; the exact test runs in isInlineAuthCallee. */
const INLINE_AUTH_HINT = /auth|session|user|token|jwt|verify|protect|claims|validateRequest/i;

/** Authentication checks made inside a handler's own body (level 'route'). */
export function inlineAuthChecks(file: ParsedFile, fn: SyntaxNode | undefined): Guard[] {
  if (!fn) return [];
  const guards: Guard[] = [];
  try {
    if (!INLINE_AUTH_HINT.test(fn.text())) return guards;
    for (const node of fn.findAll({ rule: { kind: 'call_expression' } })) {
      const callee = node.field('function');
      if (!callee) continue;
      const text = callee.text().replace(/\s+/g, '');
      if (!isInlineAuthCallee(text)) continue;
      // `getSession(chatId)` / `getToken(userId)` fetch app data; the auth helpers read the request
      if (/^(getSession|getToken)$/.test(text) && !/^\(\s*\)$|\b(req|request|cookies|headers)\b/.test(node.field('arguments')?.text() ?? '')) continue;
      guards.push({ name: shortText(node.text()), level: 'route', at: file.locate(node) });
      break;
    }
  } catch {
    // odd syntax: no guard
  }
  return guards;
}

function isInlineAuthCallee(text: string): boolean {
  if (/^\w+$/.test(text)) return INLINE_AUTH_NAME.test(text);
  const dot = text.lastIndexOf('.');
  if (dot < 0) return false;
  const method = text.slice(dot + 1);
  const object = text.slice(0, dot);
  if (/^req(uest)?$/.test(object)) return method === 'isAuthenticated';
  if (/^(jwt|jsonwebtoken)$/i.test(object)) return method === 'verify';
  return (INLINE_AUTH_METHOD.test(method) || INLINE_AUTH_NAME.test(method)) && AUTH_OBJECT.test(object) && !/^(db|prisma|redis|cache)\b/i.test(object);
}

export function shortText(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Wrapper names that read as auth but only limit, validate or log — or are the auth library's own endpoint (`NextAuth(options)`). */
const NON_AUTH_WRAPPER = /(rate_?limit|limiter|throttl|cors|logg|trace|metric|cache|validat|schema|errorhandl|catch|sentry|^NextAuth$|^toNextJsHandler$)/i;

interface NextRoot {
  /** Folder holding app/ or pages/ ('' or 'web/' or 'src/'), with trailing slash. */
  dir: string;
  routerDir: string;
}

interface MiddlewareFacts {
  file: ParsedFile;
  evidence: SyntaxNode;
  name: string;
  /** Whether the middleware runs for a route path (config.matcher and auth-specific route matchers). */
  covers(path: string): boolean;
}

/** Next.js app-router route handlers (`app/**​/route.ts`) and pages-router API routes (`pages/api/**`). */
export function extractNextjsRoutes(files: ParsedFiles): Route[] {
  const routes: Route[] = [];
  const middlewareCache = new Map<string, MiddlewareFacts | null>();
  const projectDirs = new Set<string>();
  for (const f of files.all) {
    const m = /^(.*\/)?(package\.json|next\.config\.[cm]?[jt]s)$/.exec(f.path);
    if (m) projectDirs.add(m[1] ?? '');
  }
  for (const file of files.ofKind('js', { includeTests: false })) {
    try {
      const located = locateRouteFile(projectDirs, file.path);
      if (!located) continue;
      const fileRoutes = located.kind === 'app' ? appRouterRoutes(files, file, located.path) : pagesApiRoutes(files, file, located.path);
      if (!fileRoutes.length) continue;
      const middleware = middlewareFor(files, located.root, middlewareCache);
      for (const route of fileRoutes) {
        if (middleware?.covers(route.path))
          route.guards.push({ name: middleware.name, level: 'app', at: middleware.file.locate(middleware.evidence) });
        routes.push(route);
      }
    } catch {
      // a file we cannot read as a route is skipped
    }
  }
  return routes;
}

function locateRouteFile(projectDirs: ReadonlySet<string>, path: string): { kind: 'app' | 'pages'; root: NextRoot; path: string } | undefined {
  const segments = path.split('/');
  const file = segments[segments.length - 1];
  const candidates: { index: number; kind: 'app' | 'pages' }[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i] === 'app' && /^route\.[cm]?[jt]sx?$/.test(file)) candidates.push({ index: i, kind: 'app' });
    if (segments[i] === 'pages' && segments[i + 1] === 'api' && SOURCE_EXT.test(file)) candidates.push({ index: i, kind: 'pages' });
  }
  if (!candidates.length) return undefined;
  // app/ and pages/ sit at a Next.js project root (package.json or next.config.*), or in its src/
  const prefix = (index: number) => (index === 0 ? '' : `${segments.slice(0, index).join('/')}/`);
  const isProjectDir = (index: number) =>
    index === 0 || projectDirs.has(prefix(index)) || (segments[index - 1] === 'src' && (index === 1 || projectDirs.has(prefix(index - 1))));
  const chosen = candidates.find((c) => isProjectDir(c.index));
  if (!chosen) return undefined;
  const dir = segments.slice(0, chosen.index).join('/');
  const root: NextRoot = { dir: dir ? `${dir}/` : '', routerDir: segments[chosen.index] };
  const inner = segments.slice(chosen.index + 1);
  if (chosen.kind === 'app') {
    const folders = inner.slice(0, -1);
    if (folders.some((s) => s.startsWith('_'))) return undefined; // private folders are not routable
    const kept = folders.filter((s) => !(s.startsWith('(') && s.endsWith(')')) && !s.startsWith('@') && !s.startsWith('('));
    return { kind: 'app', root, path: normalisePath(kept.join('/')) };
  }
  // pages/api/**: drop the extension and a trailing index
  const parts = [...inner];
  parts[parts.length - 1] = parts[parts.length - 1].replace(SOURCE_EXT, '');
  if (parts.some((s) => s.startsWith('_'))) return undefined;
  if (parts[parts.length - 1] === 'index') parts.pop();
  return { kind: 'pages', root, path: normalisePath(parts.join('/')) };
}

function appRouterRoutes(files: ParsedFiles, file: ParsedFile, path: string): Route[] {
  const info = jsModuleInfo(file);
  const routes: Route[] = [];
  for (const method of HTTP_METHODS) {
    const entry = info.exports.get(method);
    if (!entry) continue;
    const route = routeForExport(files, file, method, method, path);
    if (route) routes.push(route);
  }
  return routes;
}

function pagesApiRoutes(files: ParsedFiles, file: ParsedFile, path: string): Route[] {
  if (!jsModuleInfo(file).exports.has('default')) return [];
  const route = routeForExport(files, file, 'default', 'ANY', path);
  return route ? [route] : [];
}

function routeForExport(files: ParsedFiles, file: ParsedFile, exportName: string, method: string, path: string): Route | undefined {
  const entry = jsModuleInfo(file).exports.get(exportName)!;
  const at = file.locateLines(file.locate(entry.node).startLine ?? 1);
  const guards: Guard[] = [];
  let value: SyntaxNode | undefined;
  let name = exportName === 'default' ? '<anonymous>' : exportName;
  let target = file;
  if (entry.kind === 'value') value = entry.node;
  else {
    const found = resolveJsExport(files, file, exportName);
    if (found) {
      target = found.file;
      if (found.localName) {
        const local = findLocalDeclaration(found.file, found.localName);
        if (local) {
          value = local.value ?? local.declaration;
          name = exportName === 'default' ? local.name : exportName;
        }
      } else value = found.node;
    }
  }
  if (value?.kind() === 'variable_declarator') value = value.field('value') ?? undefined;
  const resolved = value ? unwrapHandler(files, target, value, guards, 0) : undefined;
  const fn = resolved?.fn;
  if (fn && exportName === 'default') name = resolved?.name ?? fn.field('name')?.text() ?? name;
  guards.push(...inlineAuthChecks(resolved?.file ?? target, fn));
  const handlerFile = resolved?.file ?? target;
  const handler: RouteHandler = fn
    ? {
        name,
        file: handlerFile.path,
        startLine: fn.range().start.line + 1,
        endLine: fn.range().end.line + 1,
        isAsync: isAsyncJsFunction(fn),
        node: fn,
      }
    : { name, file: file.path, startLine: at.startLine ?? 1, endLine: at.endLine ?? at.startLine ?? 1, isAsync: false };
  return { framework: 'nextjs', method, path, at, handler, guards, inputs: [] };
}

/**
 * The function behind an exported handler, through wrappers (`withAuth(handler)`,
 * `withErrorHandler(async (req) => …)`) and aliases; auth-named wrappers become route guards.
 */
function unwrapHandler(
  files: ParsedFiles,
  file: ParsedFile,
  node: SyntaxNode,
  guards: Guard[],
  depth: number,
): { fn: SyntaxNode; file: ParsedFile; name?: string } | undefined {
  if (depth > 5) return undefined;
  const value = unwrapJsExpression(node);
  if (isJsFunction(value) || value.kind() === 'function_declaration') return { fn: value, file, name: value.field('name')?.text() };
  if (value.kind() === 'identifier' || value.kind() === 'member_expression') {
    const binding = resolveJsReference(files, file, value);
    const fn = functionOfBinding(binding);
    if (fn && binding) return { fn, file: binding.file, name: binding.name };
    if (binding?.value && binding.value !== value && depth < 5) return unwrapHandler(files, binding.file, binding.value, guards, depth + 1);
    return undefined;
  }
  if (value.kind() === 'call_expression') {
    const call = describeJsCall(value);
    if (!call) return undefined;
    const bare = call.callee.replace(/\(.*$/s, '').split('.').pop() ?? '';
    if (isAuthGuardName(bare) && !NON_AUTH_WRAPPER.test(bare)) guards.push({ name: shortText(`${call.callee}(…)`), level: 'route', at: file.locate(value) });
    for (const arg of [...call.args].reverse()) {
      const inner = unwrapHandler(files, file, arg, guards, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- middleware

const MIDDLEWARE_AUTH_CALL =
  /^(auth|getToken|clerkMiddleware|authMiddleware|withAuth|NextAuth|withMiddlewareAuthRequired|createMiddlewareClient|jwtVerify|verifyToken|verifyJwt|verifyJWT|verifySession|getSession|getServerSession|getIronSession|updateSession|kindeAuth|withKindeAuth|getKindeServerSession|currentUser|getAuth|validateRequest)$/;
const MIDDLEWARE_AUTH_TEXT =
  /(\.auth\.getUser\(|\.auth\.getSession\(|\bauth0\.middleware\(|\bjwt\.verify\(|\.protect\(|cookies\.get\(\s*['"`][\w.-]*(token|session|auth|jwt|sid)[\w.-]*['"`]|headers\.get\(\s*['"`]authorization['"`])/i;

function middlewareFor(files: ParsedFiles, root: NextRoot, cache: Map<string, MiddlewareFacts | null>): MiddlewareFacts | undefined {
  const dirs = [root.dir];
  if (root.dir.endsWith('src/')) dirs.push(root.dir.slice(0, -'src/'.length));
  else dirs.push(`${root.dir}src/`);
  for (const dir of dirs) {
    if (cache.has(dir)) {
      const hit = cache.get(dir);
      if (hit) return hit;
      continue;
    }
    let facts: MiddlewareFacts | null = null;
    for (const name of ['middleware', 'proxy']) {
      for (const ext of ['.ts', '.js', '.mjs', '.tsx', '.jsx']) {
        const file = files.get(`${dir}${name}${ext}`);
        if (file?.kind !== 'js' || !file.ast) continue;
        try {
          facts = analyseMiddleware(files, file) ?? null;
        } catch {
          facts = null;
        }
        if (facts) break;
      }
      if (facts) break;
    }
    cache.set(dir, facts);
    if (facts) return facts;
  }
  return undefined;
}

function analyseMiddleware(files: ParsedFiles, file: ParsedFile): MiddlewareFacts | undefined {
  const evidence = middlewareAuthEvidence(files, file);
  if (!evidence) return undefined;
  const matcher = configMatcher(file);
  const refine = clerkRouteMatchers(file);
  return {
    file,
    evidence: evidence.node,
    name: `${file.path.split('/').pop()!.replace(SOURCE_EXT, '')}: ${evidence.name}`,
    covers: (path) => matcher(path) && refine(path),
  };
}

function middlewareAuthEvidence(files: ParsedFiles, file: ParsedFile): { node: SyntaxNode; name: string } | undefined {
  const info = jsModuleInfo(file);
  // export { default } from 'next-auth/middleware'  ·  export { auth as middleware } from './auth'
  for (const [exported, entry] of info.exports) {
    if (!['default', 'middleware', 'proxy'].includes(exported)) continue;
    if (entry.kind === 'reexport' && (/next-auth|@auth\/|clerk|auth0|kinde|supabase/.test(entry.source) || /auth/i.test(entry.name)))
      return { node: entry.node, name: shortText(entry.node.text().replace(/;\s*$/, '')) };
    if (entry.kind === 'local' && /auth/i.test(entry.name) && info.imports.has(entry.name)) return { node: entry.node, name: shortText(entry.node.text().replace(/;\s*$/, '')) };
  }
  const calls = file.findAll({ kind: 'call_expression' });
  for (const call of calls) {
    const callee = call.field('function')?.text().replace(/\s+/g, '') ?? '';
    const bare = callee.replace(/\(.*$/s, '').split('.').pop() ?? '';
    if (MIDDLEWARE_AUTH_CALL.test(callee) || (callee.includes('.') && MIDDLEWARE_AUTH_CALL.test(bare) && /auth|clerk|kinde/i.test(callee)))
      return { node: call, name: shortText(`${callee}()`) };
    if (isInlineAuthCallee(callee)) return { node: call, name: shortText(`${callee}()`) };
  }
  const textHit = MIDDLEWARE_AUTH_TEXT.exec(file.text);
  if (textHit) {
    const needle = textHit[0].replace(/\($/, '');
    const node = calls.filter((c) => c.text().includes(needle)).sort((a, b) => a.text().length - b.text().length)[0];
    return { node: node ?? file.ast!, name: shortText(node ? node.text() : needle) };
  }
  // one hop: a helper imported from the project (`updateSession` from '@/lib/supabase/middleware')
  for (const call of calls) {
    const callee = call.field('function');
    if (callee?.kind() !== 'identifier') continue;
    const imported = info.imports.get(callee.text());
    if (!imported) continue;
    const target = resolveJsModule(files, file.path, imported.source);
    if (!target) continue;
    if (MIDDLEWARE_AUTH_TEXT.test(target.text) || /\b(getToken|jwtVerify|getServerSession|getSession|clerkMiddleware|auth)\s*\(/.test(target.text))
      return { node: call, name: shortText(`${callee.text()}()`) };
  }
  return undefined;
}

/** `export const config = { matcher: … }` as a predicate over route paths; no matcher → every path. */
function configMatcher(file: ParsedFile): (path: string) => boolean {
  const everything = () => true;
  const config = findLocalDeclaration(file, 'config');
  const object = config?.value ? unwrapJsExpression(config.value) : undefined;
  if (object?.kind() !== 'object') return everything;
  const matcher = jsObjectProperty(object, 'matcher');
  if (!matcher) return everything;
  const patterns: string[] = [];
  const add = (node: SyntaxNode) => {
    const value = stringValue(node);
    if (value !== undefined) patterns.push(value);
    else if (node.kind() === 'object') {
      const source = stringValue(jsObjectProperty(node, 'source'));
      if (source !== undefined) patterns.push(source);
      else patterns.push('/:path*');
    } else patterns.push('/:path*'); // a computed matcher: assume it covers everything
  };
  if (matcher.kind() === 'array') for (const item of matcher.children().filter((c) => c.isNamed() && c.kind() !== 'comment')) add(item);
  else add(matcher);
  const regexes = patterns.map(matcherToRegExp);
  return (path) => regexes.some((re) => re === null || re.test(path));
}

/**
 * Clerk's `createRouteMatcher([...])`: `if (isProtectedRoute(req)) await auth.protect()` guards the
 * listed routes; `if (!isPublicRoute(req)) …` guards everything else.
 */
function clerkRouteMatchers(file: ParsedFile): (path: string) => boolean {
  if (!file.text.includes('createRouteMatcher')) return () => true;
  const protectedLists: (RegExp | null)[][] = [];
  const publicLists: (RegExp | null)[][] = [];
  for (const call of file.findAll({ kind: 'call_expression' })) {
    if (call.field('function')?.text() !== 'createRouteMatcher') continue;
    const declarator = call.parent();
    if (declarator?.kind() !== 'variable_declarator') continue;
    const name = declarator.field('name')?.text();
    const list = call.field('arguments')?.children().find((c) => c.isNamed());
    if (!name || !list) continue;
    const items = list.kind() === 'array' ? list.children().filter((c) => c.isNamed() && c.kind() !== 'comment') : [list];
    const regexes = items.map((item) => {
      const value = stringValue(item);
      return value === undefined ? null : matcherToRegExp(value);
    });
    const negated = new RegExp(`!\\s*${name}\\s*\\(`).test(file.text);
    (negated ? publicLists : protectedLists).push(regexes);
  }
  if (!protectedLists.length && !publicLists.length) return () => true;
  const matches = (list: (RegExp | null)[], path: string) => list.some((re) => re === null || re.test(path));
  return (path) => protectedLists.some((l) => matches(l, path)) || publicLists.some((l) => !matches(l, path));
}

/** String literal value with escapes resolved (`'\\.'` → `\.`), so regex matchers read as written. */
function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind() === 'string')
    return node
      .children()
      .filter((c) => c.kind() === 'string_fragment' || c.kind() === 'escape_sequence')
      .map((c) => (c.kind() === 'escape_sequence' ? c.text().slice(1) : c.text()))
      .join('');
  if (node.kind() === 'template_string' && !node.children().some((c) => c.kind() === 'template_substitution')) return node.text().slice(1, -1);
  return undefined;
}

/**
 * A Next.js matcher (path-to-regexp syntax: `/api/:path*`, `/(api|trpc)(.*)`,
 * `/((?!_next|static).*)`) as a RegExp over route paths; null when it cannot be read (treated as matching).
 */
export function matcherToRegExp(pattern: string): RegExp | null {
  try {
    let out = '';
    let i = 0;
    while (i < pattern.length) {
      const c = pattern[i];
      if (c === '(') {
        const end = closingParen(pattern, i);
        if (end < 0) return null;
        out += pattern.slice(i, end + 1);
        i = end + 1;
        if (isModifier(pattern[i])) out += pattern[i++];
        continue;
      }
      if (c === ':') {
        const name = /^:(\w+)/.exec(pattern.slice(i));
        if (!name) return null;
        i += name[0].length;
        let body = '[^/]+';
        if (pattern[i] === '(') {
          const end = closingParen(pattern, i);
          if (end < 0) return null;
          body = pattern.slice(i + 1, end);
          i = end + 1;
        }
        const modifier = isModifier(pattern[i]) ? pattern[i++] : '';
        const slash = out.endsWith('/');
        if (slash && modifier) out = out.slice(0, -1);
        const segment = `(?:${body})`;
        if (modifier === '*') out += slash ? `(?:/${segment}(?:/${segment})*)?` : `(?:${segment}(?:/${segment})*)?`;
        else if (modifier === '+') out += slash ? `(?:/${segment}(?:/${segment})*)` : `(?:${segment}(?:/${segment})*)`;
        else if (modifier === '?') out += slash ? `(?:/${segment})?` : `${segment}?`;
        else out += segment;
        continue;
      }
      if (c === '*') {
        out += '.*';
        i++;
        continue;
      }
      if (c === '\\' && i + 1 < pattern.length) {
        out += pattern.slice(i, i + 2);
        i += 2;
        continue;
      }
      out += /[.+?^${}|[\]]/.test(c) ? `\\${c}` : c;
      i++;
    }
    return new RegExp(`^${out}/?$`);
  } catch {
    return null;
  }
}

function isModifier(c: string | undefined): boolean {
  return c === '?' || c === '*' || c === '+';
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
