/**
 * What CI runs, one shell command per entry with its file and line: GitHub Actions (`run:` lines
 * and `uses:` actions), GitLab CI, CircleCI, Azure Pipelines, Bitbucket Pipelines, Travis
 * (`script` / `run` / `bash` / `command` values anywhere in their YAML) and Jenkinsfiles (`sh`
 * steps). On top of it, the two questions several parts of the audit ask:
 *
 * - `ciTestRuns`: which commands run the test suite — a test runner directly (pytest, `manage.py
 *   test`, jest, vitest, playwright …), or through a wrapper that runs one: `npm test` / `npm run X`
 *   whose package.json script does, `make X` whose Makefile recipe does, tox and nox.
 * - `ciDependencyAudits`: which commands or actions check dependencies for known vulnerabilities
 *   (pip-audit, safety, npm/yarn/pnpm audit, osv-scanner, Snyk, Trivy, dependency-review).
 *
 * The testing and dependency assessments read these; the infrastructure CI/CD row can too.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { readGithubWorkflows, scriptLines } from './github-actions.ts';
import { isYamlPair, resolveNode, yamlScalar, type YamlNode } from './yaml-nodes.ts';

export type CiSystem = 'github-actions' | 'gitlab-ci' | 'circleci' | 'azure-pipelines' | 'bitbucket-pipelines' | 'travis' | 'jenkins';

export interface CiCommand {
  system: CiSystem;
  file: string;
  line: number;
  /** One shell command line as written, or `uses: owner/action@ref` for an action step. */
  command: string;
  /** Job (or pipeline stage) name when the system has one. */
  job?: string;
}

export interface CiTestRun extends CiCommand {
  /** The runner it starts: `pytest`, `vitest (npm script "test")`, `tox` … */
  runner: string;
  /** Where a wrapper's script or recipe names the runner (package.json script, Makefile recipe). */
  via?: Location;
}

const CI_FILES: [RegExp, CiSystem][] = [
  [/^\.gitlab-ci\.ya?ml$|(^|\/)\.gitlab\/ci\/.+\.ya?ml$/, 'gitlab-ci'],
  [/^\.circleci\/config\.ya?ml$/, 'circleci'],
  [/(^|\/)azure-pipelines[^/]*\.ya?ml$|^\.azure-pipelines\/.+\.ya?ml$/, 'azure-pipelines'],
  [/^bitbucket-pipelines\.ya?ml$/, 'bitbucket-pipelines'],
  [/^\.travis\.ya?ml$/, 'travis'],
];
const SCRIPT_KEYS = new Set(['script', 'before_script', 'after_script', 'run', 'bash', 'command', 'pwsh', 'powershell', 'cmd', 'install']);

const cache = new WeakMap<ParsedFiles, CiCommand[]>();

export function ciCommands(files: ParsedFiles): CiCommand[] {
  const cached = cache.get(files);
  if (cached) return cached;
  const out: CiCommand[] = [];
  for (const workflow of readGithubWorkflows(files)) {
    if (workflow.kind !== 'workflow') continue;
    const file = workflow.file;
    for (const job of workflow.jobs) {
      for (const step of job.steps) {
        if (step.uses) out.push({ system: 'github-actions', file: file.path, line: file.position(step.uses.start).line, command: `uses: ${step.uses.value}`, job: job.id });
        if (step.run) for (const line of scriptLines(file, step.run)) out.push({ system: 'github-actions', file: file.path, line: file.position(line.start).line, command: line.text, job: job.id });
      }
    }
  }
  for (const file of files.ofKind('yaml')) {
    const system = CI_FILES.find(([re]) => re.test(file.path))?.[1];
    if (!system) continue;
    for (const doc of file.yaml ?? []) collectYamlScripts(file, system, doc, (doc as { contents?: unknown }).contents, undefined, 0, out);
  }
  for (const file of files.all) {
    if (!/(^|\/)Jenkinsfile[^/]*$/.test(file.path)) continue;
    collectJenkinsSteps(file, out);
  }
  out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  cache.set(files, out);
  return out;
}

function collectYamlScripts(file: ParsedFile, system: CiSystem, doc: unknown, value: unknown, job: string | undefined, depth: number, out: CiCommand[]): void {
  if (depth > 12) return;
  const node = resolveNode(value, doc);
  if (!node?.items) return;
  for (const item of node.items) {
    if (isYamlPair(item)) {
      const key = yamlScalar(item.key);
      const child = resolveNode(item.value, doc);
      const nextJob = depth === 0 || (depth === 2 && system === 'circleci') ? key : job;
      if (key && SCRIPT_KEYS.has(key)) {
        for (const scalar of scalarsOf(child, doc)) pushScalarLines(file, system, scalar, nextJob, out);
        // CircleCI `run: { command: … }`, Azure `script` maps: look inside too.
        if (child?.items) collectYamlScripts(file, system, doc, child, nextJob, depth + 1, out);
        continue;
      }
      collectYamlScripts(file, system, doc, child, nextJob, depth + 1, out);
    } else collectYamlScripts(file, system, doc, item, job, depth + 1, out);
  }
}

function scalarsOf(node: YamlNode | undefined, doc: unknown): YamlNode[] {
  if (!node) return [];
  if (yamlScalar(node) !== undefined) return [node];
  if (!node.items || node.items.some(isYamlPair)) return [];
  return node.items.map((i) => resolveNode(i, doc)).filter((n): n is YamlNode => !!n && yamlScalar(n) !== undefined);
}

function pushScalarLines(file: ParsedFile, system: CiSystem, node: YamlNode, job: string | undefined, out: CiCommand[]): void {
  const text = yamlScalar(node);
  if (text === undefined || !node.range) return;
  const startLine = file.position(node.range[0]).line;
  const block = /^[|>]/.test(file.text.slice(node.range[0], node.range[0] + 1));
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    out.push({ system, file: file.path, line: startLine + i + (block ? 1 : 0), command: line, ...(job ? { job } : {}) });
  });
}

function collectJenkinsSteps(file: ParsedFile, out: CiCommand[]): void {
  const re = /\b(?:sh|bat|powershell)\s*\(?\s*(?:script\s*:\s*)?('''|"""|'|")([\s\S]*?)\1/g;
  for (const m of file.text.matchAll(re)) {
    const start = (m.index ?? 0) + m[0].indexOf(m[1]) + m[1].length;
    const firstLine = file.position(start).line;
    m[2].split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line) out.push({ system: 'jenkins', file: file.path, line: firstLine + i, command: line });
    });
  }
}

// ---- test runs ----

/** Commands that are a test runner. The label names it. */
const TEST_RUNNERS: [RegExp, string][] = [
  [/(^|[\s;&|/(])(py\.test|pytest)(\s|$)|python[0-9.]*\s+-m\s+pytest\b/, 'pytest'],
  [/python[0-9.]*\s+-m\s+unittest\b/, 'unittest'],
  [/\bmanage\.py\s+test\b|django-admin\s+test\b/, 'Django test runner'],
  [/(^|[\s;&|])nose2?(\s|$)/, 'nose'],
  [/(^|[\s;&|])(tox|nox)(\s|$)/, 'tox/nox'],
  [/\bhatch\s+(test|run\s+test)/, 'hatch test'],
  [/\bcoverage\s+run\b/, 'coverage run'],
  [/\b(jest|vitest|mocha|ava|jasmine|uvu|tap|c8|nyc)(\s|$)/, 'JS test runner'],
  [/\bnode\s+(--\S+\s+)*--test\b/, 'node:test'],
  [/\bplaywright\s+test\b/, 'Playwright'],
  [/\bcypress\s+run\b/, 'Cypress'],
  [/\bbun\s+test\b/, 'bun test'],
  [/\bk6\s+run\b/, 'k6'],
  [/\blocust\b.*--headless/, 'locust'],
  [/\bartillery\s+run\b/, 'Artillery'],
  [/\bbehave(\s|$)/, 'behave'],
  [/\bgo\s+test\b|\bcargo\s+test\b/, 'test runner'],
];
const NPM_RUN = /\b(npm|pnpm|yarn|bun)\s+(?:run\s+|run-script\s+)?([\w:.-]+)/;
const MAKE = /(^|[\s;&|])make\s+(?:-\S+\s+)*([\w.-]+)/;
const TEST_ACTIONS = /^uses:\s*(cypress-io\/github-action|microsoft\/playwright-github-action|grafana\/(k6-action|run-k6-action)|paambaati\/codeclimate-action)/i;

/** Installing a runner is not running it: `pip install pytest`, `npm i -D vitest`. */
const INSTALL = /\b(pip3?|uv\s+pip|uv|poetry|pipenv|pdm|npm|pnpm|yarn|bun|apt(-get)?|brew|conda|pipx)\s+(install|add|i|ci|sync)\b/;

export function runnerOf(command: string): string | undefined {
  if (INSTALL.test(command)) return undefined;
  const cmd = command.replace(/^(?:sudo\s+|env\s+\S+=\S+\s+|\w+=\S+\s+)+/, '');
  for (const [re, label] of TEST_RUNNERS) {
    const m = re.exec(cmd);
    if (m) return label === 'JS test runner' ? (m[1] ?? 'test runner') : label;
  }
  return undefined;
}

const testRunCache = new WeakMap<ParsedFiles, CiTestRun[]>();

export function ciTestRuns(files: ParsedFiles): CiTestRun[] {
  const cached = testRunCache.get(files);
  if (cached) return cached;
  const scripts = packageScripts(files);
  const recipes = makeRecipes(files);
  const out: CiTestRun[] = [];
  for (const command of ciCommands(files)) {
    if (TEST_ACTIONS.test(command.command)) {
      out.push({ ...command, runner: command.command.replace(/^uses:\s*/, '').split('@')[0] });
      continue;
    }
    if (command.command.startsWith('uses:')) continue;
    const direct = runnerOf(command.command);
    if (direct) {
      out.push({ ...command, runner: direct });
      continue;
    }
    const npm = NPM_RUN.exec(command.command);
    if (npm && !['install', 'ci', 'add', 'i', 'audit', 'publish', 'exec', 'dlx', 'npx'].includes(npm[2])) {
      const name = npm[2] === 't' ? 'test' : npm[2];
      const script = scripts.find((s) => s.name === name && runnerOf(s.command));
      if (script) {
        out.push({ ...command, runner: `${runnerOf(script.command)} (${npm[1]} script "${name}")`, via: script.at });
        continue;
      }
      // `npm test` with no readable package.json script still runs whatever the project calls its tests.
      if (name === 'test' && !scripts.some((s) => s.name === 'test')) {
        out.push({ ...command, runner: `${npm[1]} test` });
        continue;
      }
    }
    const make = MAKE.exec(command.command);
    if (make) {
      const recipe = recipes.find((r) => r.target === make[2] && runnerOf(r.command));
      if (recipe) out.push({ ...command, runner: `${runnerOf(recipe.command)} (make ${make[2]})`, via: recipe.at });
    }
  }
  testRunCache.set(files, out);
  return out;
}

interface NamedCommand {
  name: string;
  command: string;
  at: Location;
}

function packageScripts(files: ParsedFiles): NamedCommand[] {
  const out: NamedCommand[] = [];
  for (const file of files.ofKind('json', { containing: ['"scripts"'] })) {
    if (!/(^|\/)package\.json$/.test(file.path)) continue;
    const scripts = (file.json as { scripts?: Record<string, unknown> } | undefined)?.scripts;
    if (!scripts || typeof scripts !== 'object') continue;
    const sectionAt = file.text.indexOf('"scripts"');
    for (const [name, command] of Object.entries(scripts)) {
      if (typeof command !== 'string') continue;
      const at = file.text.indexOf(`"${name}"`, sectionAt);
      out.push({ name, command, at: file.locateLines(at >= 0 ? file.position(at).line : 1) });
    }
  }
  // A script that calls another (`"test": "npm run test:unit"`) inherits its runner.
  for (const script of out) {
    if (runnerOf(script.command)) continue;
    const inner = NPM_RUN.exec(script.command)?.[2];
    const target = out.find((s) => s.name === inner && runnerOf(s.command));
    if (target) script.command = `${script.command} → ${target.command}`;
  }
  return out;
}

function makeRecipes(files: ParsedFiles): { target: string; command: string; at: Location }[] {
  const out: { target: string; command: string; at: Location }[] = [];
  for (const file of files.all) {
    if (!/(^|\/)(GNU)?[Mm]akefile$|\.mk$/.test(file.path)) continue;
    let target: string | undefined;
    file.text.split('\n').forEach((raw, i) => {
      const header = /^([\w.-]+)\s*:(?!=)/.exec(raw);
      if (header) {
        target = header[1];
        return;
      }
      if (target && /^\t/.test(raw) && raw.trim()) out.push({ target, command: raw.trim().replace(/^[@-]+/, ''), at: file.locateLines(i + 1) });
      else if (raw.trim() && !/^\t/.test(raw)) target = undefined;
    });
  }
  return out;
}

// ---- dependency audits ----

const AUDIT_COMMANDS: [RegExp, string][] = [
  [/\bpip-audit\b/, 'pip-audit'],
  [/(^|[\s;&|])safety\s+(check|scan)\b/, 'safety'],
  [/\b(npm|pnpm)\s+audit\b/, 'npm audit'],
  [/\byarn\s+(npm\s+)?audit\b/, 'yarn audit'],
  [/\bosv-scanner\b/, 'osv-scanner'],
  [/\bsnyk\s+test\b/, 'Snyk'],
  [/\btrivy\s+(fs|repo|image)\b/, 'Trivy'],
  [/\bgrype\b/, 'Grype'],
  [/\bshipgate\b.*--(osv-db|online)\b/, 'shipgate'],
];
const AUDIT_ACTIONS: [RegExp, string][] = [
  [/^uses:\s*pypa\/gh-action-pip-audit/i, 'pip-audit'],
  [/^uses:\s*actions\/dependency-review-action/i, 'dependency review'],
  [/^uses:\s*snyk\/actions/i, 'Snyk'],
  [/^uses:\s*aquasecurity\/trivy-action/i, 'Trivy'],
  [/^uses:\s*google\/osv-scanner-action/i, 'osv-scanner'],
  [/^uses:\s*anchore\/scan-action/i, 'Grype'],
];

export function ciDependencyAudits(files: ParsedFiles): (CiCommand & { tool: string })[] {
  return ciCommandsMatching(files, AUDIT_COMMANDS, AUDIT_ACTIONS);
}

/** CI commands (or `uses:` actions) that one of the tables recognises, with the tool it names. */
function ciCommandsMatching(files: ParsedFiles, commands: [RegExp, string][], actions: [RegExp, string][]): (CiCommand & { tool: string })[] {
  const out: (CiCommand & { tool: string })[] = [];
  for (const command of ciCommands(files)) {
    const table = command.command.startsWith('uses:') ? actions : commands;
    const hit = table.find(([re]) => re.test(command.command));
    if (hit) out.push({ ...command, tool: hit[1] });
  }
  return out;
}

// ---- security scans of the code ----

const SCAN_COMMANDS: [RegExp, string][] = [
  [/\bbandit\b/, 'Bandit'],
  [/\bsemgrep\b/, 'Semgrep'],
  [/\bsnyk\s+code\b/, 'Snyk Code'],
  [/\bzap-(baseline|full-scan|api-scan)\b/, 'OWASP ZAP'],
  [/\bnjsscan\b/, 'njsscan'],
  [/\bshipgate\s+audit\b/, 'shipgate'],
];
const SCAN_ACTIONS: [RegExp, string][] = [
  [/^uses:\s*github\/codeql-action\/(analyze|init)/i, 'CodeQL'],
  [/^uses:\s*(returntocorp|semgrep)\/semgrep-action/i, 'Semgrep'],
  [/^uses:\s*zaproxy\/action-(baseline|full-scan|api-scan)/i, 'OWASP ZAP'],
  [/^uses:\s*PyCQA\/bandit-action/i, 'Bandit'],
];

/** CI steps that scan the code itself for vulnerabilities (SAST or a DAST baseline), not its dependencies. */
export function ciSecurityScans(files: ParsedFiles): (CiCommand & { tool: string })[] {
  return ciCommandsMatching(files, SCAN_COMMANDS, SCAN_ACTIONS);
}
