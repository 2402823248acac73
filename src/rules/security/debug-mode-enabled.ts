import { baseName } from '../../facts/repo-paths.ts';
import { isComposeFile } from '../../facts/frameworks.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule, type ReportInput } from '../../model/rule.ts';
import { describePyCall, pyStringValue } from '../../parse/python-syntax.ts';
import { DEV_ONLY_NAME } from '../../facts/django-settings.ts';

/** Settings / env / compose file names that are for a developer's machine or the test suite, never shipped. */
const DEBUG_KEY = /^(DJANGO_|FLASK_|APP_|FASTAPI_)?DEBUG$/;
const TRUTHY = /^(true|1|yes|on)$/i;
const PRODUCTION_SERVERS = new Set(['gunicorn', 'waitress', 'uwsgi', 'pyuwsgi']);

export default defineRule({
  meta: {
    id: 'debug-mode-enabled',
    category: 'security',
    title: 'Debug mode enabled in shipped code or configuration',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python', 'web'],
    scorecard: 'Debug & Error Exposure',
    effortHours: 0.5,
    messages: {
      debugInCode: '`{{code}}` turns {{framework}} debug mode on in code that ships.',
      djangoDebug: 'Django settings module `{{file}}` sets `DEBUG = True`.',
      debugInEnv: '`{{file}}` sets `{{key}}={{value}}`, which turns debug mode on wherever this file is deployed.',
      debugInCompose: 'Compose service `{{service}}` in `{{file}}` sets `{{key}}: {{value}}`, which runs the container in debug mode.',
      devServerReload: '`{{code}}` starts the server with the development auto-reloader {{where}}.',
    },
    why: [
      'Debug mode shows full stack traces, local variables, settings and SQL to whoever triggers an error. The Werkzeug debugger behind Flask\'s `debug=True` goes further: its console runs Python on the server. Django\'s `DEBUG = True` also lists every URL pattern on a 404 and keeps every SQL query in memory.',
      '',
      'The auto-reloader (`reload=True`, `--reload`) watches the file system and restarts workers, which wastes CPU, drops in-flight requests and is not meant for production.',
    ].join('\n'),
    fix: [
      'Read the flag from the environment with a default of off, and set it on only in local/dev configuration.',
      '',
      '```python',
      '# FastAPI',
      'app = FastAPI(debug=settings.debug)  # settings.debug: bool = False',
      '',
      '# Flask: run under gunicorn in production; locally `flask --app app run --debug`',
      'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
      '',
      '# Django settings.py',
      'DEBUG = env.bool("DJANGO_DEBUG", default=False)',
      '```',
      'Remove `DEBUG=true` from committed `.env` files and production compose files, and drop `--reload` from the production command.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': 'from fastapi import FastAPI\n\napp = FastAPI(title="Orders", debug=True)\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': 'import os\n\nfrom fastapi import FastAPI\n\napp = FastAPI(title="Orders", debug=os.getenv("APP_DEBUG") == "1")\n',
      },
    },
    references: {
      cwe: [489, 215],
      owasp: ['A05:2021', 'API8:2023'],
      equivalents: ['bandit:B201', 'semgrep:python.flask.security.audit.debug-enabled.debug-enabled', 'semgrep:python.django.security.audit.django-debug-true'],
    },
  },
  check({ index, files, report }) {
    const flags = {
      flask: index.domains.has('flask'),
      productionServer: index.dependencies.some((d) => d.ecosystem === 'pypi' && PRODUCTION_SERVERS.has(d.name)),
    };

    for (const file of files.ofKind('python', { containing: ['debug', 'DEBUG', 'reload'], includeTests: false })) {
      if (!file.ast) continue;
      checkPythonCalls(file, flags, report);
      checkPythonAssignments(file, report);
    }

    if (index.domains.has('django')) {
      const settings = files.ofKind('python', { containing: ['DEBUG'], includeTests: false }).filter((f) => isShippedSettingsModule(f.path));
      for (const file of settings) {
        if (!file.ast || overriddenBySibling(file, settings)) continue;
        const assignments = file.ast.findAll({ rule: { kind: 'assignment' } }).filter((a) => a.field('left')?.text() === 'DEBUG');
        const literalTrue = assignments.filter((a) => a.field('right')?.kind() === 'true' && a.parent()?.parent()?.kind() === 'module');
        if (literalTrue.length !== 1 || assignments.length !== 1) continue; // a later `DEBUG = env(...)` decides
        report({ messageId: 'djangoDebug', at: file.locate(literalTrue[0]), data: { file: file.path } });
      }
    }

    for (const file of files.ofKind('env', { containing: ['DEBUG'], includeTests: false })) {
      const name = baseName(file.path);
      if (DEV_ONLY_NAME.test(name.replace(/^\.env/, ''))) continue;
      const tracked = index.gitTracked ? index.gitTracked.has(file.path) : /prod/i.test(name);
      if (!tracked) continue;
      for (const entry of file.env ?? [])
        if (DEBUG_KEY.test(entry.key) && TRUTHY.test(entry.value))
          report({ messageId: 'debugInEnv', at: file.locateLines(entry.line), data: { file: file.path, key: entry.key, value: entry.value }, severity: 'medium' });
    }

    for (const file of files.ofKind('dockerfile', { containing: ['DEBUG', '--reload'], includeTests: false })) {
      if (DEV_ONLY_NAME.test(baseName(file.path).replace(/^dockerfile/i, ''))) continue;
      for (let n = 1; n <= file.lineCount; n++) {
        const line = file.line(n);
        const env = /^\s*ENV\s+(?:.*\s)?((?:DJANGO_|FLASK_|APP_|FASTAPI_)?DEBUG)[=\s]\s*["']?(true|1|yes|on)\b/i.exec(line);
        if (env) report({ messageId: 'debugInEnv', at: file.locateLines(n), data: { file: file.path, key: env[1], value: env[2] }, severity: 'medium' });
        if (/^\s*(CMD|ENTRYPOINT)\b.*\b(uvicorn|gunicorn|hypercorn)\b.*--reload\b/i.test(line))
          report({ messageId: 'devServerReload', at: file.locateLines(n), data: { code: line.trim(), where: `in the production image \`${file.path}\`` }, severity: 'low' });
      }
    }

    for (const file of files.ofKind('yaml', { containing: ['DEBUG'], includeTests: false })) {
      if (!isComposeFile(file.path) || DEV_ONLY_NAME.test(baseName(file.path).replace(/^(docker-)?compose/, '').replace(/\.ya?ml$/, ''))) continue;
      for (const doc of file.yaml ?? []) {
        for (const service of mapEntries(mapValue(doc.contents, 'services'))) {
          for (const [key, value, node] of environmentEntries(mapValue(service.value, 'environment'))) {
            if (!DEBUG_KEY.test(key) || !TRUTHY.test(value) || !node?.range) continue;
            report({
              messageId: 'debugInCompose',
              at: file.locateOffsets(node.range[0], node.range[1]),
              data: { service: service.key, file: file.path, key, value },
              severity: 'medium',
            });
          }
        }
      }
    }
  },
});

type Report = (finding: ReportInput<'debugInCode' | 'devServerReload'>) => void;

function checkPythonCalls(file: ParsedFile, flags: { flask: boolean; productionServer: boolean }, report: Report): void {
  const isWebFile = /flask|fastapi|starlette|socketio/i.test(file.text);
  for (const node of file.findAll({ kind: 'call' })) {
    const call = describePyCall(node);
    if (!call) continue;
    const ctor = call.callee.split('.').pop() ?? '';
    const code = firstLine(node.text());
    if ((ctor === 'FastAPI' || ctor === 'Starlette') && call.keywords.get('debug')?.kind() === 'true') {
      report({ messageId: 'debugInCode', at: file.locate(node), data: { code, framework: ctor } });
      continue;
    }
    if (/(^|\.)uvicorn\.run$|^run$/.test(call.callee) && /uvicorn/.test(file.text) && call.keywords.get('reload')?.kind() === 'true') {
      // Under `__main__` on localhost it is a developer's convenience; on 0.0.0.0 it is meant to be reached from elsewhere.
      const host = pyStringValue(call.keywords.get('host'));
      if (!insideMainGuard(node))
        report({ messageId: 'devServerReload', at: file.locate(node), data: { code, where: 'outside an `if __name__ == "__main__":` guard' }, severity: 'low' });
      else if (host === '0.0.0.0' || host === '::')
        report({ messageId: 'devServerReload', at: file.locate(node), data: { code, where: `listening on all interfaces (\`${host}\`)` }, severity: 'low' });
      continue;
    }
    if (/\.run$/.test(call.callee) && call.keywords.get('debug')?.kind() === 'true') {
      // Under `__main__` it only runs when started with `python app.py`; with gunicorn in the deps that is likely a local entry point.
      const severity = insideMainGuard(node) && flags.productionServer ? 'medium' : 'high';
      report({ messageId: 'debugInCode', at: file.locate(node), data: { code, framework: flags.flask ? 'Flask' : 'development-server' }, severity });
      continue;
    }
    if (isWebFile && /\.config\.(update|from_mapping)$/.test(call.callee) && call.keywords.get('DEBUG')?.kind() === 'true')
      report({ messageId: 'debugInCode', at: file.locate(node), data: { code, framework: 'Flask' } });
  }
}

function checkPythonAssignments(file: ParsedFile, report: Report): void {
  const isWebFile = /flask|fastapi|starlette/i.test(file.text);
  for (const node of file.findAll({ kind: 'assignment' })) {
    const left = node.field('left');
    if (node.field('right')?.kind() !== 'true' || !left) continue;
    const target = left.text().replace(/\s+/g, '');
    const framework = /fastapi|starlette/i.test(file.text) ? 'application' : 'Flask';
    if (isWebFile && (/^\w+\.debug$/.test(target) || /\.config\[["'](FLASK_)?DEBUG["']\]$/.test(target))) {
      report({ messageId: 'debugInCode', at: file.locate(node), data: { code: firstLine(node.text()), framework } });
      continue;
    }
    // class ProductionConfig(Config): DEBUG = True
    const klass = node.parent()?.parent()?.parent();
    if (target === 'DEBUG' && klass?.kind() === 'class_definition' && /prod/i.test(klass.field('name')?.text() ?? ''))
      report({ messageId: 'debugInCode', at: file.locate(node), data: { code: `${klass.field('name')?.text()}.DEBUG = True`, framework } });
  }
}

function insideMainGuard(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    if (current.kind() === 'if_statement' && /__name__\s*==\s*["']__main__["']/.test(current.field('condition')?.text() ?? '')) return true;
  }
  return false;
}

/** `settings.py`, `settings/production.py`, `config/settings/base.py`, but not `settings/local.py` or `settings_test.py`. */
function isShippedSettingsModule(path: string): boolean {
  const name = baseName(path).replace(/\.py$/, '');
  if (!/(^|\/)settings(\/[^/]+)?\.py$/.test(path) && !/(^|\/)settings_\w+\.py$/.test(path)) return false;
  return !DEV_ONLY_NAME.test(name.replace(/^settings/, ''));
}

/** `settings/base.py` with `DEBUG = True` is fine when a sibling production module sets DEBUG itself. */
function overriddenBySibling(file: ParsedFile, settings: ParsedFile[]): boolean {
  const name = baseName(file.path).replace(/\.py$/, '');
  if (!/^(base|common|defaults?|__init__|settings)$/.test(name)) return false;
  const dir = file.path.slice(0, file.path.lastIndexOf('/') + 1);
  return settings.some((s) => s !== file && s.path.startsWith(dir) && !s.path.slice(dir.length).includes('/') && /prod/i.test(baseName(s.path)) && /^\s*DEBUG\s*=/m.test(s.text));
}


function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length < text.length ? `${line} …` : line;
}

/** Duck-typed views on `yaml` nodes (this folder does not import the YAML library). */
interface YamlNode {
  items?: { key?: { value?: unknown }; value?: YamlNode | null }[];
  value?: unknown;
  range?: [number, number, number];
}

function mapValue(node: unknown, key: string): YamlNode | undefined {
  return mapEntries(node as YamlNode).find((e) => e.key === key)?.value;
}

function mapEntries(node: YamlNode | undefined | null): { key: string; value: YamlNode | undefined }[] {
  if (!node || !Array.isArray(node.items)) return [];
  return node.items
    .filter((p) => p && typeof p === 'object' && 'key' in p)
    .map((p) => ({ key: String(p.key?.value ?? ''), value: p.value ?? undefined }));
}

/** Compose `environment:` in map form (`DEBUG: "true"`) or list form (`- DEBUG=true`). */
function environmentEntries(node: YamlNode | undefined): [string, string, YamlNode | undefined][] {
  if (!node || !Array.isArray(node.items)) return [];
  const out: [string, string, YamlNode | undefined][] = [];
  for (const item of node.items as unknown[]) {
    if (item && typeof item === 'object' && 'key' in item) {
      const pair = item as { key?: YamlNode; value?: YamlNode | null };
      out.push([String(pair.key?.value ?? ''), String(pair.value?.value ?? ''), pair.key ?? undefined]);
    } else if (item && typeof item === 'object' && 'value' in item) {
      const scalar = item as YamlNode;
      const text = String(scalar.value ?? '');
      const eq = text.indexOf('=');
      if (eq > 0) out.push([text.slice(0, eq).trim(), text.slice(eq + 1).trim().replace(/^["']|["']$/g, ''), scalar]);
    }
  }
  return out;
}
