import type { DetectedFramework, Dependency } from '../model/repo-index.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { Domain } from '../model/rule.ts';
import { ormModels } from './orm-models.ts';

/** Package names that mark a framework, per ecosystem. */
const FRAMEWORK_PACKAGES: { domain: Domain; pypi?: string[]; npm?: string[]; imports: RegExp }[] = [
  { domain: 'fastapi', pypi: ['fastapi'], imports: /^\s*(from\s+fastapi[\s.]|import\s+fastapi\b)/m },
  { domain: 'flask', pypi: ['flask'], imports: /^\s*(from\s+flask[\s.]|import\s+flask\b)/m },
  { domain: 'django', pypi: ['django', 'djangorestframework'], imports: /^\s*(from\s+django[\s.]|import\s+django\b)/m },
  { domain: 'starlette', pypi: ['starlette'], imports: /^\s*(from\s+starlette[\s.]|import\s+starlette\b)/m },
  { domain: 'aiohttp', pypi: [], imports: /^\s*(from\s+aiohttp\s+import\s+web\b|from\s+aiohttp\.web\b|import\s+aiohttp\.web\b)/m },
  { domain: 'express', npm: ['express'], imports: /(from\s+['"]express['"]|require\(\s*['"]express['"]\s*\))/ },
  { domain: 'nextjs', npm: ['next'], imports: /from\s+['"]next(\/[a-z/]+)?['"]/ },
];

export function detectDomains(files: ParsedFiles, dependencies: Dependency[]): { domains: Set<Domain>; frameworks: DetectedFramework[] } {
  const domains = new Set<Domain>();
  const frameworks: DetectedFramework[] = [];
  if (files.ofKind('python').length) domains.add('python');
  if (files.ofKind('js').length || files.all.some((f) => /(^|\/)package\.json$/.test(f.path))) domains.add('node');

  for (const fw of FRAMEWORK_PACKAGES) {
    const dep = dependencies.find(
      (d) => (d.ecosystem === 'pypi' && fw.pypi?.includes(d.name)) || (d.ecosystem === 'npm' && fw.npm?.includes(d.name)),
    );
    if (dep) {
      domains.add(fw.domain);
      frameworks.push({ name: fw.domain, evidence: { file: dep.manifest, startLine: dep.line, endLine: dep.line } });
      continue;
    }
    const kind = fw.pypi ? 'python' : 'js';
    for (const file of files.ofKind(kind)) {
      const match = fw.imports.exec(file.text);
      if (!match) continue;
      const line = file.position(match.index + (match[0].length - match[0].trimStart().length)).line;
      domains.add(fw.domain);
      frameworks.push({ name: fw.domain, evidence: file.locateLines(line) });
      break;
    }
  }
  if (!domains.has('nextjs') && files.all.some((f) => /(^|\/)next\.config\.[cm]?[jt]s$/.test(f.path))) domains.add('nextjs');
  if (files.ofKind('dockerfile').length) domains.add('docker');
  if (files.ofKind('yaml').some((f) => isComposeFile(f.path))) domains.add('compose');
  if (files.ofKind('yaml').some((f) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(f.path))) domains.add('github-actions');
  if (files.ofKind('yaml', { containing: ['apiVersion'] }).some(isKubernetesManifest)) domains.add('kubernetes');
  if (['fastapi', 'flask', 'django', 'starlette', 'aiohttp', 'express', 'nextjs'].some((d) => domains.has(d as Domain))) domains.add('web');
  // Web frameworks without a route table of their own yet still make the repository a web service.
  if (dependencies.some((d) => !d.dev && ((d.ecosystem === 'npm' && /^(fastify|@nestjs\/core|hono|koa|@hapi\/hapi)$/.test(d.name)) || (d.ecosystem === 'pypi' && /^(quart|sanic|litestar|tornado|falcon|bottle|pyramid)$/.test(d.name))))) domains.add('web');
  if (ormModels(files).length) domains.add('orm');
  return { domains, frameworks };
}

export function isComposeFile(path: string): boolean {
  return /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(path);
}

/** A YAML file with at least one document carrying top-level `apiVersion` and `kind` (a Kubernetes object). */
export function isKubernetesManifest(file: ParsedFile): boolean {
  return (file.yaml ?? []).some((doc) => {
    const contents = doc.contents as { get?: (key: string) => unknown } | null;
    return typeof contents?.get === 'function' && typeof contents.get('apiVersion') === 'string' && typeof contents.get('kind') === 'string';
  });
}
