import { classifyPySinkArgument, describeTaintTrace, isPyConstantExpression, pyEnclosingRoute, taintSourceLocation } from '../../facts/python-taint.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyFunctionName, pyImports } from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Builtins that run text as Python. */
const EVAL_BUILTIN = /^(eval|exec|compile|builtins\.eval|builtins\.exec)$/;
/** Imports a module chosen at run time: code execution when the name is the client's. */
const DYNAMIC_IMPORT = /^(__import__|importlib\.import_module|import_module)$/;

export default defineRule({
  meta: {
    id: 'code-injection',
    category: 'security',
    title: 'Python code evaluated from request data',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    messages: {
      taintedEval: '`{{sink}}` runs Python code built from {{source}}.',
      taintedImport: '`{{sink}}` imports a module named by {{source}}.',
      parameterEval: '`{{sink}}` in `{{function}}()` runs Python code built from its {{source}}; it is code injection as soon as one caller passes user input.',
      computedEval: '`{{sink}}` runs a computed string (`{{value}}`) as Python code.',
    },
    why: [
      '`eval` and `exec` run any Python they are given, with the permissions of the server: `__import__("os").system("…")` in a "math expression" or a "filter" field takes over the machine, reads every secret and the database.',
      '',
      'There is no safe way to sanitise input for `eval`; blocklists of names or `__builtins__` are routinely bypassed. Importing a module whose name the client picks is the same risk through another door.',
    ].join('\n'),
    fix: [
      'Parse the data instead of executing it: `json.loads` for JSON, `ast.literal_eval` for Python literals, a small expression parser (or a library such as `simpleeval` with a restricted operator set) for formulas, and a dict of allowed handlers instead of importing by name.',
      '',
      '```python',
      '# before: result = eval(request.args["expr"])',
      'import ast',
      'value = ast.literal_eval(request.args["value"])       # literals only: numbers, strings, lists, dicts',
      '',
      'HANDLERS = {"csv": export_csv, "pdf": export_pdf}     # before: importlib.import_module(name)',
      'handler = HANDLERS.get(request.args["format"]) or abort(400)',
      '```',
    ].join('\n'),
    effortHours: 2,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/calc")',
          'def calc():',
          '    expression = request.args.get("expr", "0")',
          '    return {"result": eval(expression)}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'import ast',
          'from flask import Flask, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/parse")',
          'def parse():',
          '    value = ast.literal_eval(request.args.get("value", "0"))',
          '    return {"value": value}',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [94, 95],
      owasp: ['A03:2021 Injection'],
      equivalents: ['bandit:B307', 'bandit:B102', 'semgrep:python.lang.security.audit.eval-detected.eval-detected', 'semgrep:python.flask.security.injection.user-eval.eval-injection'],
    },
  },
  check(ctx) {
    for (const file of ctx.files.ofKind('python', { includeTests: false, containing: ['eval(', 'exec(', 'compile(', 'import_module', '__import__'] })) {
      const imports = file.ast ? pyImports(file.ast) : new Map();
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(eval|exec|compile|import_module|__import__)$' } })) {
        const call = describePyCall(node);
        if (!call) continue;
        // A project or library function that happens to be called `compile`/`eval` (re.compile, model.eval()) is not the builtin.
        const isBuiltin = EVAL_BUILTIN.test(call.callee) && (call.callee.includes('.') || !imports.has(call.callee));
        const isImport = DYNAMIC_IMPORT.test(call.callee) && (call.callee !== 'import_module' || imports.get('import_module')?.module === 'importlib');
        if (!isBuiltin && !isImport) continue;
        const code = call.args[0] ?? call.keywords.get('source') ?? call.keywords.get('name');
        if (!code) continue;
        const reached = classifyPySinkArgument(ctx, file, code, 'code');
        if (reached?.kind === 'tainted') {
          ctx.report({
            messageId: isImport ? 'taintedImport' : 'taintedEval',
            at: file.locate(node),
            data: { sink: call.callee, source: describeTaintTrace(reached.trace) },
            related: [taintSourceLocation(reached.trace)],
          });
        } else if (file.isTest || isImport) {
          continue;
        } else if (reached?.kind === 'dynamic') {
          const fn = enclosingPyFunction(node);
          ctx.report({
            messageId: 'parameterEval',
            at: file.locate(node),
            data: { sink: call.callee, function: fn ? pyFunctionName(fn) : '<module>', source: describeTaintTrace(reached.trace) },
            severity: 'high',
            confidence: 'low',
          });
        } else if (!isPyConstantExpression(code) && call.callee !== 'compile' && !pyEnclosingRoute(ctx, file, node)) {
          // In a route handler the taint analysis has already followed every request value (and seen its validation).
          // Bandit flags every eval; here only computed strings, at low confidence.
          ctx.report({
            messageId: 'computedEval',
            at: file.locate(node),
            data: { sink: call.callee, value: codeSpanText(code.text(), 50) },
            severity: 'medium',
            confidence: 'low',
          });
        }
      }
    }
  },
});

