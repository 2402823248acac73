import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import { dirOf, repoFolders } from '../../facts/repo-paths.ts';
import type { RepoIndex } from '../../model/repo-index.ts';
import { defineRule, type RuleContext } from '../../model/rule.ts';
import { jsStringValue } from '../../parse/js-syntax.ts';
import { enclosingPyFunction, pyFunctionName, pyTopLevelNames } from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Top-level modules of the standard library and packages often imported without being declared. */
const PY_EXTERNAL = new Set(
  (
    'abc argparse array ast asyncio atexit base64 binascii bisect builtins calendar cgi cmath codecs collections colorsys concurrent configparser contextlib contextvars copy csv ctypes dataclasses datetime decimal difflib dis email encodings enum errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc getpass gettext glob graphlib gzip hashlib heapq hmac html http imaplib importlib inspect io ipaddress itertools json keyword linecache locale logging lzma mailbox math mimetypes mmap multiprocessing netrc numbers operator os pathlib pickle pkgutil platform plistlib poplib posixpath pprint profile pstats pty pwd queue quopri random re readline reprlib resource runpy sched secrets select selectors shelve shlex shutil signal site smtplib socket socketserver sqlite3 ssl stat statistics string stringprep struct subprocess sys sysconfig syslog tarfile tempfile termios textwrap threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty types typing typing_extensions unicodedata unittest urllib uuid venv warnings wave weakref webbrowser wsgiref xml xmlrpc zipfile zipimport zlib zoneinfo __future__ ' +
    'alembic anthropic boto3 botocore celery django fastapi flask httpx jose jwt numpy openai pandas pydantic pydantic_settings pytest redis requests sqlalchemy sqlmodel starlette stripe twilio uvicorn yaml dotenv PIL cv2 sklearn bs4 qdrant_client svix sendgrid sentry_sdk structlog'
  ).split(' '),
);
/** Distribution names whose import name differs. */
const IMPORT_NAME: Record<string, string> = { pyyaml: 'yaml', pillow: 'PIL', 'python-dotenv': 'dotenv', beautifulsoup4: 'bs4', 'scikit-learn': 'sklearn', 'opencv-python': 'cv2', 'opencv-python-headless': 'cv2', 'python-jose': 'jose', pyjwt: 'jwt', 'psycopg2-binary': 'psycopg2', 'qdrant-client': 'qdrant_client', 'sentry-sdk': 'sentry_sdk', 'google-cloud-storage': 'google' };
/** Modules produced by a build step (protobuf, versioning tools, code generators). */
const GENERATED = /(_pb2(_grpc)?|_version|generated|__generated__|\.gen)$/;
const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.d.ts', '.json', '.vue', '.svelte', '.astro'];

export default defineRule({
  meta: {
    id: 'project-import-missing',
    category: 'completeness',
    title: 'Import of a project module that does not exist',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Implementation Completeness',
    effortHours: 1,
    messages: {
      moduleMissing: '`{{statement}}` imports `{{module}}`, but the project has no {{expected}}: {{when}} with ModuleNotFoundError.',
      nameMissing: '`{{statement}}` imports `{{name}}` from `{{module}}` ({{file}}), which defines no `{{name}}`: {{when}} with ImportError.',
      jsModuleMissing: '`{{specifier}}` imported by {{file}} does not exist (no {{expected}}): the build fails, or the module crashes when it is loaded.',
    },
    why: [
      'The code imports a module of the project that is not in the repository: a file that was never committed, renamed without updating its importers, or promised by a plan and never written. Python raises `ModuleNotFoundError` / `ImportError` when the import runs — at start-up for a module-level import, so the service never boots, or on the first request for an import inside a function. TypeScript fails to build; a bundler or Node fails to load the module.',
      '',
      'It is the clearest sign that the repository does not match what was deployed or documented.',
    ].join('\n'),
    fix: [
      'Commit the missing module, fix the import path to where the code really lives, or remove the import and the code that depends on it. Catch it in CI: run the app\'s import (`python -c "import app.main"`), `mypy`/`pyright`, or `tsc --noEmit` on every push.',
      '',
      '```python',
      '# was: from backend.core.webrtc_handler import WebRTCHandler  (the file was never added)',
      'from backend.core.websocket_handler import WebSocketHandler',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/__init__.py': '',
        'app/main.py': 'from fastapi import FastAPI\n\nfrom app.core.webrtc_handler import WebRTCHandler\n\napp = FastAPI()\n',
        'app/core/__init__.py': '',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/__init__.py': '',
        'app/main.py': 'from fastapi import FastAPI\n\nfrom app.core.websocket_handler import WebSocketHandler\n\napp = FastAPI()\n',
        'app/core/__init__.py': '',
        'app/core/websocket_handler.py': 'class WebSocketHandler:\n    pass\n',
      },
    },
    references: { cwe: [1164], urls: ['https://docs.python.org/3/reference/import.html#the-module-cache', 'https://peps.python.org/pep-0420/'] },
  },
  check({ index, files, report }) {
    const tree = pathTree(index);
    const external = new Set(PY_EXTERNAL);
    for (const dep of index.dependencies) if (dep.ecosystem === 'pypi') external.add(IMPORT_NAME[dep.name.toLowerCase()] ?? dep.name.toLowerCase().replace(/-/g, '_'));
    for (const file of files.ofKind('python', { containing: ['import'], includeTests: false })) {
      if (file.ast && !/(^|\/)(migrations|alembic\/versions)\//.test(file.path)) checkPython(file, files, tree, external, report);
    }
    for (const file of files.ofKind('js', { containing: ["'./", '"./', "'../", '"../', '`./', '`../'], includeTests: false })) if (file.ast) checkJs(file, tree, report);
  },
});

type Report = RuleContext['report'];

interface PathTree {
  files: ReadonlySet<string>;
  /** Directories holding at least one `.py` file at any depth. */
  pyDirs: Set<string>;
  dirs: Set<string>;
}

function pathTree(index: RepoIndex): PathTree {
  const pyDirs = new Set<string>();
  for (const p of index.paths) if (p.endsWith('.py')) for (let dir = dirOf(p); dir; dir = dirOf(dir)) pyDirs.add(dir);
  return { files: index.paths, pyDirs, dirs: repoFolders(index) };
}

const join = (...parts: string[]) => parts.filter(Boolean).join('/');

/** A Python module path (`app/core/x`) as a file, a package or a namespace package. */
function pyModuleFile(tree: PathTree, path: string): string | undefined {
  if (tree.files.has(`${path}.py`)) return `${path}.py`;
  if (tree.files.has(`${path}/__init__.py`)) return `${path}/__init__.py`;
  if (tree.pyDirs.has(path)) return `${path}/`;
  return undefined;
}

/** Inside `try: … except ImportError` (an optional import) or `if TYPE_CHECKING:`. */
function isGuardedImport(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    if (current.kind() === 'try_statement' && current.children().some((c) => c.kind() === 'except_clause' && /ImportError|ModuleNotFoundError|Exception|except\s*:/.test(c.text().split('\n')[0]))) return true;
    if (current.kind() === 'if_statement' && /TYPE_CHECKING|sys\.version_info|sys\.platform|find_spec/.test(current.field('condition')?.text() ?? '')) return true;
  }
  return false;
}

function checkPython(file: ParsedFile, files: ParsedFiles, tree: PathTree, external: Set<string>, report: Report): void {
  const dir = file.path.split('/').slice(0, -1);
  // Absolute imports resolve from import roots: ancestor folders not inside a regular package
  // (`backend/` when `backend/__init__.py` exists is a package, so `backend/services/` is not a root).
  const roots: string[] = [];
  for (let n = 0; n <= dir.length; n++) {
    const root = dir.slice(0, n).join('/');
    if (tree.files.has(join(root, '__init__.py'))) break;
    roots.push(root);
  }
  for (const stmt of file.findAll({ any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] })) {
    if (isGuardedImport(stmt)) continue;
    const fn = enclosingPyFunction(stmt);
    const when = fn ? `\`${pyFunctionName(fn)}\` fails when it runs` : 'the module fails to import (the app does not start)';
    const statement = codeSpanText(stmt, 80);
    const targets: { module: string; names: string[] }[] = [];
    if (stmt.kind() === 'import_statement') {
      for (const c of stmt.children()) {
        const name = c.kind() === 'dotted_name' ? c.text() : c.kind() === 'aliased_import' ? c.field('name')?.text() : undefined;
        if (name) targets.push({ module: name, names: [] });
      }
    } else {
      const moduleNode = stmt.field('module_name');
      const module = moduleNode?.text() ?? '';
      if (module === '__future__') continue;
      const names: string[] = [];
      for (const c of stmt.children()) {
        if (c.range().start.index === moduleNode?.range().start.index) continue;
        if (c.kind() === 'dotted_name') names.push(c.text());
        if (c.kind() === 'aliased_import') names.push(c.field('name')?.text() ?? '');
      }
      targets.push({ module, names: names.filter(Boolean) });
    }
    for (const { module, names } of targets) {
      if (GENERATED.test(module)) continue;
      const dots = /^\.*/.exec(module)![0].length;
      const segments = module.slice(dots).split('.').filter(Boolean);
      let candidates: string[];
      if (dots > 0) {
        if (dots - 1 > dir.length) continue;
        candidates = [join(...dir.slice(0, dir.length - (dots - 1)), ...segments)];
      } else {
        const top = segments[0];
        // The standard library and declared dependencies win over a same-named file in a namespace folder.
        if (external.has(top)) continue;
        const owning = roots.filter((r) => tree.files.has(join(r, `${top}.py`)) || tree.files.has(join(r, top, '__init__.py')) || tree.pyDirs.has(join(r, top)));
        if (!owning.length) continue;
        candidates = owning.map((r) => join(r, ...segments));
      }
      const found = candidates.map((c) => ({ path: c, file: segments.length || dots ? pyModuleFile(tree, c) : undefined })).find((c) => c.file);
      if (!found && segments.length) {
        report({
          messageId: 'moduleMissing',
          at: file.locate(stmt),
          data: { statement, module, expected: `\`${candidates[0]}.py\` or \`${candidates[0]}/\``, when },
        });
        continue;
      }
      // `from pkg.mod import name`: the name must be bound in the module or be a submodule.
      const base = found?.path ?? candidates[0];
      const moduleFile = found?.file ?? (tree.files.has(join(base, '__init__.py')) ? join(base, '__init__.py') : undefined);
      for (const name of names) {
        if (pyModuleFile(tree, join(base, name))) continue;
        const parsed = moduleFile && !moduleFile.endsWith('/') ? files.get(moduleFile) : undefined;
        if (!parsed?.ast) {
          // `from . import x` in a folder with no `__init__.py` and no `x` module
          if (dots && !segments.length && !moduleFile) report({ messageId: 'moduleMissing', at: file.locate(stmt), data: { statement, module: `${module}${name}`, expected: `\`${join(base, name)}.py\``, when } });
          continue;
        }
        const bound = pyTopLevelNames(parsed.ast);
        if (bound.dynamic || bound.names.has(name)) continue;
        report({ messageId: 'nameMissing', at: file.locate(stmt), data: { statement, name, module: module || '.', file: parsed.path, when } });
      }
    }
  }
}

function checkJs(file: ParsedFile, tree: PathTree, report: Report): void {
  const dir = file.path.split('/').slice(0, -1);
  const sources: { node: SyntaxNode; specifier: string }[] = [];
  for (const node of file.findAll({ any: [{ kind: 'import_statement' }, { kind: 'export_statement' }, { kind: 'call_expression' }] })) {
    let source: SyntaxNode | undefined;
    if (node.kind() === 'call_expression') {
      const callee = node.field('function')?.text();
      if (callee !== 'require' && callee !== 'import') continue;
      source = node.field('arguments')?.children().find((c) => c.isNamed());
    } else source = node.field('source') ?? undefined;
    const specifier = jsStringValue(source);
    if (specifier && /^\.\.?\//.test(specifier)) sources.push({ node, specifier });
  }
  for (const { node, specifier } of sources) {
    const clean = specifier.replace(/[?#].*$/, '');
    if (GENERATED.test(clean.replace(/\.\w+$/, '')) || /(^|\/)(generated|__generated__)(\/|$)/.test(clean)) continue;
    const parts: string[] = [];
    for (const part of [...dir, ...clean.split('/')]) {
      if (part === '.' || part === '') continue;
      if (part === '..') {
        if (!parts.length) {
          parts.push('..');
          break;
        }
        parts.pop();
      } else parts.push(part);
    }
    if (parts[0] === '..') continue; // outside the repository
    const target = parts.join('/');
    if (jsTargetExists(tree, target)) continue;
    report({
      messageId: 'jsModuleMissing',
      at: file.locate(node),
      data: { specifier, file: `\`${file.path}\``, expected: `\`${target}\`, \`${target}.ts\` / \`.js\` or \`${target}/index.ts\`` },
    });
  }
}

function jsTargetExists(tree: PathTree, target: string): boolean {
  if (tree.files.has(target)) return true;
  const bare = target.replace(/\.(m|c)?(j|t)sx?$/, '');
  for (const ext of JS_EXTENSIONS) if (tree.files.has(bare + ext) || tree.files.has(target + ext)) return true;
  for (const ext of JS_EXTENSIONS) if (tree.files.has(`${target}/index${ext}`)) return true;
  // A folder imported as a package (its package.json names the entry).
  return tree.files.has(`${target}/package.json`);
}
