import { isHandWrittenSource } from '../../facts/code-structure.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { enclosingJsFunction } from '../../parse/js-syntax.ts';
import { enclosingPyFunction, pyFunctionName } from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Exception types that catch (nearly) everything. */
const BROAD_TYPES = /^(builtins\.)?(Exception|BaseException)$/;
/** Calls that release or tidy up: failing quietly there is the point (a socket already closed, a temp file already gone). */
const CLEANUP_CALL =
  /(^|\.)(close|aclose|unlink|unlinkSync|rm|rmSync|remove|removeSync|rmdir|rmtree|kill|terminate|cancel|shutdown|disconnect|release|stop|cleanup|clean_up|flush|quit|logout|dispose|destroy|rollback|exit|end|abort|unsubscribe|removeListener|off|clearTimeout|clearInterval|discard|detach|unregister)$/;
/** Functions whose whole job is tidying up. */
const CLEANUP_FUNCTION = /^_*(close|aclose|cleanup|clean_up|shutdown|teardown|tear_down|dispose|destroy|stop|finalize|on_shutdown|__del__|__exit__|__aexit__|unmount|componentWillUnmount)$/i;

type Reported = 'pyBroadExceptIgnored' | 'jsEmptyCatch' | 'jsCatchNoop' | 'processErrorsIgnored';

export default defineRule({
  meta: {
    id: 'exception-swallowed',
    category: 'code-health',
    title: 'Exception swallowed',
    severity: 'low',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Error Handling',
    effortHours: 0.5,
    messages: {
      pyBroadExceptIgnored: '`{{clause}}` in {{function}} catches {{what}} and {{action}}, so the failure leaves no log line and no error.',
      jsEmptyCatch: 'The empty `catch` in {{function}} discards every error of `{{tried}}`, so the failure leaves no log line and no error.',
      jsCatchNoop: '`{{code}}` in {{function}} discards the promise\'s error, so the failure leaves no log line and no error.',
      processErrorsIgnored: '`{{code}}` ignores every {{event}} of the process, which then keeps running in an unknown state.',
    },
    why: [
      'A swallowed exception turns a failure into silence: the payment that did not go through, the email that was never sent and the row that was not written all look like success, to the user and to whoever is on call. Nothing reaches the logs or the error tracker, so the bug is found weeks later in the data. A broad `except Exception: pass` also hides the programming errors (a `TypeError`, a typo in an attribute) that tests would otherwise catch.',
      '',
      'Not reported: narrow exceptions (`except KeyError: pass`, `except ImportError: x = None`), `contextlib.suppress(FileNotFoundError)`, cleanup code (closing, deleting, cancelling), a `catch` block that holds a comment explaining why, and tests. A handler that logs or re-raises is not swallowing.',
    ].join('\n'),
    fix: [
      'Catch only what you expect and can handle; otherwise log it with the stack trace (or let it reach the global error handler and your error tracker).',
      '',
      '```python',
      'try:',
      '    receipt = await payments.capture(order.payment_id)',
      'except payments.CardDeclined as exc:',
      '    raise HTTPException(status_code=402, detail=str(exc)) from exc',
      'except Exception:',
      '    logger.exception("capture failed for order %s", order.id)',
      '    raise',
      '```',
      '```ts',
      'try {',
      '  await mailer.send(receipt);',
      '} catch (err) {',
      "  logger.error({ err, orderId }, 'receipt email failed');",
      '  throw err;',
      '}',
      'cache.refresh().catch((err) => logger.warn({ err }, \'cache refresh failed\'));',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'app/payments.py': 'def capture(order):\n    try:\n        gateway.capture(order.payment_id)\n    except Exception:\n        pass\n',
      },
      good: {
        'app/payments.py':
          'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef capture(order):\n    try:\n        gateway.capture(order.payment_id)\n    except Exception:\n        logger.exception("capture failed for order %s", order.id)\n        raise\n',
      },
    },
    references: { cwe: [390, 1069], equivalents: ['bandit:B110', 'bandit:B112', 'ruff:S110', 'ruff:BLE001', 'pylint:W0702', 'eslint:no-empty', 'sonarjs:S2486'] },
  },
  check({ index, files, report }) {
    const handlerRanges = handlerRangesByFile(index.routes);
    for (const file of files.ofKind('python', { containing: ['except'], includeTests: false })) {
      if (!file.ast || !isHandWrittenSource(file)) continue;
      for (const clause of file.findAll({ kind: 'except_clause' })) {
        const ignored = pyIgnoredBroadExcept(clause);
        if (!ignored || isPyCleanup(clause)) continue;
        const fn = enclosingPyFunction(clause);
        report(finding(file, clause, 'pyBroadExceptIgnored', {
          clause: codeSpanText(clause.text().split('\n')[0].replace(/#.*$/, '').trim().replace(/:$/, ''), 60),
          function: fn ? `\`${pyFunctionName(fn)}\`` : 'module code',
          what: ignored.what,
          action: ignored.action,
        }, handlerRanges));
      }
    }
    for (const file of files.ofKind('js', { containing: ['catch'], includeTests: false })) {
      if (!file.ast || !isHandWrittenSource(file)) continue;
      for (const clause of file.findAll({ kind: 'catch_clause' })) {
        const body = clause.field('body');
        if (!body || body.children().some((c) => c.isNamed())) continue;
        const tried = clause.parent()?.field('body');
        if (tried && isJsCleanupBlock(tried)) continue;
        const fn = enclosingJsFunction(clause);
        if (fn && CLEANUP_FUNCTION.test(jsFunctionName(fn))) continue;
        report(finding(file, clause, 'jsEmptyCatch', { function: jsFunctionLabel(fn), tried: codeSpanText(firstStatement(tried), 50) }, handlerRanges));
      }
      for (const call of file.findAll({ kind: 'call_expression', has: { field: 'function', kind: 'member_expression', has: { field: 'property', regex: '^catch$' } } })) {
        const args = call.field('arguments')?.children().filter((c) => c.isNamed()) ?? [];
        if (args.length !== 1 || !isJsNoop(args[0])) continue;
        const promise = call.field('function')?.field('object');
        if (promise && isJsCleanupExpression(promise)) continue;
        const fn = enclosingJsFunction(call);
        report(finding(file, call, 'jsCatchNoop', { code: codeSpanText(call, 70), function: jsFunctionLabel(fn) }, handlerRanges));
      }
      for (const call of file.findAll({ kind: 'call_expression', has: { field: 'function', regex: '^process\\.(on|once)$' } })) {
        const args = call.field('arguments')?.children().filter((c) => c.isNamed()) ?? [];
        const event = args[0]?.text().replace(/^['"`]|['"`]$/g, '');
        if (!event || !/^(uncaughtException|unhandledRejection)$/.test(event) || !args[1] || !isJsNoop(args[1])) continue;
        report({ ...finding(file, call, 'processErrorsIgnored', { code: codeSpanText(call, 70), event: event === 'uncaughtException' ? 'uncaught exception' : 'unhandled promise rejection' }, handlerRanges), severity: 'medium' });
      }
    }
  },
});

function finding(file: ParsedFile, node: SyntaxNode, messageId: Reported, data: Record<string, string>, handlerRanges: Map<string, [number, number, string][]>) {
  const start = node.range().start.index;
  const handler = (handlerRanges.get(file.path) ?? []).find(([s, e]) => s <= start && start < e);
  // In a route handler, the client gets a success response for a request that failed.
  return {
    messageId,
    at: file.locate(node),
    data,
    severity: handler ? ('medium' as const) : ('low' as const),
    ...(handler ? { related: [{ file: file.path, startLine: file.position(handler[0]).line, note: `inside the handler of ${handler[2]}` }] } : {}),
  };
}

/** Handler function ranges per file, with the route they serve. */
function handlerRangesByFile(routes: readonly Route[]): Map<string, [number, number, string][]> {
  const out = new Map<string, [number, number, string][]>();
  for (const route of routes) {
    const node = route.handler.node;
    if (!node) continue;
    const r = node.range();
    out.set(route.handler.file, [...(out.get(route.handler.file) ?? []), [r.start.index, r.end.index, `\`${route.method} ${route.path}\``]]);
  }
  return out;
}

/** A broad (or bare) except whose body only passes, continues or breaks. */
function pyIgnoredBroadExcept(clause: SyntaxNode): { what: string; action: string } | undefined {
  const named = clause.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  const block = named.find((c) => c.kind() === 'block');
  const caught = named.find((c) => c.kind() !== 'block');
  const type = caught?.kind() === 'as_pattern' ? caught.children().find((c) => c.isNamed()) : caught;
  const types = !type ? [] : type.kind() === 'tuple' ? type.children().filter((c) => c.isNamed()).map((c) => c.text()) : [type.text()];
  const broad = !type ? 'every exception (a bare `except`, which also catches `KeyboardInterrupt` and `SystemExit`)' : types.some((t) => BROAD_TYPES.test(t)) ? 'every exception' : undefined;
  if (!broad || !block) return undefined;
  const statements = block.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  if (!statements.length) return undefined;
  const kinds = statements.map((s) => (s.kind() === 'expression_statement' && s.children()[0]?.kind() === 'ellipsis' ? 'ellipsis' : String(s.kind())));
  if (!kinds.every((k) => /^(pass_statement|ellipsis|continue_statement|break_statement)$/.test(k))) return undefined;
  const action = kinds.includes('continue_statement') ? 'moves on to the next item' : kinds.includes('break_statement') ? 'leaves the loop' : 'does nothing';
  return { what: broad, action };
}

/** The try body only tidies up, the except sits in a `finally`, or the function is a cleanup function. */
function isPyCleanup(clause: SyntaxNode): boolean {
  const tryStatement = clause.parent();
  const tried = tryStatement?.field('body');
  if (tried) {
    const statements = tried.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
    const calls = statements.map((s) => {
      const inner = s.kind() === 'expression_statement' ? s.children().find((c) => c.isNamed()) : undefined;
      const call = inner?.kind() === 'await' ? inner.children().find((c) => c.isNamed()) : inner;
      return call?.kind() === 'call' ? call.field('function')?.text() : s.kind() === 'delete_statement' ? 'del.delete' : undefined;
    });
    if (statements.length && calls.every((c) => c !== undefined && CLEANUP_CALL.test(c))) return true;
  }
  for (let current = tryStatement?.parent(); current; current = current.parent()) {
    if (current.kind() === 'finally_clause') return true;
    if (current.kind() === 'function_definition') return CLEANUP_FUNCTION.test(pyFunctionName(current));
  }
  return false;
}

/** How a message names a JS function: `` `name` ``, "the `POST /orders` handler", "an anonymous function". */
function jsFunctionLabel(fn: SyntaxNode | undefined): string {
  if (!fn) return 'module code';
  const name = jsFunctionName(fn);
  return name.startsWith('the ') || name.startsWith('an ') ? name : `\`${name}\``;
}

function jsFunctionName(fn: SyntaxNode): string {
  const own = fn.field('name')?.text();
  if (own) return own;
  const parent = fn.parent();
  if (parent?.kind() === 'variable_declarator' || parent?.kind() === 'public_field_definition' || parent?.kind() === 'field_definition') return parent.field('name')?.text() ?? 'an anonymous function';
  if (parent?.kind() === 'pair') return parent.field('key')?.text() ?? 'an anonymous function';
  if (parent?.kind() === 'arguments') {
    const call = parent.parent();
    const callee = call?.field('function')?.text() ?? '';
    const first = parent.children().find((c) => c.isNamed());
    if (/\.(get|post|put|patch|delete|all|use)$/.test(callee) && first?.kind() === 'string') return `the \`${callee.split('.').pop()!.toUpperCase()} ${first.text().slice(1, -1)}\` handler`;
  }
  return 'an anonymous function';
}

function firstStatement(block: SyntaxNode | null | undefined): string {
  const first = block?.children().find((c) => c.isNamed() && c.kind() !== 'comment');
  return first ? first.text().split('\n')[0] : 'the try block';
}

/** `() => {}`, `function () {}`, `() => undefined`, `() => void 0`, `noop`, `_.noop`. */
function isJsNoop(node: SyntaxNode): boolean {
  if (/^(noop|_\.noop|lodash\.noop|(\w+\.)?noop)$/.test(node.text())) return true;
  if (node.kind() !== 'arrow_function' && node.kind() !== 'function_expression' && node.kind() !== 'function') return false;
  const body = node.field('body');
  if (!body) return false;
  if (body.kind() === 'statement_block') return !body.children().some((c) => c.isNamed());
  return /^(undefined|void 0)$/.test(body.text());
}

function isJsCleanupExpression(node: SyntaxNode): boolean {
  let current: SyntaxNode | null = node;
  while (current) {
    if (current.kind() === 'call_expression') {
      const callee: SyntaxNode | null = current.field('function');
      if (callee && CLEANUP_CALL.test(callee.text())) return true;
      current = callee?.kind() === 'member_expression' ? callee.field('object') : null;
    } else if (current.kind() === 'await_expression' || current.kind() === 'parenthesized_expression') current = current.children().find((c) => c.isNamed()) ?? null;
    else return false;
  }
  return false;
}

function isJsCleanupBlock(block: SyntaxNode): boolean {
  const statements = block.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  return (
    statements.length > 0 &&
    statements.every((s) => {
      const inner = s.kind() === 'expression_statement' ? s.children().find((c) => c.isNamed()) : undefined;
      return inner !== undefined && isJsCleanupExpression(inner);
    })
  );
}
