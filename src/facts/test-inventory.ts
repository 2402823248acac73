/**
 * The test suite as a reader sees it: which test frameworks the project uses (dependencies,
 * config files, imports), every test file with its cases and its kind — unit, integration (drives
 * the web app through TestClient, test_client(), Django's client, httpx with the app, supertest,
 * inject), end-to-end (Playwright, Cypress, Selenium), load (locust, k6, Artillery) and, on top of
 * any of those, security (authentication, permissions, injection, 401/403 assertions) — each kind
 * with the line that decided it; test and source line counts; the source modules no test imports,
 * mocks, calls by route path, or a coverage report shows executed; and the coverage totals of the
 * reports found. Computed once per audit; the testing rules and the testing assessment read it.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { CoverageReport, RepoIndex } from '../model/repo-index.ts';
import { resolveJsModule } from './routes/js-modules.ts';
import { resolvePyModule } from './routes/python-modules.ts';

/**
 * Line coverage the audit expects: below `minimum` the Test Coverage row fails (the reference audits
 * ask for "minimum 50% test coverage" before GO), from `target` on it passes (the usual 80% goal).
 */
export const COVERAGE_THRESHOLDS = { minimum: 50, target: 80 } as const;

export type TestKind = 'unit' | 'integration' | 'e2e' | 'security' | 'load';
export type TestLevel = Exclude<TestKind, 'security'>;

export interface TestFile {
  file: string;
  language: 'python' | 'js' | 'yaml';
  /** Non-blank lines. */
  lines: number;
  /** Test functions / `it()` / `test()` cases (scenarios for load tests). */
  cases: number;
  /** The highest level the file reaches: load, e2e, integration, else unit. */
  level: TestLevel;
  /** An integration or e2e file whose other tests call code directly (Python test functions that use no client). */
  alsoUnit: boolean;
  security: boolean;
  /** The line that decided each kind the file has. */
  evidence: Partial<Record<TestKind, Location>>;
}

export interface TestFramework {
  name: string;
  evidence: Location;
}

export interface SourceModule {
  file: string;
  lines: number;
}

export interface CoverageSummary {
  covered: number;
  total: number;
  /** 0–100, one decimal. */
  percent: number;
  reports: CoverageReport[];
  /** Per source file of this repository, when the reports name it. */
  byFile: Map<string, { covered: number; total: number }>;
}

export interface TestInventory {
  frameworks: TestFramework[];
  tests: TestFile[];
  /** Test code that is not itself a test: conftest.py, factories, fixtures helpers. */
  supportFiles: string[];
  testLines: number;
  sourceLines: number;
  sourceModules: SourceModule[];
  /** Source modules no test imports, mocks, calls by route path, or a coverage report shows executed; largest first. */
  untested: SourceModule[];
  coverage: CoverageSummary | null;
  /** Python packages and JS source roots, for the coverage command: `app`, `backend/app`, `src`. */
  packages: string[];
}

// ---- kinds ----

interface Signal {
  re: RegExp;
  /** What the evidence note says. */
  note: string;
}

const PY_TEST = /^\s*(async\s+)?def\s+test_?\w*\s*\(|^\s*class\s+Test\w*\s*[(:]|unittest\.TestCase|\bTestCase\)/m;
const JS_TEST = /\b(describe|it|test)(\.(only|skip|each|concurrent|todo)[^(]*)?\s*\(\s*['"`]|\btest\.describe\s*\(|Deno\.test\(/;

const LOAD: Signal[] = [
  { re: /^\s*(from\s+locust\s+import|import\s+locust)\b/m, note: 'locust load test' },
  { re: /(from\s+['"]k6(\/[\w/-]+)?['"]|require\(\s*['"]k6(\/[\w/-]+)?['"]\s*\))/, note: 'k6 load test' },
  { re: /^scenarios:\s*$/m, note: 'Artillery scenarios' },
];
const E2E: Signal[] = [
  { re: /from\s+['"]@playwright\/test['"]|require\(\s*['"]@playwright\/test['"]\s*\)/, note: 'Playwright test' },
  { re: /^\s*from\s+playwright[\w.]*\s+import|^\s*(async\s+)?def\s+test_\w+\(\s*page\s*[:,)]/m, note: 'Playwright (Python) test' },
  { re: /\bcy\.(visit|get|request|contains|intercept)\(/, note: 'Cypress test' },
  { re: /^\s*(from\s+selenium|import\s+selenium)\b|from\s+['"]selenium-webdriver['"]/m, note: 'Selenium test' },
  { re: /from\s+['"](puppeteer|webdriverio|nightwatch|testcafe)['"]|require\(\s*['"](puppeteer|webdriverio)['"]\s*\)/, note: 'browser automation test' },
  { re: /\bLiveServerTestCase\b|\bStaticLiveServerTestCase\b/, note: 'Django live-server test' },
];
const INTEGRATION: Signal[] = [
  { re: /from\s+(fastapi|starlette)\.testclient\s+import|\bTestClient\s*\(/, note: 'drives the app through TestClient' },
  { re: /\.test_client\s*\(/, note: 'drives the Flask app through test_client()' },
  { re: /\bself\.client\.(get|post|put|patch|delete|head|options)\s*\(|from\s+django\.test\s+import[^\n]*\bClient\b|\bAPIClient\s*\(|\bAPITestCase\b/, note: "drives the Django views through the test client" },
  { re: /\b(httpx\.)?AsyncClient\s*\([^)]*\b(app|transport)\s*=|\bASGITransport\s*\(|\bWSGITransport\s*\(/, note: 'drives the ASGI app through httpx' },
  { re: /\baiohttp_client\b|\bTestServer\s*\(/, note: 'drives the aiohttp app through its test client' },
  { re: /from\s+['"]supertest['"]|require\(\s*['"]supertest['"]\s*\)/, note: 'drives the app through supertest' },
  { re: /\.inject\(\s*\{|\bapp\.request\(\s*['"`]\//, note: 'injects requests into the app' },
  { re: /\bcreateTestingModule\s*\(/, note: 'NestJS testing module' },
  { re: /testcontainers|\bpytest_postgresql\b|@pytest\.mark\.(integration|db|django_db)\b/, note: 'runs against real services' },
];
const CLIENT_FIXTURE = /^\s*(async\s+)?def\s+test_\w+\s*\([^)]*\b(client|api_client|async_client|test_client|app_client|auth_client|authed_client|authenticated_client|admin_client)\b/m;
const CLIENT_PROVIDER = /TestClient|test_client\(|AsyncClient|APIClient|\bClient\(\)|aiohttp_client|ASGITransport/;
const SECURITY_PATH = /(^|[/_.-])(security|auth|authn|authz|authentication|authorization|permissions?|access[_-]?control|rbac|acl|csrf|xss|injection|sqli|ssrf|idor|tenant[_-]?isolation|rate[_-]?limit(ing)?|owasp|pentest|jwt|tokens?)([/_.-]|s?\.)/i;
const SECURITY_CONTENT: Signal[] = [
  { re: /(def\s+test_\w*|\b(it|test)\s*\(\s*['"`][^'"`]*)(unauthori[sz]ed|unauthenticated|forbidden|permission|requires?[_ ]auth|without[_ ](a[_ ])?(token|auth|key|session)|invalid[_ ](token|signature|key)|expired[_ ]token|wrong[_ ](key|token|password)|csrf|sql[_ ]?injection|xss|rate[_ ]?limit|other[_ ](user|tenant)|cross[_ ]tenant|idor|privilege|not[_ ]allowed|access[_ ]denied)/i, note: 'tests a denied request' },
  { re: /status_code\s*==\s*(401|403)\b|\.status(Code)?\s*(==|===|\)\.toBe\(|\)\.toEqual\()\s*(401|403)\b|\.expect\(\s*(401|403)\b|toHaveStatus\(\s*(401|403)|HTTP_40[13]_|assertEqual\([^)]*\b40[13]\b|\bstatus\s*==\s*40[13]\b/, note: 'asserts a 401/403 answer' },
];
const LOAD_PATH = /(^|\/)(load|loadtests?|load[_-]tests?|perf|performance|stress|soak|locust)(\/|$)/i;
const E2E_PATH = /(^|\/)(e2e|end[_-]to[_-]end|acceptance|cypress|playwright|browser[_-]?tests?)\//i;
const INTEGRATION_PATH = /(^|\/)(integration|integration[_-]tests?|functional|api[_-]tests?)\/|(^|[/_.-])integration([_.-]|\.test|\.spec)|\.int\.(test|spec)\.|_it\.py$/i;

// ---- frameworks ----

const FRAMEWORK_PACKAGES: Record<string, string> = {
  pytest: 'pytest',
  'pytest-asyncio': 'pytest',
  'pytest-django': 'pytest',
  hypothesis: 'hypothesis',
  locust: 'locust',
  playwright: 'Playwright',
  'pytest-playwright': 'Playwright',
  selenium: 'Selenium',
  behave: 'behave',
  tox: 'tox',
  nox: 'nox',
  'pytest-cov': 'pytest-cov',
  coverage: 'coverage.py',
  jest: 'jest',
  vitest: 'vitest',
  mocha: 'mocha',
  ava: 'ava',
  jasmine: 'jasmine',
  uvu: 'uvu',
  tap: 'tap',
  '@playwright/test': 'Playwright',
  cypress: 'Cypress',
  supertest: 'supertest',
  '@testing-library/react': 'Testing Library',
  '@testing-library/vue': 'Testing Library',
  '@testing-library/dom': 'Testing Library',
  artillery: 'Artillery',
  '@vitest/coverage-v8': 'vitest coverage',
  c8: 'c8',
  nyc: 'nyc',
};
const FRAMEWORK_CONFIGS: [RegExp, string][] = [
  [/(^|\/)(pytest\.ini|conftest\.py)$/, 'pytest'],
  [/(^|\/)jest\.config\.[cm]?[jt]s(on)?$/, 'jest'],
  [/(^|\/)vitest\.(config|workspace)\.[cm]?[jt]s$/, 'vitest'],
  [/(^|\/)playwright\.config\.[cm]?[jt]s$/, 'Playwright'],
  [/(^|\/)cypress\.config\.[cm]?[jt]s$|(^|\/)cypress\.json$/, 'Cypress'],
  [/(^|\/)\.mocharc(\.[\w]+)?$/, 'mocha'],
  [/(^|\/)tox\.ini$/, 'tox'],
  [/(^|\/)noxfile\.py$/, 'nox'],
  [/(^|\/)locustfile\.py$/, 'locust'],
  [/(^|\/)\.coveragerc$/, 'coverage.py'],
];
const FRAMEWORK_IMPORTS: [RegExp, string][] = [
  [/^\s*import\s+pytest\b|^\s*from\s+pytest\b/m, 'pytest'],
  [/^\s*import\s+unittest\b|^\s*from\s+unittest\s+import\s+TestCase\b|unittest\.TestCase/m, 'unittest'],
  [/^\s*from\s+django\.test\s+import|^\s*from\s+rest_framework\.test\s+import/m, 'Django test runner'],
  [/^\s*from\s+hypothesis\s+import|^\s*import\s+hypothesis\b/m, 'hypothesis'],
  [/from\s+['"]vitest['"]/, 'vitest'],
  [/from\s+['"]@jest\/globals['"]|\bjest\.(fn|mock|spyOn)\(/, 'jest'],
  [/from\s+['"]node:test['"]|require\(\s*['"]node:test['"]\s*\)/, 'node:test'],
  [/from\s+['"]ava['"]/, 'ava'],
  [/from\s+['"]@playwright\/test['"]|^\s*from\s+playwright[\w.]*\s+import/m, 'Playwright'],
  [/^\s*(from\s+selenium|import\s+selenium)\b/m, 'Selenium'],
  [/\bcy\.(visit|get)\(/, 'Cypress'],
  [/from\s+['"]k6(\/[\w/-]+)?['"]/, 'k6'],
  [/^\s*from\s+locust\s+import/m, 'locust'],
];

// ---- source modules ----

/** Not application logic a unit test is expected for: configuration, entry points, migrations, generated code. */
const NOT_A_MODULE =
  /(^|\/)(migrations|alembic|versions|__generated__|generated|scripts|bin|docs|examples?|fixtures?|vendor|static|public|\.github)\/|(^|\/)(manage|wsgi|asgi|setup|conftest|noxfile|fabfile|gunicorn(\.conf)?|gunicorn_config|celeryconfig|locustfile)\.py$|(^|\/)settings(\/[\w]+)?\.py$|_pb2(_grpc)?\.py$|\.(config|conf|setup)\.[cm]?[jt]s$|(^|\/)(next-env\.d|vite-env\.d)\.ts$|(^|\/)(jest|vitest|playwright|cypress|eslint|prettier|tailwind|postcss|babel|webpack|rollup|vite|next|nuxt|svelte|astro|drizzle)\.config\./;
const MAX_UNTESTED = 200;

const cache = new WeakMap<ParsedFiles, TestInventory>();

export function testInventory(index: RepoIndex, files: ParsedFiles): TestInventory {
  const cached = cache.get(files);
  if (cached) return cached;
  const tests: TestFile[] = [];
  const supportFiles: string[] = [];
  let testLines = 0;
  const conftests = files.ofKind('python', { containing: ['import'] }).filter((f) => /(^|\/)conftest\.py$/.test(f.path));
  for (const file of [...files.ofKind('python'), ...files.ofKind('js')]) {
    const load = !file.isTest && firstSignal(file, LOAD);
    if (!file.isTest && !load) continue;
    const lines = nonBlank(file.text);
    testLines += lines;
    const isTest = load || (file.kind === 'python' ? !/(^|\/)conftest\.py$/.test(file.path) && PY_TEST.test(file.text) || /^\s*(from\s+locust|import\s+locust)\b/m.test(file.text) : JS_TEST.test(file.text) || LOAD[1].re.test(file.text));
    if (!isTest) {
      supportFiles.push(file.path);
      continue;
    }
    tests.push(classifyTestFile(file, lines, conftests));
  }
  for (const file of files.ofKind('yaml', { containing: ['scenarios'] })) {
    if (!/^config:\s*$/m.test(file.text) || !/^\s+target:/m.test(file.text)) continue;
    const signal = firstSignal(file, LOAD);
    if (!signal) continue;
    const lines = nonBlank(file.text);
    testLines += lines;
    tests.push({ file: file.path, language: 'yaml', lines, cases: (file.text.match(/^\s+- (name|flow):/gm) ?? []).length || 1, level: 'load', alsoUnit: false, security: false, evidence: { load: signal } });
  }
  tests.sort((a, b) => (a.file < b.file ? -1 : 1));
  const testPaths = new Set([...tests.map((t) => t.file), ...supportFiles]);

  const sourceModules: SourceModule[] = [];
  let sourceLines = 0;
  for (const file of [...files.ofKind('python'), ...files.ofKind('js')]) {
    if (file.isTest || testPaths.has(file.path)) continue;
    const lines = nonBlank(file.text);
    if (NOT_A_MODULE.test(file.path) || (/__init__\.py$/.test(file.path) && lines < 5)) continue;
    sourceLines += lines;
    sourceModules.push({ file: file.path, lines });
  }
  sourceModules.sort((a, b) => (a.file < b.file ? -1 : 1));

  const coverage = summariseCoverage(index.coverage, new Set(sourceModules.map((m) => m.file)));
  const touched = touchedModules(index, files, [...tests.map((t) => t.file), ...supportFiles], coverage);
  const untested = sourceModules
    .filter((m) => !touched.has(m.file) && m.lines >= 10)
    .sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : 1))
    .slice(0, MAX_UNTESTED);

  const inventory: TestInventory = {
    frameworks: detectFrameworks(index, files, tests),
    tests,
    supportFiles: supportFiles.sort(),
    testLines,
    sourceLines,
    sourceModules,
    untested,
    coverage,
    packages: sourcePackages(files, sourceModules),
  };
  cache.set(files, inventory);
  return inventory;
}

function nonBlank(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim()) n++;
  return n;
}

function firstSignal(file: ParsedFile, signals: Signal[]): Location | undefined {
  for (const s of signals) {
    const m = s.re.exec(file.text);
    if (m) return signalAt(file, m.index + (m[0].length - m[0].trimStart().length), s.note);
  }
  return undefined;
}

function signalAt(file: ParsedFile, offset: number, note: string): Location {
  return file.locateLines(file.position(offset).line, undefined, note);
}

function classifyTestFile(file: ParsedFile, lines: number, conftests: ParsedFile[]): TestFile {
  const language = file.kind === 'python' ? 'python' : 'js';
  const cases =
    language === 'python'
      ? (file.text.match(/^\s*(async\s+)?def\s+test\w*\s*\(/gm) ?? []).length
      : (file.text.match(/\b(it|test)(\.(only|skip|each\([^)]*\)|concurrent))?\s*\(\s*['"`]/g) ?? []).length;
  const evidence: TestFile['evidence'] = {};
  let level: TestLevel = 'unit';
  const load = firstSignal(file, LOAD) ?? (LOAD_PATH.test(file.path) ? file.locateLines(1, undefined, 'in a load-test folder') : undefined);
  const e2e = firstSignal(file, E2E) ?? (E2E_PATH.test(file.path) || /\.cy\.[cm]?[jt]sx?$/.test(file.path) ? file.locateLines(1, undefined, 'in an end-to-end test folder') : undefined);
  const integration = firstSignal(file, INTEGRATION) ?? clientFixture(file, conftests) ?? (INTEGRATION_PATH.test(file.path) ? file.locateLines(1, undefined, 'in an integration test folder') : undefined);
  if (load) {
    level = 'load';
    evidence.load = load;
  } else if (e2e) {
    level = 'e2e';
    evidence.e2e = e2e;
  } else if (integration) {
    level = 'integration';
    evidence.integration = integration;
  } else {
    const first = /^\s*(async\s+)?def\s+test\w*|\b(it|test)\s*\(\s*['"`]/m.exec(file.text);
    evidence.unit = first ? signalAt(file, first.index + (first[0].length - first[0].trimStart().length), 'unit test') : file.locateLines(1, undefined, 'unit test');
  }
  const security = firstSignal(file, SECURITY_CONTENT) ?? (SECURITY_PATH.test(file.path) ? file.locateLines(1, undefined, 'named for a security concern') : undefined);
  if (security) evidence.security = security;
  const unitFunction = level === 'integration' && language === 'python' ? directTestFunction(file) : undefined;
  if (unitFunction) evidence.unit = unitFunction;
  return { file: file.path, language, lines, cases: Math.max(cases, level === 'load' ? 1 : 0), level, alsoUnit: !!unitFunction, security: !!security, evidence };
}

/** The first pytest function of an integration file that takes no client fixture and uses no test client: a unit test. */
function directTestFunction(file: ParsedFile): Location | undefined {
  const re = /^([ \t]*)(?:async\s+)?def\s+(test\w*)\s*\(([^)]*)\)[^\n]*:\n((?:\1[ \t]+[^\n]*\n|[ \t]*\n)*)/gm;
  for (const m of file.text.matchAll(re)) {
    const params = m[3];
    const body = m[4];
    if (/\b(self|client|api_client|async_client|test_client|app_client|auth_client|authed_client|authenticated_client|admin_client|app|page|live_server)\b/.test(params)) continue;
    if (INTEGRATION.some((s) => s.re.test(body)) || /\bclient\b|\blog_in\(|\blogin\(/.test(body)) continue;
    return signalAt(file, m.index + m[1].length, 'calls code directly');
  }
  return undefined;
}

/** A pytest test taking a `client` fixture that a conftest.py above it builds from the app. */
function clientFixture(file: ParsedFile, conftests: ParsedFile[]): Location | undefined {
  if (file.kind !== 'python') return undefined;
  const m = CLIENT_FIXTURE.exec(file.text);
  if (!m) return undefined;
  const dir = file.path.slice(0, file.path.lastIndexOf('/') + 1);
  const provider = conftests.find((c) => dir.startsWith(c.path.slice(0, c.path.lastIndexOf('/') + 1)) && CLIENT_PROVIDER.test(c.text));
  if (!provider) return undefined;
  return signalAt(file, m.index + (m[0].length - m[0].trimStart().length), `uses the \`${m[2]}\` fixture of ${provider.path}`);
}

function detectFrameworks(index: RepoIndex, files: ParsedFiles, tests: TestFile[]): TestFramework[] {
  const found = new Map<string, Location>();
  const add = (name: string, at: Location) => {
    if (!found.has(name)) found.set(name, at);
  };
  for (const dep of index.dependencies) {
    const name = FRAMEWORK_PACKAGES[dep.name];
    if (name) add(name, { file: dep.manifest, ...(dep.line ? { startLine: dep.line, endLine: dep.line } : {}), note: `${dep.dev ? 'development ' : ''}dependency ${dep.name}` });
  }
  for (const file of files.all) {
    const config = FRAMEWORK_CONFIGS.find(([re]) => re.test(file.path));
    if (config) add(config[1], { file: file.path, note: 'configuration file' });
    if (/(^|\/)pyproject\.toml$/.test(file.path) && /^\[tool\.pytest\.ini_options\]/m.test(file.text)) add('pytest', file.locateLines(lineOf(file, '[tool.pytest.ini_options]'), undefined, 'pytest configuration'));
    if (/(^|\/)setup\.cfg$/.test(file.path) && /^\[tool:pytest\]/m.test(file.text)) add('pytest', file.locateLines(lineOf(file, '[tool:pytest]'), undefined, 'pytest configuration'));
    if (/(^|\/)package\.json$/.test(file.path) && (file.json as { jest?: unknown } | undefined)?.jest) add('jest', file.locateLines(lineOf(file, '"jest"'), undefined, 'jest configuration in package.json'));
  }
  for (const test of tests) {
    const file = files.get(test.file);
    if (!file) continue;
    for (const [re, name] of FRAMEWORK_IMPORTS) {
      if (found.has(name)) continue;
      const m = re.exec(file.text);
      if (m) add(name, signalAt(file, m.index + (m[0].length - m[0].trimStart().length), 'imported by a test'));
    }
    if (test.level === 'load' && test.language === 'yaml') add('Artillery', test.evidence.load!);
  }
  // pytest runs unittest and Django test cases too; a bare `unittest` import under pytest is still pytest's suite.
  return [...found].map(([name, evidence]) => ({ name, evidence })).sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
}

function lineOf(file: ParsedFile, needle: string): number {
  const at = file.text.indexOf(needle);
  return at < 0 ? 1 : file.position(at).line;
}

// ---- what tests touch ----

const PY_FROM_IMPORT = /^\s*from\s+(\.*[\w.]*)\s+import\s+(\([^)]*\)|[^\n#]+)/gm;
const PY_IMPORT = /^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)/gm;
const PY_DOTTED_STRING = /["']([A-Za-z_]\w*(?:\.\w+){1,8})["']/g;
const JS_SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*|\.mock\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function touchedModules(index: RepoIndex, files: ParsedFiles, testFiles: string[], coverage: CoverageSummary | null): Set<string> {
  const touched = new Set<string>();
  const testTexts: string[] = [];
  for (const path of testFiles) {
    const file = files.get(path);
    if (!file) continue;
    testTexts.push(file.text);
    if (file.kind === 'python') {
      for (const m of file.text.matchAll(PY_FROM_IMPORT)) {
        const module = m[1];
        const target = resolvePyModule(files, file.path, module);
        if (target) touched.add(target.path);
        for (const raw of m[2].replace(/[()]/g, '').split(',')) {
          const name = raw.trim().split(/\s+as\s+/)[0];
          if (!/^\w+$/.test(name)) continue;
          const sub = resolvePyModule(files, file.path, module.endsWith('.') || !module ? `${module}${name}` : `${module}.${name}`);
          if (sub) touched.add(sub.path);
        }
      }
      for (const m of file.text.matchAll(PY_IMPORT)) {
        for (const part of m[1].split(',')) {
          const target = resolvePyModule(files, file.path, part.trim().split(/\s+as\s+/)[0]);
          if (target) touched.add(target.path);
        }
      }
      // mock.patch("app.services.billing.charge"), monkeypatch.setattr("app.x.y", …): the longest prefix that is a module.
      for (const m of file.text.matchAll(PY_DOTTED_STRING)) {
        const parts = m[1].split('.');
        for (let n = parts.length; n >= 1; n--) {
          const target = resolvePyModule(files, file.path, parts.slice(0, n).join('.'));
          if (target) {
            touched.add(target.path);
            break;
          }
        }
      }
    } else if (file.kind === 'js') {
      for (const m of file.text.matchAll(JS_SPECIFIER)) {
        const target = resolveJsModule(files, file.path, m[1]);
        if (target) touched.add(target.path);
      }
    }
  }
  // A route module is exercised when a test calls one of its paths.
  const testText = testTexts.join('\n');
  for (const route of index.routes) {
    const stem = route.path.split(/[{<:[*]/)[0].replace(/\/+$/, '');
    if (stem.length < 3) continue;
    if (testText.includes(stem)) {
      touched.add(route.at.file);
      touched.add(route.handler.file);
    }
  }
  if (coverage) for (const [file, figures] of coverage.byFile) if (figures.covered > 0) touched.add(file);
  return touched;
}

// ---- coverage ----

const FORMAT_PREFERENCE = ['cobertura', 'lcov', 'coverage.py-json', 'istanbul', 'istanbul-summary'];

/** Reports combined; two reports of the same run (coverage.xml and coverage.json) counted once. */
export function summariseCoverage(reports: readonly CoverageReport[], sources: ReadonlySet<string>): CoverageSummary | null {
  const usable = reports.filter((r) => r.total > 0);
  if (!usable.length) return null;
  const bySignature = new Map<string, CoverageReport>();
  for (const r of [...usable].sort((a, b) => FORMAT_PREFERENCE.indexOf(a.format) - FORMAT_PREFERENCE.indexOf(b.format) || (a.file < b.file ? -1 : 1))) {
    const dir = r.file.includes('/') ? r.file.slice(0, r.file.indexOf('/')) : '';
    const signature = `${dir}\0${r.files.map((f) => f.file.split('/').pop()).sort().join(',')}`;
    if (!bySignature.has(signature)) bySignature.set(signature, r);
  }
  const kept = [...bySignature.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  const covered = kept.reduce((s, r) => s + r.covered, 0);
  const total = kept.reduce((s, r) => s + r.total, 0);
  const byFile = new Map<string, { covered: number; total: number }>();
  const suffixIndex = new Map<string, string[]>();
  for (const source of sources) {
    const parts = source.split('/');
    for (let i = 0; i < parts.length; i++) {
      const key = parts.slice(i).join('/');
      suffixIndex.set(key, [...(suffixIndex.get(key) ?? []), source]);
    }
  }
  for (const report of kept) {
    const reportDir = report.file.includes('/') ? report.file.slice(0, report.file.lastIndexOf('/')).replace(/\/(coverage|reports|htmlcov|test-results)$/, '') : '';
    for (const f of report.files) {
      const name = f.file.replace(/^\/+/, '');
      const candidates = [reportDir ? `${reportDir}/${name}` : name, name];
      let match = candidates.find((c) => sources.has(c));
      if (!match) {
        // Absolute paths of another machine: the longest repository path the name ends with.
        const parts = name.split('/');
        for (let i = 0; i < parts.length && !match; i++) {
          const hits = suffixIndex.get(parts.slice(i).join('/'));
          if (hits?.length === 1) match = hits[0];
        }
      }
      if (!match) continue;
      const known = byFile.get(match) ?? { covered: 0, total: 0 };
      byFile.set(match, { covered: known.covered + f.covered, total: known.total + f.total });
    }
  }
  return { covered, total, percent: Math.round((covered / total) * 1000) / 10, reports: kept, byFile };
}

/** Top-level Python packages and JS source roots holding the most source lines. */
function sourcePackages(files: ParsedFiles, modules: SourceModule[]): string[] {
  const weight = new Map<string, number>();
  for (const m of modules) {
    let pkg: string | undefined;
    if (m.file.endsWith('.py')) {
      const parts = m.file.split('/');
      // The outermost folder of the module's package chain (`backend/app/routers/x.py` → `backend/app`).
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (files.get(`${dir}/__init__.py`)) {
          pkg = dir;
          break;
        }
      }
    } else {
      const src = /^(.*?\/)?src\//.exec(m.file);
      pkg = src ? `${src[1] ?? ''}src` : m.file.includes('/') ? m.file.slice(0, m.file.indexOf('/')) : undefined;
    }
    if (pkg) weight.set(pkg, (weight.get(pkg) ?? 0) + m.lines);
  }
  return [...weight].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
}

/** A browser front end lives in this repository (Next.js, or a React / Vue / Svelte / Angular / Solid dependency): end-to-end tests apply. */
export function browserFrontend(index: RepoIndex): { name: string; at: Location } | undefined {
  const next = index.frameworks.find((f) => f.name === 'nextjs');
  if (next) return { name: 'Next.js', at: next.evidence };
  const dep = index.dependencies.find((d) => d.ecosystem === 'npm' && !d.dev && /^(react|vue|svelte|@angular\/core|solid-js|preact|@sveltejs\/kit|nuxt|@remix-run\/react)$/.test(d.name));
  return dep ? { name: dep.name, at: { file: dep.manifest, ...(dep.line ? { startLine: dep.line, endLine: dep.line } : {}) } } : undefined;
}

/**
 * Where a repository-level testing finding is anchored: the first route of the file declaring the
 * most routes, else the first dependency of the main manifest, else the largest module's first line.
 */
export function testingAnchor(index: RepoIndex, inventory: TestInventory): Location | undefined {
  const routeFiles = new Map<string, number>();
  for (const r of index.routes) routeFiles.set(r.at.file, (routeFiles.get(r.at.file) ?? 0) + 1);
  const busiest = [...routeFiles].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  if (busiest) {
    const first = index.routes.filter((r) => r.at.file === busiest).sort((a, b) => (a.at.startLine ?? 0) - (b.at.startLine ?? 0))[0];
    return { file: busiest, startLine: first.at.startLine, endLine: first.at.startLine };
  }
  const manifest = [...index.manifests].sort((a, b) => a.file.split('/').length - b.file.split('/').length || (a.file < b.file ? -1 : 1))[0]?.file;
  if (manifest) {
    const line = index.dependencies.filter((d) => d.manifest === manifest && d.line).map((d) => d.line!).sort((a, b) => a - b)[0] ?? 1;
    return { file: manifest, startLine: line, endLine: line };
  }
  const largest = [...inventory.sourceModules].sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : 1))[0]?.file;
  return largest ? { file: largest, startLine: 1, endLine: 1 } : undefined;
}

/** Whether the repository is an application a test suite is expected for: a web app, or enough code. */
export function expectsTests(index: RepoIndex, inventory: TestInventory): boolean {
  return inventory.sourceLines >= 10 && (index.domains.has('web') || inventory.sourceLines >= 300);
}

/** The command that would write a coverage report shipgate reads, for the frameworks this project uses. */
export function coverageCommand(inventory: TestInventory): string {
  const names = new Set(inventory.frameworks.map((f) => f.name));
  const pyTests = inventory.tests.some((t) => t.language === 'python');
  const jsTests = inventory.tests.some((t) => t.language === 'js');
  const commands: string[] = [];
  if (pyTests || names.has('pytest') || names.has('unittest') || names.has('Django test runner')) {
    const pyPackage = inventory.packages.find((p) => inventory.sourceModules.some((m) => m.file.startsWith(`${p}/`) && m.file.endsWith('.py')));
    const dir = pyPackage?.includes('/') ? pyPackage.slice(0, pyPackage.lastIndexOf('/')) : '';
    const cov = pyPackage ? pyPackage.slice(pyPackage.lastIndexOf('/') + 1) : '.';
    const prefix = dir ? `cd ${dir} && ` : '';
    if (names.has('pytest') || !names.has('Django test runner')) commands.push(`${prefix}pytest --cov=${cov} --cov-report=xml`);
    else commands.push(`${prefix}coverage run manage.py test && coverage xml`);
  }
  if (jsTests || names.has('jest') || names.has('vitest') || names.has('mocha')) {
    if (names.has('vitest')) commands.push('npx vitest run --coverage --coverage.reporter=lcov');
    else if (names.has('jest')) commands.push('npx jest --coverage');
    else if (names.has('mocha')) commands.push('npx c8 --reporter=lcov mocha');
    else if (names.has('node:test')) commands.push('node --test --experimental-test-coverage --test-reporter=lcov --test-reporter-destination=lcov.info');
    else commands.push('npx c8 --reporter=lcov npm test');
  }
  if (!commands.length) return 'add a test suite, then run it with coverage (`pytest --cov --cov-report=xml`, `npx vitest run --coverage`)';
  return commands.map((c) => `\`${c}\``).join(' and ');
}
