/**
 * Files and modules that configuration and docs say the project has: what Dockerfile `CMD` /
 * `ENTRYPOINT` / `RUN` and `COPY` sources, compose `command:` / `entrypoint:`, package.json
 * scripts and Procfile processes run (`python backend/core/webrtc_handler.py`, `uvicorn
 * app.main:app`, `node dist/server.js`), and the local links and source paths in README and docs.
 * Existence is checked against every path in the repository (RepoIndex.paths).
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex } from '../model/repo-index.ts';
import { composeServices } from './compose.ts';
import { buildContextOf, composeBuildContexts, contextSources, instructionWords, shellWords } from './dockerfile-stages.ts';
import { dirOf, normalisePath, repoFolders } from './repo-paths.ts';
import { yamlEntries, yamlScalar, type YamlNode } from './yaml-nodes.ts';

export interface ReferencedPath {
  /** What refers to it: `Dockerfile CMD`, `docker-compose.yml service api`, `package.json script "start"`, `Procfile web`, `README.md`. */
  source: string;
  kind: 'file' | 'module' | 'copy' | 'doc-link' | 'doc-path';
  /** A module an application server or task runner loads (`uvicorn app.main:app`): always project code, unlike `python -m pip`. */
  app?: boolean;
  /** As written: `backend/main.py`, `app.main`, `docs/deploy.md`. */
  target: string;
  /** The command or line it appears in, for messages. */
  context: string;
  at: Location;
  /** How to look it up: relative to `base` only, or anywhere in the repository by its trailing path segments. */
  match: 'exact' | 'suffix';
  base: string;
}

/** Launchers whose first positional argument is a module path (`app.main:app`). */
const ASGI_SERVERS = /^(uvicorn|gunicorn|hypercorn|daphne|granian|waitress-serve)$/;
/** Options of those launchers that take a value (so the value is not the app). */
const VALUE_OPTIONS = /^(-w|--workers|-k|--worker-class|-b|--bind|--host|--port|--log-level|--timeout|-t|--threads|--graceful-timeout|--keep-alive|--max-requests|--max-requests-jitter|--access-logfile|--error-logfile|--forwarded-allow-ips|--root-path|--proxy-headers|--uds|--fd|--env-file|--ws|--loop|--http|--interface|--limit-concurrency|--backlog|-p|--name|-n|--user|-u|--group|-g|--pid|--worker-connections|--ssl-keyfile|--ssl-certfile)$/;
const NODE_RUNNERS = /^(node|nodemon|ts-node|ts-node-dev|tsx|bun|esno|babel-node)$/;
/** Build output: made by a build step (a `RUN npm run build`, a compile script), not committed. */
const SKIP_DIRS = /^(\/?[\w.-]+\/)*?(dist|build|out|\.next|coverage|\.output|target|bin|node_modules|\.venv|venv|site-packages)\//;


/** Targets a command line runs: script files and Python modules. */
export function commandTargets(command: string): { kind: 'file' | 'module'; target: string; app?: boolean }[] {
  const out: { kind: 'file' | 'module'; target: string; app?: boolean }[] = [];
  for (const segment of command.split(/&&|\|\||;|\|/)) {
    let words = shellWords(segment.trim());
    if (words[0] === 'cd' || words.some((w) => w.includes('$') || w.includes('*') || w.includes('`'))) {
      if (words[0] === 'cd') break; // later segments run elsewhere
      continue;
    }
    // Wrappers: `exec`, env assignments, `poetry run`, `uv run`, `pipenv run`, `dumb-init --`, `tini --`, `gosu user`, `opentelemetry-instrument`, `ddtrace-run`.
    for (;;) {
      if (!words.length) break;
      const w = words[0];
      if (w === 'exec' || /^\w+=/.test(w) || /^(dumb-init|tini|ddtrace-run|opentelemetry-instrument|newrelic-admin|doppler|infisical)$/.test(w) || w === '--') words = words.slice(1);
      else if (/^(poetry|uv|pipenv|pdm|hatch|rye)$/.test(w) && words[1] === 'run') words = words.slice(2);
      else if (w === 'newrelic-admin' || (w === 'doppler' && words[1] === 'run')) words = words.slice(2);
      else if (w === 'gosu' || w === 'su-exec') words = words.slice(2);
      else if (w === 'npx' || w === 'pnpm' || w === 'yarn' || (w === 'npm' && words[1] === 'exec')) words = words.slice(w === 'npm' ? 2 : 1);
      else break;
    }
    const [cmd, ...args] = words;
    if (!cmd) continue;
    const name = cmd.split('/').pop() ?? cmd;
    if (/^python(\d(\.\d+)?)?$/.test(name)) {
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-m') {
          if (args[i + 1]) out.push({ kind: 'module', target: args[i + 1] });
          break;
        }
        if (a === '-c') break;
        if (a.startsWith('-')) continue;
        if (/\.py$/.test(a)) out.push({ kind: 'file', target: a });
        break;
      }
    } else if (ASGI_SERVERS.test(name)) {
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '--chdir' || a === '--app-dir') break; // relative to another folder
        if ((a === '-c' || a === '--config') && args[i + 1]) {
          if (/\.py$/.test(args[i + 1]) && !args[i + 1].startsWith('python:')) out.push({ kind: 'file', target: args[i + 1] });
          i++;
          continue;
        }
        if (VALUE_OPTIONS.test(a)) {
          i++;
          continue;
        }
        if (a.startsWith('-')) continue;
        const module = a.split(':')[0].replace(/\(.*$/, '');
        if (/^[A-Za-z_][\w.]*$/.test(module)) out.push({ kind: 'module', target: module, app: true });
        break;
      }
    } else if (name === 'celery' || name === 'flask' || name === 'rq' || name === 'dramatiq' || name === 'arq') {
      const i = args.findIndex((a) => a === '-A' || a === '--app');
      const value = i >= 0 ? args[i + 1] : args.find((a) => a.startsWith('--app='))?.slice(6);
      const module = value?.split(':')[0].replace(/\(.*$/, '');
      if (module && /^[A-Za-z_][\w.]*$/.test(module)) out.push({ kind: 'module', target: module, app: true });
      if ((name === 'dramatiq' || name === 'arq') && args[0] && !args[0].startsWith('-')) out.push({ kind: 'module', target: args[0].split(':')[0], app: true });
    } else if ((name === 'fastapi' || name === 'streamlit') && /^(run|dev)$/.test(args[0] ?? '') && args[1] && /\.py$/.test(args[1])) {
      out.push({ kind: 'file', target: args[1] });
    } else if (NODE_RUNNERS.test(name) || (name === 'deno' && args[0] === 'run')) {
      const file = (name === 'deno' ? args.slice(1) : args).find((a) => !a.startsWith('-') && /\.(c|m)?(j|t)sx?$/.test(a));
      if (file) out.push({ kind: 'file', target: file });
    } else if (/^(sh|bash|zsh)$/.test(name) && args[0] && !args[0].startsWith('-') && /\.(sh|bash)$/.test(args[0])) {
      out.push({ kind: 'file', target: args[0] });
    } else if (/^\.{0,2}\/.*\.(sh|py)$/.test(cmd)) {
      out.push({ kind: 'file', target: cmd });
    }
  }
  return out;
}

/** Whether a referenced path exists. */
export function referencedPathExists(index: RepoIndex, ref: Pick<ReferencedPath, 'kind' | 'target' | 'match' | 'base'>): boolean {
  return resolveReferencedPath(index, ref) !== undefined;
}

/** The file or folder a reference names, when it exists: relative to its base, from the root, or (suffix matching) by its trailing path segments. */
export function resolveReferencedPath(index: RepoIndex, ref: Pick<ReferencedPath, 'kind' | 'target' | 'match' | 'base'>): string | undefined {
  const dirs = repoFolders(index);
  const candidates = ref.kind === 'module' ? moduleFiles(ref.target) : [ref.target.replace(/^\.\//, '')];
  for (const candidate of candidates) {
    const relative = normalisePath(candidate.startsWith('/') && ref.match === 'exact' ? candidate : ref.base ? `${ref.base}/${candidate}` : candidate);
    if (index.paths.has(relative) || dirs.has(relative)) return relative;
    if (ref.match === 'exact') continue;
    // Inside an image the path is relative to WORKDIR (or absolute under it): match the trailing segments.
    const parts = normalisePath(candidate).split('/');
    const minimum = Math.min(parts.length, 2);
    for (let start = 0; parts.length - start >= minimum; start++) {
      const tail = parts.slice(start).join('/');
      if (index.paths.has(tail) || dirs.has(tail)) return tail;
      const full = suffixIndex(index).get(tail);
      if (full !== undefined) return full;
    }
  }
  return undefined;
}

/** `app.main` → `app/main.py`, `app/main/__init__.py`, the `app/main` folder. */
function moduleFiles(module: string): string[] {
  const path = module.replace(/\./g, '/');
  return [`${path}.py`, `${path}/__init__.py`, path];
}


const suffixMemo = new WeakMap<RepoIndex, Map<string, string>>();
/** Every trailing run of path segments of every file and folder (`c.py`, `b/c.py`, `a/b/c.py`), to the first path (in order) it ends. */
function suffixIndex(index: RepoIndex): Map<string, string> {
  let suffixes = suffixMemo.get(index);
  if (!suffixes) {
    suffixes = new Map();
    for (const p of [...index.paths, ...repoFolders(index)].sort()) {
      const parts = p.replace(/\/$/, '').split('/');
      for (let i = 0; i < parts.length; i++) {
        const tail = parts.slice(i).join('/');
        if (!suffixes.has(tail)) suffixes.set(tail, p.replace(/\/$/, ''));
      }
    }
    suffixMemo.set(index, suffixes);
  }
  return suffixes;
}

// ── Collecting references ──────────────────────────────────────────────────────────────────

/** Every path the project's configuration runs or copies, and the local paths its docs point to. */
export function referencedPaths(index: RepoIndex, files: ParsedFiles): ReferencedPath[] {
  return [...dockerfileReferences(files), ...composeReferences(files), ...packageScriptReferences(files), ...procfileReferences(files), ...docReferences(files)];
}

function dockerfileReferences(files: ParsedFiles): ReferencedPath[] {
  const out: ReferencedPath[] = [];
  const contexts = composeBuildContexts(files);
  for (const file of files.ofKind('dockerfile')) {
    if (!file.dockerfile) continue;
    const context = buildContextOf(file, contexts);
    for (const ins of file.dockerfile) {
      const at = file.locateLines(ins.startLine, ins.endLine);
      if (ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT' || ins.keyword === 'RUN') {
        const words = instructionWords(ins);
        const command = words.length >= 3 && /^(sh|bash|\/bin\/sh|\/bin\/bash)$/.test(words[0]) && words[1] === '-c' ? words.slice(2).join(' ') : words.map((w) => (/\s/.test(w) ? `"${w}"` : w)).join(' ');
        // RUN steps install and build; only the ones that run project scripts are references.
        for (const t of commandTargets(command)) {
          if ((ins.keyword === 'RUN' && t.kind === 'module') || SKIP_DIRS.test(t.target.replace(/^\.?\//, ''))) continue;
          out.push({ source: `${file.path} ${ins.keyword}`, kind: t.kind, target: t.target, app: t.app, context: command, at, match: 'suffix', base: '' });
        }
      } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        for (const src of contextSources(ins)) {
          if (/^[a-z]+:\/\//i.test(src) || /[*?[$]/.test(src) || /^\.\/?$/.test(src) || src.startsWith('<<') || SKIP_DIRS.test(src.replace(/^\.?\//, ''))) continue;
          out.push({ source: `${file.path} ${ins.keyword}`, kind: 'copy', target: src, context: ins.text.replace(/\s+/g, ' ').trim(), at, match: 'exact', base: context });
        }
      }
    }
  }
  return out;
}

function composeReferences(files: ParsedFiles): ReferencedPath[] {
  const out: ReferencedPath[] = [];
  for (const service of composeServices(files, { containing: ['command', 'entrypoint'] })) {
    for (const key of ['command', 'entrypoint']) {
      const entry = yamlEntries(service.node, service.doc).find((e) => e.key === key);
      const value = entry?.value;
      if (!value) continue;
      const words = value.items ? (value.items as YamlNode[]).map((i) => yamlScalar(i) ?? '') : undefined;
      const command = words ? (words.length >= 3 && /^(sh|bash)$/.test(words[0].split('/').pop() ?? '') && words[1] === '-c' ? words.slice(2).join(' ') : words.join(' ')) : (yamlScalar(value) ?? '');
      const start = value.range?.[0] ?? 0;
      const at = service.file.locateOffsets(start, value.range?.[1] ?? start);
      for (const t of commandTargets(command).filter((c) => !SKIP_DIRS.test(c.target.replace(/^\.?\//, '')))) out.push({ source: `${service.file.path} service \`${service.name}\` ${key}`, kind: t.kind, target: t.target, app: t.app, context: command, at, match: 'suffix', base: '' });
    }
  }
  return out;
}

function packageScriptReferences(files: ParsedFiles): ReferencedPath[] {
  const out: ReferencedPath[] = [];
  for (const file of files.ofKind('json', { containing: ['"scripts"'] })) {
    if (!/(^|\/)package\.json$/.test(file.path) || !file.json || typeof file.json !== 'object') continue;
    const scripts = (file.json as { scripts?: Record<string, unknown> }).scripts;
    if (!scripts || typeof scripts !== 'object') continue;
    const base = dirOf(file.path);
    for (const [name, command] of Object.entries(scripts)) {
      if (typeof command !== 'string') continue;
      const line = lineOf(file, `"${name}"`);
      for (const t of commandTargets(command)) {
        if (SKIP_DIRS.test(normalisePath(t.target))) continue; // build output, made by another script
        out.push({ source: `${file.path} script "${name}"`, kind: t.kind, target: t.target, app: t.app, context: command, at: file.locateLines(line), match: 'exact', base });
      }
    }
  }
  return out;
}

function procfileReferences(files: ParsedFiles): ReferencedPath[] {
  const out: ReferencedPath[] = [];
  for (const file of files.all) {
    if (!/(^|\/)Procfile(\.\w+)?$/.test(file.path)) continue;
    file.text.split('\n').forEach((line, i) => {
      const m = /^([\w-]+):\s*(.+)$/.exec(line.trim());
      if (!m) return;
      for (const t of commandTargets(m[2])) out.push({ source: `${file.path} \`${m[1]}\``, kind: t.kind, target: t.target, app: t.app, context: m[2], at: file.locateLines(i + 1), match: 'suffix', base: dirOf(file.path) });
    });
  }
  return out;
}

function lineOf(file: ParsedFile, needle: string): number {
  const i = file.text.indexOf(needle);
  return i < 0 ? 1 : file.position(i).line;
}

const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)/g;
const CODE_PATH = /`((?:\.\/)?[\w@.-]+(?:\/[\w@.-]+)+\.(?:py|ts|tsx|js|jsx|mjs|go|rb|java|kt|rs|sh|sql|prisma|ya?ml|toml|json|md))`/g;
/** A line that talks about files to create, examples, or placeholders — not about files that exist. */
const NOT_A_CLAIM = /\b(create|creating|add(ing)?|touch|mkdir|new file|generate[sd]?|will be|would|should|todo|plan(ned)?|roadmap|copy|cp |rename|move|e\.g\.|example|your|yours|custom|optional|if you|missing|does not exist|doesn'?t exist|not yet|coming soon|output|produces|written to|writes)\b/i;

function docReferences(files: ParsedFiles): ReferencedPath[] {
  const out: ReferencedPath[] = [];
  for (const file of files.ofKind('markdown')) {
    if (/(^|\/)(CHANGELOG|HISTORY|CHANGES)(\.\w+)?$/i.test(file.path) || /(^|\/)(node_modules|vendor)\//.test(file.path)) continue;
    const base = dirOf(file.path);
    let fenced = false;
    const headings: string[] = [];
    file.text.split('\n').forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return;
      }
      if (fenced) return;
      const level = /^(#{1,6})\s/.exec(line)?.[1].length;
      if (level) headings.splice(level - 1, headings.length, line);
      const heading = headings.join(' ');
      for (const m of line.matchAll(LINK)) {
        const target = decodeURIComponent(m[1].replace(/[#?].*$/, ''));
        if (!target || /^([a-z][a-z0-9+.-]*:|\/\/|#|\{\{|<|\$)/i.test(m[1])) continue;
        const absolute = target.startsWith('/');
        out.push({ source: file.path, kind: 'doc-link', target, context: line.trim(), at: file.locateLines(i + 1), match: 'exact', base: absolute ? '' : base });
      }
      // Paths in example, how-to-fix or planning sections illustrate; they do not claim the file exists.
      if (NOT_A_CLAIM.test(line) || /example|sample|usage|tutorial|how to|fix|plan|roadmap|todo|next steps|phase|week/i.test(heading)) return;
      for (const m of line.matchAll(CODE_PATH)) {
        if (/^(https?|www\.)/.test(m[1]) || /\b(example|sample|your|my)[-_]/i.test(m[1])) continue;
        out.push({ source: file.path, kind: 'doc-path', target: m[1], context: line.trim(), at: file.locateLines(i + 1), match: 'suffix', base: '' });
      }
    });
  }
  return out;
}
