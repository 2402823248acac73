/**
 * The project functions a route runs: its handler and, a few calls deep, the project functions
 * and methods the handler calls (resolved through imports, `self`, instances and return types by
 * the Python expression resolver, and through ES/CommonJS imports for JS). Each function comes
 * with the routes that reach it and the call chain from the first one, so a finding deep in a
 * service can name the route it breaks. Computed once per audit.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { RepoIndex, Route } from '../model/repo-index.ts';
import { isJsFunction } from '../parse/js-syntax.ts';
import { pyClassOf, pyFunctionName, pyOwnNodes, resolvePyCallee } from '../parse/python-syntax.ts';
import { functionOfBinding, resolveJsReference } from './routes/js-modules.ts';
import { cachedPyModuleLoader } from './routes/python-modules.ts';

export interface ReachedFunction {
  file: ParsedFile;
  fn: SyntaxNode;
  /** `export_report`, `PdfExporter.render`. */
  label: string;
  /** Routes whose handler is this function or calls it (directly or not), first found first. */
  routes: Route[];
  /** From the first route's handler to this function: the call sites, each noted with the function it calls. */
  chain: Location[];
  /** The labels from the handler to this function (`export_report → ReportService.build → render`). */
  path: string[];
  /** Whether it is the route's handler itself. */
  isHandler: boolean;
}

const MAX_DEPTH = 3;
const memo = new WeakMap<RepoIndex, ReachedFunction[]>();
const keyOf = (file: ParsedFile, fn: SyntaxNode) => `${file.path}:${fn.range().start.index}`;

/** Every project function some route runs, handler first, in route order. Test files are never entered. */
export function reachedFunctions(index: RepoIndex, files: ParsedFiles): ReachedFunction[] {
  let reached = memo.get(index);
  if (reached) return reached;
  const load = cachedPyModuleLoader(files);
  const byKey = new Map<string, ReachedFunction>();
  const calleeMemo = new Map<string, { call: SyntaxNode; file: ParsedFile; fn: SyntaxNode; label: string }[]>();

  const calleesOf = (file: ParsedFile, fn: SyntaxNode) => {
    const key = keyOf(file, fn);
    let list = calleeMemo.get(key);
    if (list) return list;
    list = [];
    if (file.kind === 'python') {
      for (const call of pyOwnNodes(fn, 'call')) {
        const target = resolvePyCallee(call, { file, fn }, load);
        if (target && !target.file.isTest) list.push({ call, file: target.file, fn: target.fn, label: target.label });
      }
    } else {
      for (const call of fn.findAll({ rule: { kind: 'call_expression' } })) {
        const callee = call.field('function');
        if (!callee || !/^(identifier|member_expression)$/.test(String(callee.kind()))) continue;
        const binding = resolveJsReference(files, file, callee);
        const target = functionOfBinding(binding);
        if (binding && target && !binding.file.isTest) list.push({ call, file: binding.file, fn: target, label: binding.name });
      }
    }
    calleeMemo.set(key, list);
    return list;
  };

  for (const route of index.routes) {
    const handler = route.handler.node;
    const file = handler ? files.get(route.handler.file) : undefined;
    if (!handler || !file || file.isTest || (file.kind !== 'python' && file.kind !== 'js')) continue;
    const label = file.kind === 'python' ? labelOf(handler) : route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name;
    const visit = (f: ParsedFile, fn: SyntaxNode, fnLabel: string, chain: Location[], path: string[], depth: number, seen: Set<string>) => {
      const key = keyOf(f, fn);
      const known = byKey.get(key);
      if (known) {
        if (!known.routes.includes(route)) known.routes.push(route);
      } else byKey.set(key, { file: f, fn, label: fnLabel, routes: [route], chain, path, isHandler: depth === 0 });
      if (depth >= MAX_DEPTH) return;
      for (const next of calleesOf(f, fn)) {
        const nextKey = keyOf(next.file, next.fn);
        if (seen.has(nextKey) || (next.file.kind === 'js' && !isJsFunction(next.fn))) continue;
        seen.add(nextKey);
        visit(next.file, next.fn, next.label, [...chain, f.locate(next.call, `calls \`${next.label}\``)], [...path, next.label], depth + 1, seen);
      }
    };
    visit(file, handler, label, [], [label], 0, new Set([keyOf(file, handler)]));
  }
  reached = [...byKey.values()];
  memo.set(index, reached);
  return reached;
}

function labelOf(fn: SyntaxNode): string {
  const owner = pyClassOf(fn)?.field('name')?.text();
  return owner ? `${owner}.${pyFunctionName(fn)}` : pyFunctionName(fn);
}
