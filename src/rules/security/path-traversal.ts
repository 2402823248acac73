import { classifyPySinkArgument, describeTaintTrace, taintSourceLocation, type TaintTrace } from '../../facts/python-taint.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyBindingsOf, pyQualifiedName, type PyCall } from '../../parse/python-syntax.ts';

/** Functions taking a path, and which positional arguments are paths (`-1`: every one). */
const PATH_FUNCTIONS: Record<string, number[]> = {
  open: [0],
  'io.open': [0],
  'codecs.open': [0],
  'os.open': [0],
  'aiofiles.open': [0],
  'os.remove': [0],
  'os.unlink': [0],
  'os.rmdir': [0],
  'os.removedirs': [0],
  'os.makedirs': [0],
  'os.mkdir': [0],
  'os.listdir': [0],
  'os.scandir': [0],
  'os.rename': [0, 1],
  'os.replace': [0, 1],
  'shutil.rmtree': [0],
  'shutil.copy': [0, 1],
  'shutil.copy2': [0, 1],
  'shutil.copyfile': [0, 1],
  'shutil.copytree': [0, 1],
  'shutil.move': [0, 1],
  'flask.send_file': [0],
  'flask.helpers.send_file': [0],
  'starlette.responses.FileResponse': [0],
  'fastapi.responses.FileResponse': [0],
  'django.http.FileResponse': [0],
  'aiohttp.web.FileResponse': [0],
};
const PATH_KEYWORDS = ['file', 'path', 'path_or_file', 'src', 'dst'];
/** Methods of `pathlib.Path` that touch the file the path names. */
const PATH_METHOD = /^(read_text|read_bytes|write_text|write_bytes|unlink|rmdir|open|touch|mkdir|iterdir|rename|replace)$/;
/** Sinks that also accept an open file object: an upload passed as one is not a path. */
const ACCEPTS_FILE_OBJECT = /(send_file|FileResponse)$/;
const VALIDATOR_HELPER = /(valid|sanitiz|sanitis|safe|allow|verify|check|ensure)/i;

export default defineRule({
  meta: {
    id: 'path-traversal',
    category: 'security',
    title: 'File path built from request data',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    messages: {
      taintedPath: '`{{sink}}` uses a file path built from {{source}}; `../` or an absolute path in it reaches files outside the intended folder.',
      unsafeArchive: '`{{sink}}` unpacks a tar archive from {{source}}, without a member filter; entries named `../…` or absolute paths are written outside the target folder.',
    },
    why: [
      'Joining a client\'s value onto a folder does not keep the result inside it: `../../etc/passwd` climbs out, and `os.path.join("/srv/files", "/etc/passwd")` drops the folder entirely. Depending on the call, a caller can download the app\'s source and `.env`, overwrite code or templates, or delete data.',
      '',
      'Tar archives carry their own paths: `tarfile.extractall()` writes a member named `../../app/settings.py` or `/etc/cron.d/x` exactly there unless a filter (`filter="data"`, Python 3.12+ and backports) rejects it. (`zipfile` strips such names itself.)',
    ].join('\n'),
    fix: [
      'Reduce the client\'s value to a bare file name (`werkzeug.utils.secure_filename`, `os.path.basename`, `Path(name).name`), or resolve the final path and check it is still inside the base folder. In Flask, `send_from_directory` does this for downloads.',
      '',
      '```python',
      'BASE = Path("/srv/reports").resolve()',
      '',
      '@app.get("/reports/<name>")',
      'def download(name):',
      '    return send_from_directory(BASE, name)  # safe_join inside',
      '',
      'def read_report(name: str) -> str:',
      '    target = (BASE / name).resolve()',
      '    if not target.is_relative_to(BASE):',
      '        abort(404)',
      '    return target.read_text()',
      '',
      'with tarfile.open(fileobj=upload.stream) as tar:',
      '    tar.extractall(dest, filter="data")  # rejects ../, absolute paths and links out of dest',
      '```',
    ].join('\n'),
    effortHours: 1.5,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'import os',
          'from flask import Flask, request, send_file',
          '',
          'app = Flask(__name__)',
          'REPORTS = "/srv/reports"',
          '',
          '@app.get("/download")',
          'def download():',
          '    name = request.args["file"]',
          '    return send_file(os.path.join(REPORTS, name))',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, request, send_from_directory',
          '',
          'app = Flask(__name__)',
          'REPORTS = "/srv/reports"',
          '',
          '@app.get("/download")',
          'def download():',
          '    name = request.args["file"]',
          '    return send_from_directory(REPORTS, name)',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [22, 73],
      owasp: ['A01:2021 Broken Access Control'],
      equivalents: ['bandit:B202', 'semgrep:python.flask.security.injection.path-traversal-open.path-traversal-open', 'semgrep:python.django.security.injection.path-traversal.path-traversal-open.path-traversal-open', 'semgrep:python.fastapi.security.path-traversal'],
    },
  },
  check(ctx) {
    for (const file of ctx.files.ofKind('python', { containing: ['open', 'os.', 'shutil', 'send_file', 'FileResponse', 'Path', '.save('] })) {
      const root = file.ast;
      if (!root) continue;
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(open|remove|unlink|rmdir|removedirs|makedirs|mkdir|listdir|scandir|rename|replace|rmtree|copy|copy2|copyfile|copytree|move|send_file|FileResponse|read_text|read_bytes|write_text|write_bytes|touch|iterdir|save)$' } })) {
        const call = describePyCall(node);
        if (!call) continue;
        for (const arg of pathArguments(file, root, call)) {
          const reached = classifyPySinkArgument(ctx, file, arg, 'path');
          if (reached?.kind !== 'tainted') continue;
          if (reached.trace.via.some((v) => v.endsWith('()') && VALIDATOR_HELPER.test(v))) continue;
          if (ACCEPTS_FILE_OBJECT.test(call.callee) && isUploadObject(arg, reached.trace)) continue;
          ctx.report({
            messageId: 'taintedPath',
            at: file.locate(node),
            data: { sink: sinkName(call), source: describeTaintTrace(reached.trace) },
            related: [taintSourceLocation(reached.trace)],
          });
          break;
        }
      }
    }
    // `tarfile.open(upload).extractall(dest)`: member names like `../../app/views.py` are written as they are.
    for (const file of ctx.files.ofKind('python', { containing: ['tarfile', 'TarFile'] })) {
      const root = file.ast;
      if (!root) continue;
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^extract(all)?$' } } })) {
        const call = describePyCall(node);
        const receiver = node.field('function')?.field('object');
        if (!call || !receiver) continue;
        const filter = call.keywords.get('filter');
        if ((filter && !/fully_trusted/.test(filter.text())) || call.keywords.has('members')) continue;
        const fn = enclosingPyFunction(node);
        if (fn && /data_filter|extraction_filter|is_within_directory|commonpath|is_relative_to|\.\.['"]\s+in\b/.test(fn.text())) continue;
        const archive = tarOpenCall(file, root, receiver);
        if (!archive) continue;
        for (const arg of [...archive.args, ...archive.keywords.values()]) {
          const inner = arg.kind() === 'call' && /(^|\.)(BytesIO|BufferedReader)$/.test(arg.field('function')?.text() ?? '') ? describePyCall(arg)?.args[0] ?? arg : arg;
          const reached = classifyPySinkArgument(ctx, file, inner, 'any');
          if (reached?.kind !== 'tainted') continue;
          ctx.report({
            messageId: 'unsafeArchive',
            at: file.locate(node),
            data: { sink: receiver.kind() === 'identifier' ? call.callee : `TarFile.${call.callee.split('.').pop()}`, source: describeTaintTrace(reached.trace) },
            related: [taintSourceLocation(reached.trace)],
          });
          break;
        }
      }
    }
  },
});

/** The `tarfile.open(...)` call a receiver holds: the call itself, or a local assigned it (`with tarfile.open(p) as tar`). */
function tarOpenCall(file: ParsedFile, root: SyntaxNode, receiver: SyntaxNode): PyCall | undefined {
  let value: SyntaxNode | undefined = receiver;
  if (receiver.kind() === 'identifier') {
    const fn = enclosingPyFunction(receiver);
    value = fn ? pyBindingsOf(fn, receiver.text(), file).map((b) => b.binding.value).find((v) => v?.kind() === 'call') : undefined;
  }
  const call = value ? describePyCall(value) : undefined;
  return call && /^tarfile\.(open|TarFile(\.open)?|TarFile\.(gzopen|bz2open|xzopen|taropen))$/.test(pyQualifiedName(root, call.callee)) ? call : undefined;
}

/** The arguments of a call that are file paths; none when the call does not touch the file system. */
function pathArguments(file: ParsedFile, root: SyntaxNode, call: PyCall): SyntaxNode[] {
  const fnNode = call.node.field('function');
  const last = call.callee.split('.').pop() ?? '';
  const qualified = qualify(root, call.callee);
  const positions = PATH_FUNCTIONS[qualified];
  if (positions) {
    const out = positions.map((i) => call.args[i]).filter((a): a is SyntaxNode => !!a);
    for (const k of PATH_KEYWORDS) {
      const v = call.keywords.get(k);
      if (v) out.push(v);
    }
    // Django's `FileResponse(open(path, "rb"))`: the `open` call is the sink, reported on its own.
    return out.filter((a) => !(a.kind() === 'call' && /^(open|io\.open)$/.test(a.field('function')?.text() ?? '')));
  }
  if (fnNode?.kind() !== 'attribute') return [];
  const receiver = fnNode.field('object');
  if (!receiver) return [];
  if (PATH_METHOD.test(last)) return isPathObject(file, receiver) ? [receiver] : [];
  // `upload.save(path)` on a Werkzeug FileStorage: the destination is a path.
  if (last === 'save' && call.args[0] && isUploadReceiver(file, receiver)) return [call.args[0]];
  return [];
}

function qualify(root: SyntaxNode, callee: string): string {
  const q = pyQualifiedName(root, callee);
  if (q === 'send_file' || q === 'FileResponse') return callee; // not imported: unknown origin
  if (/^(flask|starlette\.responses|fastapi\.responses|django\.http)\.(send_file|FileResponse)$/.test(q)) return q;
  if (/^(fastapi|starlette)\.FileResponse$/.test(q)) return 'fastapi.responses.FileResponse';
  if (/^responses\.FileResponse$/.test(q)) return 'starlette.responses.FileResponse';
  if (q === 'aiohttp.web_fileresponse.FileResponse') return 'aiohttp.web.FileResponse';
  return q;
}

/** `Path(x)`, `BASE / name`, or a local variable assigned one: a receiver whose methods touch files. */
function isPathObject(file: ParsedFile, receiver: SyntaxNode, depth = 0): boolean {
  const kind = String(receiver.kind());
  if (kind === 'call') return /^(pathlib\.)?(Path|PurePath|PosixPath|WindowsPath)$|\.(resolve|joinpath|with_name|with_suffix|absolute)$/.test(receiver.field('function')?.text() ?? '');
  if (kind === 'binary_operator') return receiver.field('operator')?.text() === '/';
  if (kind === 'parenthesized_expression') {
    const inner = receiver.children().find((c) => c.isNamed());
    return !!inner && isPathObject(file, inner, depth);
  }
  if (kind === 'identifier' && depth < 3) {
    const fn = enclosingPyFunction(receiver);
    if (!fn) return false;
    return pyBindingsOf(fn, receiver.text(), file).some((b) => !!b.binding.value && isPathObject(file, b.binding.value, depth + 1));
  }
  return false;
}

/** A Werkzeug/Django upload object: `request.files["f"]`, or a variable assigned one. */
function isUploadReceiver(file: ParsedFile, receiver: SyntaxNode): boolean {
  if (/\bfiles\b|\bFILES\b/.test(receiver.text())) return true;
  if (receiver.kind() !== 'identifier') return false;
  const fn = enclosingPyFunction(receiver);
  if (!fn) return false;
  return pyBindingsOf(fn, receiver.text(), file).some((b) => {
    const text = b.binding.value?.text() ?? b.binding.node.text();
    return /\b(request\.files|request\.FILES|files\.get|FILES\.get|getlist)\b/.test(text) || (b.binding.isParameter && /UploadFile|FileStorage/.test(b.binding.annotation?.text() ?? ''));
  });
}

/** The argument is the uploaded file object itself (`send_file(request.files["f"])`), not a path built from its name. */
function isUploadObject(arg: SyntaxNode, trace: TaintTrace): boolean {
  if (!/\b(files|FILES)\b/.test(trace.source) && !/UploadFile/.test(trace.sourceNode.text())) return false;
  return !/\b(filename|name)\b/.test(arg.text());
}

/** `open`, `shutil.rmtree`, and `Path.read_text` for a method on a path expression. */
function sinkName(call: PyCall): string {
  const fnNode = call.node.field('function');
  const receiver = fnNode?.kind() === 'attribute' ? fnNode.field('object') : undefined;
  if (receiver && receiver.kind() !== 'identifier' && receiver.kind() !== 'attribute') return `Path.${fnNode?.field('attribute')?.text() ?? ''}`;
  return call.callee;
}
