import type { FileKind, SourceLanguage } from '../model/parsed-file.ts';

/** Folders whose content is third-party or generated: never audited, recorded once as skipped. */
export const VENDORED_DIRS = new Map<string, string>([
  ['node_modules', 'vendored dependencies (node_modules)'],
  ['bower_components', 'vendored dependencies (bower_components)'],
  ['.venv', 'Python virtual environment'],
  ['venv', 'Python virtual environment'],
  ['site-packages', 'installed Python packages'],
  ['_vendor', 'vendored third-party code (_vendor)'],
  ['third_party', 'vendored third-party code (third_party)'],
  ['__pycache__', 'Python bytecode cache'],
  ['.git', 'git metadata'],
  ['.hg', 'version-control metadata'],
  ['.svn', 'version-control metadata'],
  ['dist', 'build output (dist)'],
  ['build', 'build output (build)'],
  ['.next', 'Next.js build output'],
  ['.nuxt', 'build output (.nuxt)'],
  ['.turbo', 'build cache'],
  ['.cache', 'build cache'],
  ['coverage', 'coverage report output'],
  ['htmlcov', 'coverage report output'],
  ['.tox', 'tox environments'],
  ['.nox', 'nox environments'],
  ['.mypy_cache', 'type-checker cache'],
  ['.pytest_cache', 'test cache'],
  ['.ruff_cache', 'linter cache'],
  ['.shipgate', 'shipgate history and triage'],
  ['.terraform', 'Terraform provider cache'],
]);

const JS_EXTENSIONS: Record<string, SourceLanguage> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  // tree-sitter's JavaScript grammar covers JSX.
  '.jsx': 'javascript',
};

export interface Classification {
  kind: FileKind;
  language?: SourceLanguage;
}

export function classifyFile(relativePath: string): Classification {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  const ext = dot > 0 ? lower.slice(dot) : '';
  if (ext === '.py') return { kind: 'python', language: 'python' };
  if (ext in JS_EXTENSIONS && !lower.endsWith('.d.ts')) return { kind: 'js', language: JS_EXTENSIONS[ext] };
  // pnpm's lockfile is YAML of a fixed layout that facts/lockfiles.ts reads line by line: no full YAML parse of a megabyte file.
  if (/^pnpm-lock\.ya?ml$/.test(lower)) return { kind: 'text' };
  if (ext === '.yml' || ext === '.yaml') return { kind: 'yaml' };
  if (ext === '.json' || lower === 'pipfile.lock') return { kind: 'json' };
  if (lower === '.env' || lower.startsWith('.env.') || ext === '.env') return { kind: 'env' };
  if (lower === 'dockerfile' || lower.startsWith('dockerfile.') || ext === '.dockerfile' || lower.endsWith('.dockerfile'))
    return { kind: 'dockerfile' };
  if (ext === '.md' || ext === '.mdx' || ext === '.rst') return { kind: 'markdown' };
  if (ext === '.toml' || lower === 'pipfile') return { kind: 'toml' };
  if (ext === '.prisma') return { kind: 'prisma' };
  if (/^requirements.*\.(txt|in|lock)$/.test(lower) || /^constraints.*\.txt$/.test(lower) || (ext === '.txt' && relativePath.includes('requirements/')))
    return { kind: 'requirements' };
  return { kind: 'text' };
}

const TEST_DIR = /(^|\/)(tests?|__tests__|spec|specs|e2e|cypress|playwright)\//;
// Django's startapp convention keeps an app's tests in `tests.py`; Cypress specs end in `.cy.ts`.
const TEST_FILE = /(^test_.*\.py$|_test\.py$|^tests\.py$|^conftest\.py$|\.(test|spec|cy)\.[cm]?[jt]sx?$)/;

export function isTestPath(relativePath: string): boolean {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return TEST_DIR.test(relativePath) || TEST_FILE.test(name);
}

/** Lockfiles may exceed the file-size cap: they are data, read line by line, and the only source of installed versions. */
export const LOCKFILE_MAX_BYTES = 64 * 1024 * 1024;
const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.ya?ml|poetry\.lock|uv\.lock|pdm\.lock|Pipfile\.lock|bun\.lock)$/;
export function isLockfilePath(relativePath: string): boolean {
  return LOCKFILE.test(relativePath);
}

/** File names that are generated or minified even outside build folders. */
export function generatedReason(relativePath: string): string | undefined {
  const lower = relativePath.toLowerCase();
  if (/\.min\.(js|css|mjs)$/.test(lower)) return 'minified bundle';
  if (/\.(bundle|chunk)\.[cm]?js$/.test(lower)) return 'generated bundle';
  if (/\.map$/.test(lower)) return 'source map';
  return undefined;
}
