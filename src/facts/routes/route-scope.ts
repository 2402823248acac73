/** Questions several rules ask about a route's handler, answered once here. */
import type { FileKind, ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { describeJsCall } from '../../parse/js-syntax.ts';

/** Middleware arguments of an Express registration (`app.post('/login', limiter, handler)`): everything but the path and the handler. */
export function expressRouteMiddleware(route: Route, files: ParsedFiles): SyntaxNode[] {
  const file = files.get(route.at.file);
  if (!file?.ast || route.framework !== 'express') return [];
  const call = file
    .findAll({ kind: 'call_expression' })
    .find((c) => c.range().start.line + 1 === route.at.startLine && c.range().start.column + 1 === (route.at.startColumn ?? c.range().start.column + 1));
  const described = call && describeJsCall(call);
  if (!described) return [];
  return described.args.slice(0, -1).filter((a) => a.kind() !== 'string' && a.kind() !== 'template_string');
}

export interface HandlerRoutes {
  file: ParsedFile;
  fn: SyntaxNode;
  routes: Route[];
}

/** Each handler function of the given language once, with every route that serves it. */
export function handlersWithRoutes(routes: Route[], files: ParsedFiles, kind: Extract<FileKind, 'python' | 'js'>): HandlerRoutes[] {
  const byHandler = new Map<string, HandlerRoutes>();
  for (const route of routes) {
    const { handler } = route;
    const file = handler.node ? files.get(handler.file) : undefined;
    if (!handler.node || file?.kind !== kind) continue;
    const key = `${handler.file}:${handler.node.range().start.index}`;
    const entry = byHandler.get(key) ?? { file, fn: handler.node, routes: [] };
    entry.routes.push(route);
    byHandler.set(key, entry);
  }
  return [...byHandler.values()];
}
