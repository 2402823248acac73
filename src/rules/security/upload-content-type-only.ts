import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { RepoIndex } from '../../model/repo-index.ts';
import { defineRule, type ReportInput } from '../../model/rule.ts';
import { describeJsCall, findJsCalls, isJsFunction, jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import { findPyCalls, pyAssignmentsBefore, pyLocalCallees, pyParameters } from '../../parse/python-syntax.ts';
import { hasProjectSizeLimit } from '../../facts/web-controls.ts';

/** Reading the bytes: libmagic, filetype, Pillow, PDF parsers, magic-number prefixes, file-type/sharp in JS. */
const CONTENT_INSPECTION =
  /\bmagic\.|from_buffer\(|\bfiletype\.|\bimghdr\.|Image\.open\(|\.verify\(\)|puremagic|PdfReader\(|fitz\.open|pdfplumber\.open|startswith\(\s*b["']|\[\s*:\s*\d+\s*\]\s*(==|!=|in\b)|fileTypeFromBuffer|fileTypeFromFile|fileTypeFromStream|from\s+['"]file-type['"]|require\(\s*['"]file-type['"]|magic-bytes|mmmagic|\bsharp\(|image-size|imageSize\(/;
/** A comparison about size: `len(content) > MAX_BYTES`, `file.size`, `content-length`. */
const SIZE_WORDS = /len\(|size|max_|MAX|limit|LIMIT|length|bytes|BYTES/;
/** Rename or strip the client's name before it reaches a path. */
const PY_SANITISER = /secure_filename|get_valid_filename|get_valid_name|get_available_name|basename|uuid|token_hex|token_urlsafe|sanitize|sanitise|slugify|safe_join|hashlib|Path\([^()]*\)\.name\b|\.hexdigest\(/;
/** Stores the upload somewhere (disk or object storage), as opposed to parsing it in memory. */
const PY_STORE = /upload_fileobj|put_object|upload_file|upload_from_(file|string|filename)|\.upload\(|write_bytes|copyfileobj|\.save\(|open\(/;

type MessageId = 'contentTypeOnly' | 'clientFilename' | 'noSizeLimit' | 'servedFromStatic';
type Report = (r: ReportInput<MessageId>) => void;

export default defineRule({
  meta: {
    id: 'upload-content-type-only',
    category: 'security',
    title: 'File upload trusts client-supplied metadata',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'File Upload Security',
    effortHours: 2,
    fixScope: 'file',
    fixTitle: 'Secure the upload handling: check the bytes, cap the size, generate the stored name',
    messages: {
      contentTypeOnly: '`{{handler}}` accepts `{{file}}` by its client-supplied content type (`{{check}}`) and never looks at the bytes.',
      clientFilename: '`{{handler}}` writes the upload to a path built from the client-supplied file name (`{{code}}`).',
      noSizeLimit: '`{{handler}}` reads or stores the whole upload (`{{code}}`) with no size limit.',
      servedFromStatic: '`{{handler}}` saves uploads under `{{dir}}`, which the application serves as static files ({{served}}).',
    },
    why: [
      'The content type and the file name of an upload are whatever the client says. A check on `content_type == "image/png"` lets through an HTML page, an SVG with script, or a polyglot that the browser or a parser treats as something else.',
      '',
      '- A client-chosen file name such as `../../app/main.py` writes outside the upload folder and can overwrite code or configuration (path traversal), or silently replace another user\'s file.',
      '- Without a size limit, one request with a multi-gigabyte body fills the disk or the memory of the worker.',
      '- Files saved under a folder the app serves as static content are delivered from your own origin: an uploaded `.html` or `.svg` becomes stored XSS, and in some setups an uploaded script runs.',
    ].join('\n'),
    fix: [
      'Check the bytes (magic number or a real parser), cap the size while reading, store under a server-generated name outside any static folder, and serve downloads through a handler that sets `Content-Disposition: attachment` and the content type you detected.',
      '',
      '```python',
      'import uuid',
      '',
      'import magic',
      '',
      'MAX_BYTES = 5 * 1024 * 1024',
      'ALLOWED = {"image/png": ".png", "image/jpeg": ".jpg"}',
      '',
      '@router.post("/avatars")',
      'async def upload_avatar(file: UploadFile, user=Depends(get_current_user)):',
      '    data = await file.read(MAX_BYTES + 1)',
      '    if len(data) > MAX_BYTES:',
      '        raise HTTPException(413, "file too large")',
      '    kind = magic.from_buffer(data[:2048], mime=True)',
      '    if kind not in ALLOWED:',
      '        raise HTTPException(415, "unsupported file type")',
      '    path = MEDIA_ROOT / f"{uuid.uuid4().hex}{ALLOWED[kind]}"  # MEDIA_ROOT is not served statically',
      '    path.write_bytes(data)',
      '```',
      'Flask: set `app.config["MAX_CONTENT_LENGTH"]`, read `request.files["f"].stream` for the magic number, and save under `uuid4().hex` (or at least `secure_filename(f.filename)`) outside `static/`. Django: check `upload.size`, sniff the first chunk, and store through a `FileField` / `default_storage.save()` with a generated name.',
      '',
      'Express: `multer({ storage, limits: { fileSize: 5 * 1024 * 1024 } })`, then `fileTypeFromBuffer` from `file-type` on the buffer, and a random file name.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\npython-multipart==0.0.12\n',
        'main.py': [
          'from fastapi import FastAPI, HTTPException, UploadFile',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/avatars")',
          'async def upload_avatar(file: UploadFile):',
          '    if file.content_type not in ("image/png", "image/jpeg"):',
          '        raise HTTPException(status_code=415)',
          '    with open(f"uploads/{file.filename}", "wb") as out:',
          '        out.write(await file.read())',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\npython-multipart==0.0.12\npython-magic==0.4.27\n',
        'main.py': [
          'import uuid',
          '',
          'import magic',
          'from fastapi import FastAPI, HTTPException, UploadFile',
          '',
          'app = FastAPI()',
          'MAX_BYTES = 5 * 1024 * 1024',
          '',
          '',
          '@app.post("/avatars")',
          'async def upload_avatar(file: UploadFile):',
          '    data = await file.read(MAX_BYTES + 1)',
          '    if len(data) > MAX_BYTES:',
          '        raise HTTPException(status_code=413)',
          '    if magic.from_buffer(data[:2048], mime=True) not in ("image/png", "image/jpeg"):',
          '        raise HTTPException(status_code=415)',
          '    with open(f"media/{uuid.uuid4().hex}", "wb") as out:',
          '        out.write(data)',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [434, 22, 400],
      owasp: ['A04:2021', 'A01:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html'],
      equivalents: ['semgrep:python.flask.security.audit.secure-filename (partial)'],
    },
  },
  check({ index, files, report }) {
    const seen = new Set<string>();
    const emit: Report = (r) => {
      const key = `${r.at.file}:${r.at.startLine}:${r.messageId}`;
      if (seen.has(key)) return;
      seen.add(key);
      report(r);
    };
    const projectSizeLimit = hasProjectSizeLimit(index, files);
    const staticDirs = pythonStaticDirs(index, files);

    for (const file of files.ofKind('python', { containing: ['UploadFile', 'request.files', 'request.FILES', '.form()'], includeTests: false })) {
      if (!file.ast) continue;
      for (const fn of file.findAll({ kind: 'function_definition' })) {
        const vars = pyUploadVariables(fn);
        if (!vars.size) continue;
        checkPythonUpload(file, fn, vars, { projectSizeLimit, staticDirs, files }, emit);
      }
    }

    const jsStaticDirs = javascriptStaticDirs(files);
    for (const file of files.ofKind('js', { containing: ['multer', 'req.file', 'fileUpload'], includeTests: false }))
      checkJavascriptUploads(file, { projectSizeLimit, staticDirs: jsStaticDirs }, emit);
  },
});

// ---------------------------------------------------------------- Python

/** Names that hold an upload inside `fn`: `UploadFile` parameters, `request.files[...]`, Starlette form files, loop variables over them. */
function pyUploadVariables(fn: SyntaxNode): Set<string> {
  const vars = new Set<string>();
  for (const param of pyParameters(fn)) if (/\bUploadFile\b/.test(param.annotation?.text() ?? '')) vars.add(param.name);
  const forms = new Set<string>();
  for (const assign of fn.findAll({ rule: { kind: 'assignment' } })) {
    const left = assign.field('left');
    const right = assign.field('right')?.text() ?? '';
    if (left?.kind() !== 'identifier') continue;
    if (/^(await\s+)?request\.form\(\)/.test(right)) forms.add(left.text());
    else if (/\brequest\.(files|FILES)\b/.test(right)) vars.add(left.text());
    else if ([...forms].some((f) => new RegExp(`^${f}(\\[|\\.get\\(|\\.getlist\\()`).test(right))) vars.add(left.text());
  }
  for (const loop of fn.findAll({ rule: { kind: 'for_statement' } })) {
    const left = loop.field('left');
    const right = loop.field('right')?.text() ?? '';
    if (left?.kind() === 'identifier' && ([...vars].includes(right) || /\brequest\.(files|FILES)\b/.test(right))) vars.add(left.text());
  }
  if (/\brequest\.files\[/.test(fn.text())) vars.add('request.files');
  if (/\brequest\.FILES\[/.test(fn.text())) vars.add('request.FILES');
  return vars;
}

function isUploadExpr(text: string, vars: Set<string>): boolean {
  for (const v of vars) if (text === v || text.startsWith(`${v}.`) || text.startsWith(`${v}[`)) return true;
  return false;
}

interface PyContext {
  projectSizeLimit: boolean;
  staticDirs: { dir: string; served: string }[];
  files: ParsedFiles;
}

function checkPythonUpload(file: ParsedFile, fn: SyntaxNode, vars: Set<string>, ctx: PyContext, emit: Report): void {
  const handler = fn.field('name')?.text() ?? 'handler';
  const scopes = [{ node: fn, vars }, ...calleeScopes(fn, file.ast!, vars)];
  const scopeText = scopes.map((s) => s.node.text()).join('\n');
  const fileName = [...vars][0];
  const sinks = scopes.flatMap((s) => pyWriteSinks(s.node, s.vars));

  // contentTypeOnly: a content-type gate and nothing that reads the bytes, for a file that is stored.
  if (!CONTENT_INSPECTION.test(scopeText) && PY_STORE.test(scopeText)) {
    const check = scopes.flatMap((s) => conditionsOf(s.node)).find((c) => /\.(content_type|mimetype)\b|\bcontent_type\b/.test(c.text()));
    if (check) emit({ messageId: 'contentTypeOnly', at: file.locate(check), data: { handler, file: fileName, check: firstLine(check.text()) } });
  }

  for (const sink of sinks) {
    const owner = scopes.find((s) => s.node.range().start.index <= sink.call.range().start.index && sink.call.range().end.index <= s.node.range().end.index)?.node ?? fn;
    const ownerVars = scopes.find((s) => s.node === owner)?.vars ?? vars;
    // `upload.name` is the client's file name only on Django's UploadedFile (on Flask's FileStorage it is the form field).
    if (sink.path && taintedByFilename(sink.path, owner, /\bdjango\b/.test(file.text) ? ownerVars : new Set()))
      emit({ messageId: 'clientFilename', at: file.locate(sink.call), data: { handler, code: firstLine(sink.call.text()) }, severity: 'high' });
    if (sink.path) {
      const dir = normalisePath(literalsOf(sink.path, owner, file, ctx.files, 0).join('/'));
      const served = dir && ctx.staticDirs.find((s) => dir === s.dir || dir.startsWith(`${s.dir}/`));
      if (served) emit({ messageId: 'servedFromStatic', at: file.locate(sink.call), data: { handler, dir, served: served.served }, severity: 'high' });
    }
  }

  // noSizeLimit: a whole-file read/write and no comparison about size anywhere in the handler.
  if (ctx.projectSizeLimit) return;
  const hasSizeCheck = scopes.some((s) => conditionsOf(s.node).some((c) => SIZE_WORDS.test(c.text()))) || /spool_max_size|MAX_CONTENT_LENGTH/.test(scopeText);
  if (hasSizeCheck) return;
  for (const scope of scopes) {
    const read = wholeReads(scope.node, scope.vars)[0];
    if (read) {
      emit({ messageId: 'noSizeLimit', at: file.locate(read), data: { handler, code: firstLine(read.text()) }, severity: 'medium' });
      return;
    }
  }
}

/** Same-file helpers the handler calls, with the names the upload has inside them (parameters bound to an upload argument). */
function calleeScopes(fn: SyntaxNode, root: SyntaxNode, vars: Set<string>): { node: SyntaxNode; vars: Set<string> }[] {
  const out: { node: SyntaxNode; vars: Set<string> }[] = [];
  for (const helper of pyLocalCallees(fn, root, 2)) {
    const name = helper.field('name')?.text();
    const params = pyParameters(helper).filter((p) => p.name !== 'self' && p.name !== 'cls');
    const bound = new Set<string>(params.filter((p) => /\bUploadFile\b/.test(p.annotation?.text() ?? '')).map((p) => p.name));
    for (const call of findPyCalls(fn, new RegExp(`(^|\\.)${name}$`))) {
      call.args.forEach((arg, i) => {
        if (isUploadExpr(arg.text(), vars) && params[i]) bound.add(params[i].name);
      });
      for (const [key, value] of call.keywords) if (isUploadExpr(value.text(), vars)) bound.add(key);
    }
    out.push({ node: helper, vars: bound });
  }
  return out;
}

/** Conditions of if/elif/while/assert and every comparison (a check may be computed before the `if`). */
function conditionsOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const n of node.findAll({ rule: { any: [{ kind: 'if_statement' }, { kind: 'elif_clause' }, { kind: 'while_statement' }] } })) {
    const condition = n.field('condition');
    if (condition) out.push(condition);
  }
  for (const n of node.findAll({ rule: { any: [{ kind: 'assert_statement' }, { kind: 'comparison_operator' }] } })) out.push(n);
  return out.sort((a, b) => a.range().start.index - b.range().start.index);
}

/** `await file.read()`, `file.file.read()`, `shutil.copyfileobj(file.file, …)`, Flask `file.save(path)`. */
function wholeReads(node: SyntaxNode, vars: Set<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const call of findPyCalls(node, /(\.read|\.save|copyfileobj)$/)) {
    const object = call.callee.replace(/\.(read|save)$/, '');
    if (/\.read$/.test(call.callee) && !call.args.length && !call.keywords.size && isUploadExpr(object, vars)) out.push(call.node);
    else if (/\.save$/.test(call.callee) && isUploadExpr(object, vars)) out.push(call.node);
    else if (/copyfileobj$/.test(call.callee) && call.args[0] && isUploadExpr(call.args[0].text(), vars) && call.args.length < 3) out.push(call.node);
  }
  return out;
}

/** Writes to the file system: `open(p, "wb")`, `aiofiles.open(p, "wb")`, `upload.save(p)`, `Path(p).write_bytes(…)`. */
function pyWriteSinks(node: SyntaxNode, vars: Set<string>): { call: SyntaxNode; path?: SyntaxNode }[] {
  const out: { call: SyntaxNode; path?: SyntaxNode }[] = [];
  for (const call of findPyCalls(node, /(^|\.)(open|save|write_bytes|write_text)$/)) {
    const last = call.callee.split('.').pop();
    if (last === 'open' && (call.callee === 'open' || /aiofiles\.open$/.test(call.callee))) {
      const mode = stringText(call.args[1] ?? call.keywords.get('mode'));
      if (mode && /[wax]/.test(mode)) out.push({ call: call.node, path: call.args[0] });
    } else if (last === 'open') {
      // pathlib: target.open("wb")
      const mode = stringText(call.args[0] ?? call.keywords.get('mode'));
      const object = call.node.field('function')?.field('object');
      if (mode && /[wax]/.test(mode) && object) out.push({ call: call.node, path: object });
    } else if (last === 'save' && isUploadExpr(call.callee.replace(/\.save$/, ''), vars)) {
      out.push({ call: call.node, path: call.args[0] ?? call.keywords.get('dst') });
    } else if (last === 'write_bytes' || last === 'write_text') {
      const object = call.node.field('function')?.field('object');
      if (object) out.push({ call: call.node, path: object });
    }
  }
  return out;
}

/** Whether a path expression carries `x.filename` (Flask, Starlette) or `upload.name` (Django's `UploadedFile`), directly or through local variables, without a sanitiser. */
function taintedByFilename(path: SyntaxNode, scope: SyntaxNode, vars: Set<string> = new Set()): boolean {
  const seen = new Set<string>();
  const djangoName = [...vars].filter((v) => /^\w+$/.test(v)).map((v) => new RegExp(`\\b${v}\\.name\\b`));
  const visit = (node: SyntaxNode, depth: number): boolean => {
    const text = node.text();
    if (PY_SANITISER.test(text)) return false;
    if (/\.filename\b/.test(text) || djangoName.some((r) => r.test(text))) return true;
    if (depth > 4) return false;
    const names = node.kind() === 'identifier' ? [node] : node.findAll({ rule: { kind: 'identifier' } });
    for (const name of names) {
      if (name.parent()?.kind() === 'attribute' && name.parent()?.field('attribute')?.range().start.index === name.range().start.index) continue;
      const id = name.text();
      if (seen.has(id)) continue;
      seen.add(id);
      const assigned = pyAssignmentsBefore(scope, id, path.range().start.index);
      const last = assigned[assigned.length - 1];
      if (last && visit(last.value, depth + 1)) return true;
    }
    return false;
  };
  return visit(path, 0);
}

/** String pieces of a path expression in order, following local and module-level constants. */
function literalsOf(node: SyntaxNode, scope: SyntaxNode | undefined, file: ParsedFile, files: ParsedFiles, depth: number): string[] {
  if (depth > 4) return [];
  const kind = node.kind();
  if (kind === 'string') {
    const pieces: string[] = [];
    for (const child of node.children()) {
      if (child.kind() === 'string_content') pieces.push(child.text());
      else if (child.kind() === 'interpolation') break; // only the literal prefix names a folder
    }
    return pieces.length ? [pieces.join('')] : [];
  }
  if (kind === 'identifier') return resolveConstant(node.text(), node, scope, file, files, depth);
  if (kind === 'subscript' && /(^|\.)config$/.test(node.field('value')?.text() ?? '')) return resolveFlaskConfig(pyStringLiteral(node.field('subscript')), files, depth);
  if (kind === 'attribute') return resolveSettingsField(node, files, depth);
  if (kind === 'call') {
    const args = node.field('arguments');
    const callee = node.field('function')?.text() ?? '';
    if (/(^|\.)(Path|join|PurePath)$/.test(callee) || callee === 'str' || callee === 'os.path.join') return args ? literalsOf(args, scope, file, files, depth) : [];
    return [];
  }
  return node.children().filter((c) => c.isNamed()).flatMap((c) => literalsOf(c, scope, file, files, depth));
}

function resolveConstant(name: string, at: SyntaxNode, scope: SyntaxNode | undefined, file: ParsedFile, files: ParsedFiles, depth: number): string[] {
  if (scope) {
    const local = pyAssignmentsBefore(scope, name, at.range().start.index);
    if (local.length) return literalsOf(local[local.length - 1].value, scope, file, files, depth + 1);
  }
  const moduleLevel = (f: ParsedFile) =>
    f.ast?.children().find((s) => s.kind() === 'expression_statement' && s.child(0)?.kind() === 'assignment' && s.child(0)?.field('left')?.text() === name)?.child(0)?.field('right');
  const own = moduleLevel(file);
  if (own) return literalsOf(own, undefined, file, files, depth + 1);
  if (!/^[A-Z][A-Z0-9_]+$/.test(name)) return [];
  for (const other of files.ofKind('python', { containing: [`${name} =`], includeTests: false })) {
    const value = moduleLevel(other);
    if (value) return literalsOf(value, undefined, other, files, depth + 1);
  }
  return [];
}

/** Flask's `app.config["UPLOAD_FOLDER"]` → the literal assigned to `….config["UPLOAD_FOLDER"]` or an `UPLOAD_FOLDER = …` config attribute. */
function resolveFlaskConfig(key: string | undefined, files: ParsedFiles, depth: number): string[] {
  if (!key || !/^[A-Z][A-Z0-9_]*$/.test(key)) return [];
  for (const file of files.ofKind('python', { containing: [key], includeTests: false })) {
    for (const assign of file.findAll({ kind: 'assignment' })) {
      const left = assign.field('left');
      const right = assign.field('right');
      if (!left || !right) continue;
      const byKey = left.kind() === 'subscript' && /(^|\.)config$/.test(left.field('value')?.text() ?? '') && pyStringLiteral(left.field('subscript')) === key;
      const byAttribute = left.kind() === 'identifier' && left.text() === key;
      if (byKey || byAttribute) return literalsOf(right, undefined, file, files, depth + 1);
    }
  }
  return [];
}

function pyStringLiteral(node: SyntaxNode | null | undefined): string | undefined {
  return node ? stringText(node) : undefined;
}

/** `settings.avatar_dir` → the default of `avatar_dir: str = "static/avatars"` in a Settings/Config class. */
function resolveSettingsField(node: SyntaxNode, files: ParsedFiles, depth: number): string[] {
  const object = node.field('object');
  const name = node.field('attribute')?.text();
  if (!name || object?.kind() !== 'identifier' || !/settings|config|conf|cfg/i.test(object.text())) return [];
  for (const file of files.ofKind('python', { containing: [name], includeTests: false })) {
    for (const klass of file.findAll({ kind: 'class_definition' })) {
      if (!/settings|config/i.test(klass.field('name')?.text() ?? '')) continue;
      for (const statement of klass.field('body')?.children() ?? []) {
        const assign = statement.kind() === 'expression_statement' ? statement.child(0) : undefined;
        const value = assign?.kind() === 'assignment' && assign.field('left')?.text() === name ? assign.field('right') : undefined;
        if (value) return literalsOf(value, undefined, file, files, depth + 1);
      }
    }
  }
  return [];
}

/** Folders served as static files: `StaticFiles(directory=…)`, Flask's `static_folder` (default `static`). */
function pythonStaticDirs(index: RepoIndex, files: ParsedFiles): { dir: string; served: string }[] {
  const out: { dir: string; served: string }[] = [];
  for (const file of files.ofKind('python', { containing: ['StaticFiles', 'Flask('], includeTests: false })) {
    for (const call of findPyCalls(file.ast, /(^|\.)(StaticFiles|Flask)$/)) {
      const isFlask = /Flask$/.test(call.callee);
      const dirNode = isFlask ? call.keywords.get('static_folder') : (call.keywords.get('directory') ?? call.args[0]);
      const dir = dirNode ? normalisePath(literalsOf(dirNode, undefined, file, files, 0).join('/')) : isFlask ? 'static' : '';
      const served = dirNode ? `\`${firstLine(call.node.text())}\`` : `Flask's default \`static\` folder`;
      if (dir && dirNode?.kind() !== 'none') out.push({ dir, served });
    }
  }
  return out;
}

// ---------------------------------------------------------------- JavaScript

function checkJavascriptUploads(file: ParsedFile, ctx: { projectSizeLimit: boolean; staticDirs: { dir: string; served: string }[] }, emit: Report): void {
  if (!file.ast) return;
  const inspects = CONTENT_INSPECTION.test(file.text);
  const stores = /diskStorage|\bdest\s*:|writeFile|createWriteStream|PutObjectCommand|putObject|\.upload\(|\.mv\(/.test(file.text);

  for (const call of findJsCalls(file.ast, /^multer$/)) {
    const options = call.args[0];
    const handler = enclosingName(call.node) ?? 'multer';
    const limits = jsObjectProperty(options, 'limits');
    if (!ctx.projectSizeLimit && !(limits && /fileSize/.test(limits.text())))
      emit({ messageId: 'noSizeLimit', at: file.locate(call.node), data: { handler, code: `multer(${optionKeys(options)})` }, severity: 'medium' });
    const dest = jsObjectProperty(options, 'dest');
    const storage = jsObjectProperty(options, 'storage');
    const destinations: SyntaxNode[] = dest ? [dest] : [];
    if (storage) {
      const disk = storageConfig(file, storage);
      const destination = jsObjectProperty(disk, 'destination');
      if (destination) destinations.push(destination);
      const filename = jsObjectProperty(disk, 'filename');
      if (filename && options && /preservePath\s*:\s*true/.test(options.text()) && /originalname/.test(filename.text()) && !JS_SANITISER.test(filename.text()))
        emit({ messageId: 'clientFilename', at: file.locate(filename), data: { handler, code: firstLine(filename.text()) }, severity: 'high' });
    }
    for (const destination of destinations) {
      const dir = normalisePath(jsLiterals(destination).join('/'));
      const served = dir && ctx.staticDirs.find((s) => dir === s.dir || dir.startsWith(`${s.dir}/`));
      if (served) emit({ messageId: 'servedFromStatic', at: file.locate(destination.parent() ?? destination), data: { handler, dir, served: served.served }, severity: 'high' });
    }
    const filter = jsObjectProperty(options, 'fileFilter');
    const filterFn = filter && (isJsFunction(filter) ? filter : findJsFunction(file, filter.text()));
    if (filterFn && !inspects && stores) {
      const check = mimetypeChecks(filterFn)[0];
      if (check) emit({ messageId: 'contentTypeOnly', at: file.locate(check), data: { handler: `${handler} fileFilter`, file: mimetypeOwner(check.text()), check: compact(check.text()) } });
    }
  }

  // Handlers that gate `req.file.mimetype` themselves.
  if (!inspects && stores) {
    for (const node of file.findAll({ kind: 'if_statement' })) {
      const condition = node.field('condition');
      if (!condition || !/\breq\.files?\b[\w.[\]'"]*\.mimetype\b|\b(file|upload|image|avatar)\w*\.mimetype\b/.test(condition.text())) continue;
      if (!/req\.files?\b/.test(enclosingFunction(node)?.text() ?? '')) continue;
      const check = condition.text().replace(/^\((.*)\)$/s, '$1');
      emit({ messageId: 'contentTypeOnly', at: file.locate(condition), data: { handler: enclosingName(node) ?? 'handler', file: mimetypeOwner(check), check: compact(check) } });
    }
  }

  // express-fileupload: `file.mv(path.join(dir, file.name))`, and `fileUpload()` without limits.
  for (const call of findJsCalls(file.ast, /\.mv$/)) {
    const target = call.args[0];
    if (target && /\.name\b/.test(target.text()) && /req\.files/.test(enclosingFunction(call.node)?.text() ?? '') && !JS_SANITISER.test(target.text()))
      emit({ messageId: 'clientFilename', at: file.locate(call.node), data: { handler: enclosingName(call.node) ?? 'handler', code: firstLine(call.node.text()) }, severity: 'high' });
  }
  for (const call of findJsCalls(file.ast, /^fileUpload$/)) {
    const limits = jsObjectProperty(call.args[0], 'limits');
    if (!ctx.projectSizeLimit && !(limits && /fileSize/.test(limits.text())))
      emit({ messageId: 'noSizeLimit', at: file.locate(call.node), data: { handler: 'fileUpload', code: firstLine(call.node.text()) }, severity: 'medium' });
  }
}

const JS_SANITISER = /basename|uuid|randomUUID|randomBytes|nanoid|sanitize|sanitise|slugify|crypto\./;

function mimetypeChecks(fn: SyntaxNode): SyntaxNode[] {
  return fn
    .findAll({ rule: { any: [{ kind: 'binary_expression' }, { kind: 'call_expression' }] } })
    .filter((n) => /\.mimetype\b/.test(n.text()) && (n.kind() === 'binary_expression' || /\.(includes|startsWith|test|match|endsWith)$/.test(describeJsCall(n)?.callee ?? '')))
    .sort((a, b) => a.range().start.index - b.range().start.index)
    .filter((n, i, all) => !all.slice(0, i).some((outer) => outer.range().end.index >= n.range().end.index));
}

function storageConfig(file: ParsedFile, storage: SyntaxNode): SyntaxNode | undefined {
  const call = storage.kind() === 'call_expression' ? storage : findJsInitializer(file, storage.text());
  const described = call && describeJsCall(call);
  return described && /diskStorage$/.test(described.callee) ? described.args[0] : undefined;
}

function findJsInitializer(file: ParsedFile, name: string): SyntaxNode | undefined {
  for (const declarator of file.findAll({ kind: 'variable_declarator' }))
    if (declarator.field('name')?.text() === name) return declarator.field('value') ?? undefined;
  return undefined;
}

function findJsFunction(file: ParsedFile, name: string): SyntaxNode | undefined {
  const init = findJsInitializer(file, name);
  if (init && isJsFunction(init)) return init;
  return file.findAll({ kind: 'function_declaration' }).find((f) => f.field('name')?.text() === name);
}

/** String literals in a JS expression, in order (for `path.join(__dirname, 'public')` → ['public']). */
function jsLiterals(node: SyntaxNode): string[] {
  const value = jsStringValue(node);
  if (value !== undefined) return [value];
  return node
    .findAll({ rule: { any: [{ kind: 'string' }, { kind: 'template_string' }] } })
    .map((n) => jsStringValue(n) ?? (n.kind() === 'template_string' ? n.text().slice(1).split('${')[0] : undefined))
    .filter((s): s is string => s !== undefined && s !== '');
}

function javascriptStaticDirs(files: ParsedFiles): { dir: string; served: string }[] {
  const out: { dir: string; served: string }[] = [];
  for (const file of files.ofKind('js', { containing: ['static('], includeTests: false })) {
    for (const call of findJsCalls(file.ast, /(^|\.)static$/)) {
      const dir = call.args[0] ? normalisePath(jsLiterals(call.args[0]).join('/')) : '';
      if (dir) out.push({ dir, served: `\`${firstLine(call.node.text())}\`` });
    }
  }
  return out;
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent(); current; current = current.parent()) if (isJsFunction(current)) return current;
  return undefined;
}

function enclosingName(node: SyntaxNode): string | undefined {
  for (let current = node.parent(); current; current = current.parent()) {
    if (current.kind() === 'function_declaration' || current.kind() === 'method_definition') return current.field('name')?.text();
    if (current.kind() === 'variable_declarator') return current.field('name')?.text();
    if (current.kind() === 'call_expression') {
      const route = describeJsCall(current);
      const path = route && /\.(post|put|patch|all|use)$/.test(route.callee) ? jsStringValue(route.args[0]) : undefined;
      if (path) return `${route!.callee.split('.').pop()!.toUpperCase()} ${path}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- shared


function stringText(node: SyntaxNode | undefined): string | undefined {
  if (!node || node.kind() !== 'string') return undefined;
  return node.children().filter((c) => c.kind() === 'string_content').map((c) => c.text()).join('');
}

function normalisePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
}

/** `{ storage, fileFilter }` for an options object, '' without options. */
function optionKeys(options: SyntaxNode | undefined): string {
  if (options?.kind() !== 'object') return options ? options.text() : '';
  const keys = options
    .children()
    .map((c) => (c.kind() === 'pair' ? c.field('key')?.text() : c.kind() === 'shorthand_property_identifier' ? c.text() : undefined))
    .filter((k): k is string => Boolean(k));
  return `{ ${keys.join(', ')} }`;
}

/** `avatar` in `!avatar.mimetype.startsWith(…)`, `req.file` in `req.file.mimetype === …`. */
function mimetypeOwner(text: string): string {
  return /([\w.]+?)\.mimetype\b/.exec(text)?.[1] ?? 'file';
}

/** One line, whitespace collapsed, at most 80 characters. */
function compact(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length < text.length ? `${line} …` : line;
}

