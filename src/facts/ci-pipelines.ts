/**
 * CI/CD pipelines of every common provider (GitHub Actions, GitLab CI, CircleCI, Azure
 * Pipelines, Jenkins, Bitbucket Pipelines, Travis, Buildkite, Drone/Woodpecker, Cloud Build,
 * CodeBuild) read into one model: jobs, the steps they run, and what each step does — run tests
 * (with coverage), lint, type-check, scan for vulnerabilities, build, migrate, deploy — plus the
 * gate in front of a deploy (a protected environment, a manual trigger or approval job, a release
 * tag). `npm run X`, `make X`, `poetry run X`, shell scripts of the repository and pre-commit
 * hooks are followed one level so `npm test` counts as the tests it runs.
 *
 * One source for every question about CI: the infrastructure assessment (CI/CD row), the CI
 * rules, and the testing assessment ("does CI run the tests": `ciTestSteps`).
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { readGithubWorkflows, scriptLines, type GhaJob, type GhaWorkflow } from './github-actions.ts';
import { MIGRATE_COMMAND } from './operations/deployment.ts';
import { asYamlNode, seqItems, yamlEntries, yamlGet, yamlScalar, type YamlNode } from './yaml-nodes.ts';

export type CiProvider = 'github-actions' | 'gitlab-ci' | 'circleci' | 'azure-pipelines' | 'jenkins' | 'bitbucket' | 'travis' | 'buildkite' | 'drone' | 'cloud-build' | 'codebuild';
export type CiStepKind = 'test' | 'coverage' | 'lint' | 'typecheck' | 'security' | 'build' | 'migrate' | 'deploy';
/** What a security step examines: the dependencies (known advisories), the code itself (SAST, a DAST baseline), committed secrets, infrastructure files, the supply chain. */
export type SecurityScope = 'dependencies' | 'code' | 'secrets' | 'infrastructure' | 'supply-chain';

/** One recognised tool of a step. Security steps can name several (one per tool); other kinds one each. */
export interface CiTool {
  kind: CiStepKind;
  tool: string;
  /** For security tools: what they examine. */
  scope?: SecurityScope;
  /** The wrapper that runs it when it was found by following one: `npm script "test"`, `make check`. */
  via?: string;
  /** The line of the step's script that runs it, when the step has several. */
  line?: number;
}

export const CI_PROVIDER_NAMES: Record<CiProvider, string> = {
  'github-actions': 'GitHub Actions',
  'gitlab-ci': 'GitLab CI',
  circleci: 'CircleCI',
  'azure-pipelines': 'Azure Pipelines',
  jenkins: 'Jenkins',
  bitbucket: 'Bitbucket Pipelines',
  travis: 'Travis CI',
  buildkite: 'Buildkite',
  drone: 'Drone / Woodpecker',
  'cloud-build': 'Google Cloud Build',
  codebuild: 'AWS CodeBuild',
};

export interface CiStep {
  provider: CiProvider;
  file: string;
  job: string;
  /** The command or action as written (first line). */
  text: string;
  at: Location;
  kinds: CiStepKind[];
  /** What was recognised, per kind: `test: pytest`, `security: pip-audit`, `deploy: flyctl deploy`. */
  tools: CiTool[];
}

export interface CiJob {
  provider: CiProvider;
  file: string;
  id: string;
  at: Location;
  steps: CiStep[];
  /** Jobs this one waits for. */
  needs: string[];
  /** How a deploy in this job is held back for a person: a protected environment, a manual trigger or approval, a release tag. */
  gate?: string;
  /** Steps or templates shipgate cannot see into (remote reusable workflows, orbs, included templates). */
  opaque: string[];
}

export interface CiPipeline {
  provider: CiProvider;
  file: string;
  at: Location;
  /** push, pull_request, merge_request, schedule, manual, tag, release … */
  triggers: string[];
  jobs: CiJob[];
}

export interface CiFacts {
  pipelines: CiPipeline[];
  /** Every step of every job, in file order. */
  steps: CiStep[];
}

// ---- classification ----

interface Classifier {
  kind: CiStepKind;
  tool: string;
  scope?: SecurityScope;
  re: RegExp;
}

const COMMAND_CLASSIFIERS: Classifier[] = [
  { kind: 'test', tool: 'pytest', re: /\bpytest\b|\bpython[\d.]*\s+-m\s+pytest\b|\bpy\.test\b/ },
  { kind: 'test', tool: 'unittest', re: /\bpython[\d.]*\s+-m\s+unittest\b/ },
  { kind: 'test', tool: 'Django tests', re: /\bmanage\.py\s+test\b|\bdjango-admin\s+test\b/ },
  { kind: 'test', tool: 'nose', re: /(^|[\s;&|])nose2?(\s|$)/ },
  { kind: 'test', tool: 'tox', re: /(^|[\s;&|])(tox|nox)(\s|$)/ },
  { kind: 'test', tool: 'jest', re: /\bjest\b/ },
  { kind: 'test', tool: 'vitest', re: /\bvitest\b/ },
  { kind: 'test', tool: 'mocha', re: /\bmocha\b/ },
  { kind: 'test', tool: 'ava', re: /(^|\s)ava(\s|$)/ },
  { kind: 'test', tool: 'jasmine', re: /\bjasmine(\s|$)|(^|\s)uvu(\s|$)/ },
  { kind: 'test', tool: 'node --test', re: /\bnode\s+(--[\w-]+(=\S+|\s+(?!--)\S+)?\s+)*--test\b/ },
  { kind: 'test', tool: 'Playwright', re: /\bplaywright\s+test\b/ },
  { kind: 'test', tool: 'Cypress', re: /\bcypress\s+run\b/ },
  { kind: 'test', tool: 'npm test', re: /\b(npm|pnpm|yarn|bun)\s+(run\s+)?test\b|\bnpm\s+t\b|\bnpm\s+run\s+test:\w+|\bnpm\s+cit\b/ },
  { kind: 'test', tool: 'make test', re: /\bmake\s+(\S+\s+)*test\b/ },
  { kind: 'test', tool: 'go test', re: /\bgo\s+test\b|\bcargo\s+test\b|\bdeno\s+test\b|\bbun\s+test\b/ },
  { kind: 'test', tool: 'hatch test', re: /\bhatch\s+(run\s+)?(test|[\w-]+:test)\b|\bbehave\b|\blocust\b.*--headless|\bk6\s+run\b|\bartillery\s+run\b|\bcoverage\s+run\b/ },
  { kind: 'coverage', tool: 'coverage', re: /--cov\b|--cov=|\bcoverage\s+(run|xml|report|json|lcov)\b|--coverage\b|\bnyc\b|(^|\s)c8(\s|$)|\bcodecov\b|\bcoveralls\b/ },
  { kind: 'lint', tool: 'ruff', re: /\bruff(\s+check)?\b(?!\s+format\b(?!.*--check))/ },
  { kind: 'lint', tool: 'flake8', re: /\bflake8\b|\bpylint\b|\bpyflakes\b|\bpycodestyle\b/ },
  { kind: 'lint', tool: 'black --check', re: /\bblack\s+(.*\s)?--check\b|\bisort\s+(.*\s)?--check/ },
  { kind: 'lint', tool: 'eslint', re: /\beslint\b|\bbiome\s+(check|lint|ci)\b|\bprettier\s+(.*\s)?--check\b|\bstylelint\b|(^|\s)xo(\s|$)/ },
  { kind: 'lint', tool: 'npm run lint', re: /\b(npm|pnpm|yarn|bun)\s+(run\s+)?lint\b/ },
  { kind: 'lint', tool: 'hadolint', re: /\bhadolint\b|\bshellcheck\b|\byamllint\b|\bgolangci-lint\b|\bactionlint\b/ },
  { kind: 'lint', tool: 'pre-commit', re: /\bpre-commit\s+run\b/ },
  { kind: 'typecheck', tool: 'mypy', re: /\bmypy\b|\bpyright\b|\bbasedpyright\b|\bpytype\b/ },
  { kind: 'typecheck', tool: 'tsc', re: /(^|[\s/])tsc(\s|$)|\bvue-tsc\b|\b(npm|pnpm|yarn|bun)\s+(run\s+)?(typecheck|type-check|types|check-types|tsc|check:types)\b/ },
  { kind: 'security', tool: 'Bandit', scope: 'code', re: /\bbandit\b/ },
  { kind: 'security', tool: 'pip-audit', scope: 'dependencies', re: /\bpip-audit\b/ },
  { kind: 'security', tool: 'safety', scope: 'dependencies', re: /(^|[\s;&|])safety\s+(check|scan)\b/ },
  { kind: 'security', tool: 'npm audit', scope: 'dependencies', re: /\b(npm|pnpm)\s+audit\b|\baudit-ci\b|\bbetter-npm-audit\b/ },
  { kind: 'security', tool: 'yarn audit', scope: 'dependencies', re: /\byarn\s+(npm\s+)?audit\b/ },
  { kind: 'security', tool: 'Semgrep', scope: 'code', re: /\bsemgrep\b/ },
  { kind: 'security', tool: 'Trivy', scope: 'dependencies', re: /\btrivy\b(?!\s+config\b)/ },
  { kind: 'security', tool: 'Trivy config', scope: 'infrastructure', re: /\btrivy\s+config\b/ },
  { kind: 'security', tool: 'Grype', scope: 'dependencies', re: /\bgrype\b/ },
  { kind: 'security', tool: 'Snyk', scope: 'dependencies', re: /\bsnyk\s+(test|monitor|container)\b/ },
  { kind: 'security', tool: 'Snyk Code', scope: 'code', re: /\bsnyk\s+code\b/ },
  { kind: 'security', tool: 'gitleaks', scope: 'secrets', re: /\bgitleaks\b|\btrufflehog\b|\bdetect-secrets\b/ },
  { kind: 'security', tool: 'osv-scanner', scope: 'dependencies', re: /\bosv-scanner\b/ },
  { kind: 'security', tool: 'OWASP Dependency-Check', scope: 'dependencies', re: /\bdependency-check\b|\bbundler-audit\b/ },
  { kind: 'security', tool: 'Checkov', scope: 'infrastructure', re: /\bcheckov\b|\btfsec\b|\bkics\b/ },
  { kind: 'security', tool: 'njsscan', scope: 'code', re: /\bnjsscan\b|\bgosec\b/ },
  { kind: 'security', tool: 'OWASP ZAP', scope: 'code', re: /\bzap-(baseline|full-scan|api-scan)\b/ },
  { kind: 'security', tool: 'shipgate', scope: 'dependencies', re: /\bshipgate\b.*--(osv-db|online)\b/ },
  { kind: 'security', tool: 'shipgate', scope: 'code', re: /\bshipgate\s+audit\b/ },
  { kind: 'build', tool: 'docker build', re: /\bdocker\s+(build|buildx\s+build|push)\b|\bkaniko\b|\bbuildah\s+bud\b/ },
  { kind: 'migrate', tool: 'migrations', re: MIGRATE_COMMAND },
  { kind: 'deploy', tool: 'kubectl', re: /\bkubectl\s+(apply|set\s+image|rollout\s+restart|replace|create)\b|\bkustomize\s+build\b.*\|\s*kubectl\b/ },
  { kind: 'deploy', tool: 'Helm', re: /\bhelm(file)?\s+(upgrade|install|apply|sync)\b|\bargocd\s+app\s+sync\b|\bskaffold\s+(run|deploy)\b/ },
  { kind: 'deploy', tool: 'Fly.io', re: /\b(flyctl|fly)\s+deploy\b/ },
  { kind: 'deploy', tool: 'Vercel', re: /\bvercel\b.*(--prod|\bdeploy\b)|\bvercel\s+deploy\b/ },
  { kind: 'deploy', tool: 'Netlify', re: /\bnetlify\s+deploy\b/ },
  { kind: 'deploy', tool: 'Railway', re: /\brailway\s+(up|deploy|redeploy)\b/ },
  { kind: 'deploy', tool: 'Heroku', re: /\bgit\s+push\s+(\S+\s+)*(heroku|dokku)\b|git\.heroku\.com|\bheroku\s+(container:release|releases:\w+|deploy)/ },
  { kind: 'deploy', tool: 'Google Cloud', re: /\bgcloud\s+(beta\s+)?(run|app|functions)\s+deploy\b/ },
  { kind: 'deploy', tool: 'AWS', re: /\baws\s+ecs\s+(update-service|deploy)\b|\b(serverless|sls)\s+deploy\b|\beb\s+deploy\b|\b(cdk|sam)\s+deploy\b|\bcopilot\s+(svc\s+)?deploy\b|\baws\s+lambda\s+update-function-code\b/ },
  { kind: 'deploy', tool: 'Azure', re: /\baz\s+(webapp|containerapp|functionapp|acr)\s+(deploy|up|update|create|build)\b|\bazd\s+(up|deploy)\b/ },
  { kind: 'deploy', tool: 'Terraform', re: /\bterraform\s+apply\b|\btofu\s+apply\b|\bpulumi\s+up\b/ },
  { kind: 'deploy', tool: 'Render', re: /api\.render\.com\/deploy|\brender\s+deploys?\s+create\b|RENDER_DEPLOY_HOOK/ },
  { kind: 'deploy', tool: 'DigitalOcean', re: /\bdoctl\s+apps\s+(create-deployment|update)\b/ },
  { kind: 'deploy', tool: 'Kamal', re: /\bkamal\s+deploy\b|\bcap\s+\w+\s+deploy\b|\bwrangler\s+(deploy|publish)\b|\bansible-playbook\b/ },
  { kind: 'deploy', tool: 'ssh + docker compose', re: /\bssh\b.*\b(docker[\s-]compose|docker\s+compose)\b.*\b(up|pull)\b/ },
];

const ACTION_CLASSIFIERS: Classifier[] = [
  { kind: 'test', tool: 'Cypress', re: /^cypress-io\/github-action/ },
  { kind: 'test', tool: 'k6', re: /^grafana\/(k6-action|run-k6-action)/ },
  { kind: 'test', tool: 'Code Climate coverage', re: /^paambaati\/codeclimate-action/ },
  { kind: 'coverage', tool: 'Codecov', re: /^codecov\/codecov-action|^coverallsapp\/github-action/ },
  { kind: 'lint', tool: 'linter action', re: /^(super-linter|github\/super-linter|golangci\/golangci-lint-action|pre-commit\/action|astral-sh\/ruff-action|chartboost\/ruff-action|reviewdog\/|hadolint\/hadolint-action|rhysd\/actionlint|wearerequired\/lint-action|biomejs\/setup-biome)/ },
  { kind: 'security', tool: 'CodeQL', scope: 'code', re: /^github\/codeql-action\/(analyze|init)/ },
  { kind: 'security', tool: 'dependency review', scope: 'dependencies', re: /^actions\/dependency-review-action/ },
  { kind: 'security', tool: 'Trivy', scope: 'dependencies', re: /^aquasecurity\/trivy-action/ },
  { kind: 'security', tool: 'Grype', scope: 'dependencies', re: /^anchore\/scan-action|^anchore\/sbom-action/ },
  { kind: 'security', tool: 'Snyk', scope: 'dependencies', re: /^snyk\/actions/ },
  { kind: 'security', tool: 'Semgrep', scope: 'code', re: /^(returntocorp|semgrep)\/semgrep-action/ },
  { kind: 'security', tool: 'gitleaks', scope: 'secrets', re: /^gitleaks\/gitleaks-action|^trufflesecurity\/trufflehog/ },
  { kind: 'security', tool: 'OpenSSF Scorecard', scope: 'supply-chain', re: /^ossf\/scorecard-action/ },
  { kind: 'security', tool: 'pip-audit', scope: 'dependencies', re: /^pypa\/gh-action-pip-audit/ },
  { kind: 'security', tool: 'osv-scanner', scope: 'dependencies', re: /^google\/osv-scanner-action/ },
  { kind: 'security', tool: 'OWASP ZAP', scope: 'code', re: /^zaproxy\/action-/ },
  { kind: 'security', tool: 'Bandit', scope: 'code', re: /^PyCQA\/bandit-action|^shiftleft\/scan-action|^securego\/gosec/i },
  { kind: 'security', tool: 'IaC scan', scope: 'infrastructure', re: /^(bridgecrewio\/checkov-action|checkmarx\/kics-github-action|aquasecurity\/tfsec-action|tfsec\/tfsec-action)/i },
  { kind: 'build', tool: 'docker build', re: /^docker\/build-push-action/ },
  { kind: 'deploy', tool: 'Fly.io', re: /^superfly\/flyctl-actions@/ },
  { kind: 'deploy', tool: 'Vercel', re: /^amondnet\/vercel-action/ },
  { kind: 'deploy', tool: 'Heroku', re: /^akhileshns\/heroku-deploy/ },
  { kind: 'deploy', tool: 'Google Cloud', re: /^google-github-actions\/deploy-(cloudrun|appengine|cloud-functions)/ },
  { kind: 'deploy', tool: 'AWS', re: /^aws-actions\/amazon-ecs-deploy-task-definition|^aws-actions\/aws-cloudformation-github-deploy|^einaregilsson\/beanstalk-deploy/ },
  { kind: 'deploy', tool: 'Azure', re: /^azure\/(webapps-deploy|k8s-deploy|container-apps-deploy-action|functions-action|aks-set-context)/i },
  { kind: 'deploy', tool: 'Kubernetes', re: /^(deliverybot\/helm|bitovi\/github-actions-deploy|steebchen\/kubectl|actions-hub\/kubectl)/ },
  { kind: 'deploy', tool: 'Render', re: /render-deploy|render-action/i },
  { kind: 'deploy', tool: 'Railway', re: /^railwayapp\//i },
  { kind: 'deploy', tool: 'DigitalOcean', re: /^digitalocean\/app_action/ },
  { kind: 'deploy', tool: 'Cloudflare', re: /^cloudflare\/(wrangler-action|pages-action)/ },
];

/** Installing a tool is not running it: `pip install pytest bandit`, `npm i -D vitest`. */
const INSTALL = /^\s*(sudo\s+)?(pip3?|python[\d.]*\s+-m\s+pip|uv\s+pip|uv|poetry|pipenv|pdm|npm|pnpm|yarn|bun|apt(-get)?|apk|brew|conda|pipx|gem|go)\s+(install|add|i|ci|sync|get)\b/;
/** The separators between commands of one line: `a && b`, `a; b`, `a || b`. */
const COMMAND_SEPARATORS = /(\n|&&|\|\||;)/;
/** `"test": "echo \"Error: no test specified\" && exit 1"` — npm's placeholder, which runs nothing. */
const PLACEHOLDER_SCRIPT = /no test specified|^\s*(echo\b[^&|;]*)?(\s*(&&|;)\s*)?(exit\s+[01]|true)?\s*$/;

/** The command without the parts that only install tools. */
function withoutInstalls(command: string): string {
  return command
    .split(COMMAND_SEPARATORS)
    .map((part, i) => (i % 2 === 0 && INSTALL.test(part) ? '' : part))
    .join('');
}

/** Kinds and tools of a command (without following scripts). Security steps list every tool they run; other kinds the first recognised. */
export function classifyCommand(command: string): CiTool[] {
  const out: CiTool[] = [];
  const text = withoutInstalls(command);
  for (const c of COMMAND_CLASSIFIERS) {
    if (!c.re.test(text)) continue;
    if (c.kind === 'security' ? out.some((t) => t.kind === 'security' && t.tool === c.tool && t.scope === c.scope) : out.some((t) => t.kind === c.kind)) continue;
    out.push({ kind: c.kind, tool: c.tool, ...(c.scope ? { scope: c.scope } : {}) });
  }
  return out;
}

/** Adds the tools of `more` that `tools` does not have yet (per kind; per tool for security). */
function mergeTools(tools: CiTool[], more: CiTool[]): void {
  for (const t of more) if (!tools.some((x) => x.kind === t.kind && (t.kind !== 'security' || (x.tool === t.tool && x.scope === t.scope)))) tools.push(t);
}

/** Follows `npm run X`, `make X`, `poetry run X`, repository shell scripts and pre-commit hooks one level. */
class CommandResolver {
  constructor(private readonly files: ParsedFiles) {}

  classify(command: string, dir: string, depth = 0): CiTool[] {
    const tools = classifyCommand(command);
    if (depth > 1) return tools;
    const text = withoutInstalls(command);
    /** A wrapper named `test` whose script is npm's placeholder runs no test; one whose script names the runner says which. */
    const follow = (name: string, body: string, via: string) => {
      const inner = this.classify(body, dir, depth + 1);
      const guess = tools.findIndex((t) => t.kind === 'test' && (t.tool === 'npm test' || t.tool === 'make test'));
      const runner = inner.find((t) => t.kind === 'test');
      if (runner) {
        if (guess >= 0) tools.splice(guess, 1);
        if (!tools.some((t) => t.kind === 'test')) tools.push({ ...runner, via: runner.via ? `${via} → ${runner.via}` : via });
      } else if (guess >= 0 && name === 'test' && PLACEHOLDER_SCRIPT.test(body)) tools.splice(guess, 1);
      mergeTools(tools, inner);
    };
    for (const m of text.matchAll(/\b(npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?([\w:.-]+)/g)) {
      if (['install', 'ci', 'add', 'i', 'audit', 'publish', 'exec', 'dlx', 'x'].includes(m[2])) continue;
      const name = m[2] === 't' || m[2] === 'cit' ? 'test' : m[2];
      const script = this.packageScript(dir, name);
      if (script !== undefined) follow(name, script, `${m[1]} script "${name}"`);
    }
    for (const m of text.matchAll(/\bmake\s+(?:-\S+\s+)*([\w.-]+(?:\s+[\w.-]+)*)/g))
      for (const target of m[1].split(/\s+/)) {
        const recipe = this.makeTarget(dir, target);
        if (recipe !== undefined) follow(target, recipe, `make ${target}`);
      }
    for (const m of text.matchAll(/(?:^|[\s;&|(])(?:bash\s+|sh\s+|\.\/)?((?:[\w.-]+\/)*[\w.-]+\.sh)\b/g)) {
      const script = this.file(dir, m[1]);
      if (script) mergeTools(tools, this.classify(script.text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n'), dir, depth + 1));
    }
    if (/\bpre-commit\s+run\b/.test(text)) mergeTools(tools, this.preCommitHooks());
    return tools;
  }

  private file(dir: string, rel: string): ParsedFile | undefined {
    const clean = rel.replace(/^\.\//, '');
    return this.files.get(dir ? `${dir}/${clean}` : clean) ?? this.files.get(clean);
  }

  private packageScript(dir: string, name: string): string | undefined {
    for (const candidate of [dir ? `${dir}/package.json` : 'package.json', 'package.json']) {
      const scripts = (this.files.get(candidate)?.json as { scripts?: Record<string, unknown> } | undefined)?.scripts;
      const script = scripts?.[name];
      if (typeof script === 'string') return script;
    }
    return undefined;
  }

  private makeTarget(dir: string, target: string): string | undefined {
    const makefile = this.file(dir, 'Makefile') ?? this.file(dir, 'makefile') ?? this.file(dir, 'GNUmakefile');
    if (!makefile) return undefined;
    const lines = makefile.text.split('\n');
    const start = lines.findIndex((l) => new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:(?!=)`).test(l));
    if (start < 0) return undefined;
    const deps = lines[start].split(':')[1] ?? '';
    const body: string[] = [deps.trim() ? `make ${deps.trim()}` : ''];
    for (let i = start + 1; i < lines.length && /^\t/.test(lines[i]); i++) body.push(lines[i].trim().replace(/^[@-]+/, ''));
    return body.join('\n');
  }

  private preCommitHooks(): CiTool[] {
    const config = this.files.get('.pre-commit-config.yaml') ?? this.files.get('.pre-commit-config.yml');
    if (!config) return [{ kind: 'lint', tool: 'pre-commit' }];
    const ids = [...config.text.matchAll(/^\s*-\s*id:\s*([\w-]+)/gm)].map((m) => m[1]);
    const out: CiTool[] = [{ kind: 'lint', tool: 'pre-commit' }];
    const security = ids.find((id) => /bandit|gitleaks|detect-secrets|trufflehog|semgrep|pip-audit|safety|detect-private-key|checkov/.test(id));
    if (security) out.push({ kind: 'security', tool: `pre-commit ${security}`, scope: /pip-audit|safety/.test(security) ? 'dependencies' : /gitleaks|secrets|trufflehog|private-key/.test(security) ? 'secrets' : /checkov/.test(security) ? 'infrastructure' : 'code' });
    const types = ids.find((id) => /mypy|pyright|tsc/.test(id));
    if (types) out.push({ kind: 'typecheck', tool: `pre-commit ${types}` });
    return out;
  }
}

// ---- reading ----

export function readCiPipelines(files: ParsedFiles): CiFacts {
  const resolver = new CommandResolver(files);
  const pipelines: CiPipeline[] = [];
  for (const workflow of readGithubWorkflows(files)) if (workflow.kind === 'workflow') pipelines.push(readGithub(workflow, resolver));
  for (const file of files.ofKind('yaml')) {
    const path = file.path;
    const doc = file.yaml?.[0];
    if (!doc || file.isTest) continue;
    const root = (doc as { contents?: unknown }).contents;
    if (/(^|\/)\.gitlab-ci\.ya?ml$/.test(path) || /(^|\/)\.gitlab\/ci\/[^/]+\.ya?ml$/.test(path)) pipelines.push(readGitlab(file, root, doc, resolver));
    else if (/(^|\/)\.circleci\/config\.ya?ml$/.test(path)) pipelines.push(readCircle(file, root, doc, resolver));
    else if (/(^|\/)azure-pipelines[^/]*\.ya?ml$|(^|\/)\.azure-pipelines\/[^/]+\.ya?ml$/.test(path)) pipelines.push(readAzure(file, root, doc, resolver));
    else if (/(^|\/)bitbucket-pipelines\.ya?ml$/.test(path)) pipelines.push(readBitbucket(file, root, doc, resolver));
    else if (/(^|\/)\.travis\.ya?ml$/.test(path)) pipelines.push(readTravis(file, root, doc, resolver));
    else if (/(^|\/)\.buildkite\/pipeline[^/]*\.ya?ml$/.test(path)) pipelines.push(readBuildkite(file, root, doc, resolver));
    else if (/(^|\/)\.(drone|woodpecker)\.ya?ml$|(^|\/)\.woodpecker\/[^/]+\.ya?ml$/.test(path)) pipelines.push(readDrone(file, root, doc, resolver));
    else if (/(^|\/)cloudbuild[^/]*\.ya?ml$/.test(path)) pipelines.push(readCloudBuild(file, root, doc, resolver));
    else if (/(^|\/)buildspec[^/]*\.ya?ml$/.test(path)) pipelines.push(readCodeBuild(file, root, doc, resolver));
  }
  for (const file of files.all) if (/(^|\/)Jenkinsfile([.-][\w-]+)?$/.test(file.path) && !file.isTest) pipelines.push(readJenkins(file, resolver));
  pipelines.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { pipelines, steps: pipelines.flatMap((p) => p.jobs.flatMap((j) => j.steps)) };
}

function step(provider: CiProvider, file: ParsedFile, job: string, text: string, line: number, tools: CiTool[]): CiStep {
  const first = text.split('\n').find((l) => l.trim())?.trim() ?? text;
  return { provider, file: file.path, job, text: first.length > 100 ? `${first.slice(0, 99)}…` : first, at: file.locateLines(line), kinds: tools.map((t) => t.kind), tools };
}

function lineOf(file: ParsedFile, node: YamlNode | undefined): number {
  return node?.range ? file.position(node.range[0]).line : 1;
}

function readGithub(workflow: GhaWorkflow, resolver: CommandResolver): CiPipeline {
  const { file } = workflow;
  const triggers = [...workflow.triggers].map((t) => (t === 'workflow_dispatch' ? 'manual' : t));
  const manualOnly = [...workflow.triggers].every((t) => t === 'workflow_dispatch' || t === 'workflow_call');
  const releaseOnly = [...workflow.triggers].every((t) => t === 'release' || t === 'workflow_dispatch') || (/^\s*tags\s*:/m.test(file.text) && !/^\s*branches\s*:/m.test(file.text) && [...workflow.triggers].every((t) => t === 'push' || t === 'workflow_dispatch' || t === 'release'));
  const jobs: CiJob[] = workflow.jobs.map((job: GhaJob) => {
    const steps: CiStep[] = [];
    for (const s of job.steps) {
      const line = file.position(s.start).line;
      if (s.run) {
        const dir = s.workingDirectory ?? job.workingDirectory ?? '';
        const lines = scriptLines(file, s.run);
        const text = lines.map((l) => l.text).join('\n');
        const cwd = dir.replace(/^\.\//, '').replace(/\/$/, '');
        const tools = resolver.classify(text, cwd);
        if (lines.length > 1) {
          // Several commands: say which line runs each tool.
          const perLine = lines.map((l) => resolver.classify(l.text, cwd));
          for (const t of tools) {
            const i = perLine.findIndex((found) => found.some((x) => x.kind === t.kind && x.tool === t.tool));
            if (i >= 0) t.line = file.position(lines[i].start).line;
          }
        }
        const toolLine = lines.find((l) => classifyCommand(l.text).length) ?? lines[0];
        steps.push(step('github-actions', file, job.id, text, toolLine ? file.position(toolLine.start).line : line, tools));
      } else if (s.uses) {
        const uses = s.uses.value;
        const tools: CiTool[] = ACTION_CLASSIFIERS.filter((c) => c.re.test(uses)).map((c) => ({ kind: c.kind, tool: c.tool, ...(c.scope ? { scope: c.scope } : {}) }));
        const args = [...s.with.values()].map((v) => v.value).join(' ');
        if (/^docker\/build-push-action/.test(uses) && /push:\s*true|^true$/.test(s.with.get('push')?.value ?? '')) tools.push({ kind: 'build', tool: 'docker push' });
        for (const t of classifyCommand(args)) if (t.kind !== 'build' && !tools.some((x) => x.kind === t.kind)) tools.push(t);
        steps.push(step('github-actions', file, job.id, uses, line, tools));
      }
    }
    // `docker compose up` deploys when the job or workflow is a deployment (in a test job it starts throwaway services).
    if (/deploy|release|production|staging/i.test(`${job.id} ${file.path.replace(/^.*\//, '')}`))
      for (const st of steps) if (/\bdocker[\s-]compose\b.*\bup\b|\bdocker\s+stack\s+deploy\b/.test(st.text) && !st.kinds.includes('deploy')) (st.kinds.push('deploy'), st.tools.push({ kind: 'deploy', tool: 'docker compose' }));
    const opaque = job.uses && !job.uses.value.startsWith('./') ? [job.uses.value] : [];
    const gate = job.environmentName
      ? `GitHub environment \`${job.environmentName}\``
      : manualOnly
        ? 'manual `workflow_dispatch` trigger'
        : releaseOnly
          ? 'runs only for releases / tags'
          : undefined;
    return { provider: 'github-actions', file: file.path, id: job.id, at: file.locateLines(file.position(job.keyStart).line), steps, needs: job.needs, ...(gate ? { gate } : {}), opaque };
  });
  return { provider: 'github-actions', file: file.path, at: file.locateLines(file.position(workflow.onStart).line), triggers, jobs };
}

const GITLAB_RESERVED = new Set(['stages', 'variables', 'include', 'default', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'pages']);
const GITLAB_SECURITY_TEMPLATE = /(SAST|Dependency-Scanning|Secret-Detection|Container-Scanning|DAST|License-Scanning|Code-Quality)/;

function readGitlab(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  const includes = yamlGet(root, 'include', doc);
  const templates = [...seqItems(includes, doc), ...(includes && !includes.items?.length ? [] : [])].map((i) => yamlScalar(i) ?? yamlScalar(yamlGet(i, 'template', doc)) ?? yamlScalar(yamlGet(i, 'component', doc)) ?? yamlScalar(yamlGet(i, 'project', doc)) ?? '');
  const includeLine = lineOf(file, includes);
  const securityIncludes = templates.filter((t) => GITLAB_SECURITY_TEMPLATE.test(t));
  const triggers = new Set<string>(['push', 'merge_request']);
  for (const { key, value, keyNode } of yamlEntries(root, doc)) {
    if (GITLAB_RESERVED.has(key) || key.startsWith('.') || !value?.items) continue;
    const scripts = ['before_script', 'script', 'after_script'].flatMap((k) => scriptItems(yamlGet(value, k, doc), doc));
    const steps = scripts.map(({ text, node }) => step('gitlab-ci', file, key, text, lineOf(file, node), resolver.classify(text, '')));
    const when = yamlScalar(yamlGet(value, 'when', doc));
    const rulesManual = seqItems(yamlGet(value, 'rules', doc), doc).some((r) => yamlScalar(yamlGet(r, 'when', doc)) === 'manual');
    const environment = yamlScalar(yamlGet(value, 'environment', doc)) ?? yamlScalar(yamlGet(yamlGet(value, 'environment', doc), 'name', doc));
    const onlyTags = /\btags\b/.test(JSON.stringify(yamlScalar(yamlGet(value, 'only', doc)) ?? seqItems(yamlGet(value, 'only', doc), doc).map((n) => yamlScalar(n))));
    if (rulesManual || when === 'manual') triggers.add('manual');
    const gate = when === 'manual' || rulesManual ? '`when: manual`' : onlyTags ? 'runs only for tags' : environment && /prod/i.test(environment) ? `GitLab environment \`${environment}\` (protected-environment approvals are set in GitLab)` : undefined;
    const extendsValue = yamlScalar(yamlGet(value, 'extends', doc)) ?? '';
    const trigger = yamlGet(value, 'trigger', doc);
    jobs.push({
      provider: 'gitlab-ci',
      file: file.path,
      id: key,
      at: file.locateLines(lineOf(file, keyNode)),
      steps,
      needs: seqItems(yamlGet(value, 'needs', doc), doc).map((n) => yamlScalar(n) ?? yamlScalar(yamlGet(n, 'job', doc)) ?? ''),
      ...(gate ? { gate } : {}),
      opaque: [...(trigger ? ['trigger'] : []), ...(!steps.length && extendsValue ? [extendsValue] : [])],
    });
  }
  if (securityIncludes.length) jobs.push({ provider: 'gitlab-ci', file: file.path, id: 'included security templates', at: file.locateLines(includeLine), steps: securityIncludes.map((t) => step('gitlab-ci', file, 'include', t, includeLine, [{ kind: 'security', tool: `GitLab ${GITLAB_SECURITY_TEMPLATE.exec(t)?.[1]}` }])), needs: [], opaque: [] });
  const other = templates.filter((t) => t && !GITLAB_SECURITY_TEMPLATE.test(t));
  if (other.length && jobs.length) jobs[0].opaque.push(...other);
  else if (other.length) jobs.push({ provider: 'gitlab-ci', file: file.path, id: 'included templates', at: file.locateLines(includeLine), steps: [], needs: [], opaque: other });
  return { provider: 'gitlab-ci', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: [...triggers], jobs };
}

/** `script: "cmd"` / `script: [a, b]` / `- run: cmd` items with their nodes. */
function scriptItems(node: YamlNode | undefined, doc: unknown): { text: string; node: YamlNode }[] {
  if (!node) return [];
  const scalar = yamlScalar(node);
  if (scalar !== undefined) return [{ text: scalar, node }];
  return seqItems(node, doc).flatMap((item) => {
    const text = yamlScalar(item);
    if (text !== undefined) return [{ text, node: item }];
    return seqItems(item, doc).flatMap((inner) => (yamlScalar(inner) !== undefined ? [{ text: yamlScalar(inner)!, node: inner }] : []));
  });
}

function readCircle(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  const approvals = new Set<string>();
  const requires = new Map<string, string[]>();
  for (const { value: workflow } of yamlEntries(yamlGet(root, 'workflows', doc), doc))
    for (const item of seqItems(yamlGet(workflow, 'jobs', doc), doc))
      for (const { key, value } of yamlEntries(item, doc)) {
        if (yamlScalar(yamlGet(value, 'type', doc)) === 'approval') approvals.add(key);
        requires.set(key, seqItems(yamlGet(value, 'requires', doc), doc).map((n) => yamlScalar(n) ?? ''));
      }
  const orbs = yamlEntries(yamlGet(root, 'orbs', doc), doc).map((e) => e.key);
  for (const { key, value, keyNode } of yamlEntries(yamlGet(root, 'jobs', doc), doc)) {
    const steps: CiStep[] = [];
    const opaque: string[] = [];
    for (const item of seqItems(yamlGet(value, 'steps', doc), doc)) {
      const scalar = yamlScalar(item);
      const run = yamlGet(item, 'run', doc);
      const commandNode = yamlScalar(run) !== undefined ? run : yamlGet(run, 'command', doc);
      const command = yamlScalar(commandNode);
      if (command) steps.push(step('circleci', file, key, command, lineOf(file, commandNode), resolver.classify(command, '')));
      else {
        const name = scalar ?? yamlEntries(item, doc)[0]?.key ?? '';
        const orb = orbs.find((o) => name.startsWith(`${o}/`));
        if (orb) {
          const tools = classifyCommand(name.replace('/', ' ')).concat(/\/test$/.test(name) ? [{ kind: 'test', tool: name }] : []);
          steps.push(step('circleci', file, key, name, lineOf(file, item), tools));
          if (!tools.length) opaque.push(name);
        }
      }
    }
    const needs = requires.get(key) ?? [];
    const gate = needs.some((n) => approvals.has(n)) ? 'CircleCI approval job' : undefined;
    jobs.push({ provider: 'circleci', file: file.path, id: key, at: file.locateLines(lineOf(file, keyNode)), steps, needs, ...(gate ? { gate } : {}), opaque });
  }
  return { provider: 'circleci', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: ['push'], jobs };
}

function readAzure(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  const visit = (node: YamlNode | undefined, id: string, gate?: string) => {
    const steps: CiStep[] = [];
    for (const item of seqItems(yamlGet(node, 'steps', doc), doc)) {
      const command = yamlScalar(yamlGet(item, 'script', doc)) ?? yamlScalar(yamlGet(item, 'bash', doc)) ?? yamlScalar(yamlGet(item, 'pwsh', doc)) ?? yamlScalar(yamlGet(item, 'powershell', doc));
      const task = yamlScalar(yamlGet(item, 'task', doc));
      if (command) steps.push(step('azure-pipelines', file, id, command, lineOf(file, item), resolver.classify(command, '')));
      else if (task) {
        const inputs = yamlEntries(yamlGet(item, 'inputs', doc), doc).map((e) => yamlScalar(e.value) ?? '').join(' ');
        const tools = classifyCommand(`${task} ${inputs}`);
        if (/^PublishTestResults|^VSTest|^Maven/.test(task)) tools.push({ kind: 'test', tool: task });
        if (/^(AzureWebApp|AzureRmWebAppDeployment|KubernetesManifest|HelmDeploy|AzureFunctionApp|AzureContainerApps)/.test(task)) tools.push({ kind: 'deploy', tool: task });
        steps.push(step('azure-pipelines', file, id, task, lineOf(file, item), tools));
      }
    }
    if (steps.length) jobs.push({ provider: 'azure-pipelines', file: file.path, id, at: file.locateLines(lineOf(file, node)), steps, needs: [], ...(gate ? { gate } : {}), opaque: [] });
  };
  visit(asYamlNode(root), 'pipeline');
  const jobList = (node: YamlNode | undefined) => seqItems(yamlGet(node, 'jobs', doc), doc);
  const allJobs = [...jobList(asYamlNode(root)), ...seqItems(yamlGet(root, 'stages', doc), doc).flatMap((s) => jobList(s))];
  for (const job of allJobs) {
    const id = yamlScalar(yamlGet(job, 'job', doc)) ?? yamlScalar(yamlGet(job, 'deployment', doc)) ?? 'job';
    const environment = yamlScalar(yamlGet(job, 'environment', doc)) ?? yamlScalar(yamlGet(yamlGet(job, 'environment', doc), 'name', doc));
    const gate = environment ? `Azure environment \`${environment}\` (approvals and checks are set in Azure DevOps)` : undefined;
    visit(job, id, gate);
    const strategy = yamlGet(yamlGet(job, 'strategy', doc), 'runOnce', doc) ?? yamlGet(yamlGet(job, 'strategy', doc), 'rolling', doc);
    const deploy = yamlGet(yamlGet(strategy, 'deploy', doc), 'steps', doc) ? yamlGet(strategy, 'deploy', doc) : undefined;
    if (deploy) {
      visit(deploy, id, gate);
      const last = jobs[jobs.length - 1];
      if (last && last.id === id) for (const s of last.steps) if (!s.kinds.includes('deploy')) (s.kinds.push('deploy'), s.tools.push({ kind: 'deploy', tool: 'Azure deployment job' }));
    }
  }
  return { provider: 'azure-pipelines', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: ['push'], jobs };
}

function readBitbucket(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  const triggers = new Set<string>();
  const collect = (node: YamlNode | undefined, trigger: string) => {
    for (const item of seqItems(node, doc)) {
      const stepNode = yamlGet(item, 'step', doc);
      const parallel = yamlGet(item, 'parallel', doc);
      if (parallel) collect(yamlGet(parallel, 'steps', doc) ?? parallel, trigger);
      if (!stepNode) continue;
      const name = yamlScalar(yamlGet(stepNode, 'name', doc)) ?? `step ${jobs.length + 1}`;
      const steps = scriptItems(yamlGet(stepNode, 'script', doc), doc).map(({ text, node }) => step('bitbucket', file, name, text, lineOf(file, node), resolver.classify(text, '')));
      const manual = yamlScalar(yamlGet(stepNode, 'trigger', doc)) === 'manual';
      const deployment = yamlScalar(yamlGet(stepNode, 'deployment', doc));
      if (manual) triggers.add('manual');
      const pipes = scriptItems(yamlGet(stepNode, 'script', doc), doc).filter((s) => /^pipe:/.test(s.text));
      for (const s of steps) if (pipes.some((p) => p.text === s.text) && /deploy|heroku|aws-ecs|kubectl|helm|ssh/.test(s.text) && !s.kinds.includes('deploy')) (s.kinds.push('deploy'), s.tools.push({ kind: 'deploy', tool: s.text.replace(/^pipe:\s*/, '') }));
      const gate = manual ? '`trigger: manual`' : deployment && /prod/i.test(deployment) ? `Bitbucket deployment \`${deployment}\` (permissions are set in Bitbucket)` : undefined;
      jobs.push({ provider: 'bitbucket', file: file.path, id: name, at: file.locateLines(lineOf(file, stepNode)), steps, needs: [], ...(gate ? { gate } : {}), opaque: [] });
    }
  };
  const pipelines = yamlGet(root, 'pipelines', doc);
  collect(yamlGet(pipelines, 'default', doc), 'push');
  if (yamlGet(pipelines, 'default', doc)) triggers.add('push');
  for (const group of ['branches', 'tags', 'pull-requests', 'custom'])
    for (const { value } of yamlEntries(yamlGet(pipelines, group, doc), doc)) {
      triggers.add(group === 'custom' ? 'manual' : group === 'pull-requests' ? 'pull_request' : group === 'tags' ? 'tag' : 'push');
      collect(value, group);
    }
  return { provider: 'bitbucket', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: [...triggers], jobs };
}

function readTravis(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const steps = ['before_install', 'install', 'before_script', 'script', 'after_success'].flatMap((k) => scriptItems(yamlGet(root, k, doc), doc)).map(({ text, node }) => step('travis', file, 'build', text, lineOf(file, node), resolver.classify(text, '')));
  const deploy = yamlGet(root, 'deploy', doc);
  if (deploy) steps.push(step('travis', file, 'deploy', `deploy: ${yamlScalar(yamlGet(deploy, 'provider', doc)) ?? yamlScalar(yamlGet(seqItems(deploy, doc)[0], 'provider', doc)) ?? 'provider'}`, lineOf(file, deploy), [{ kind: 'deploy', tool: 'Travis deploy' }]));
  return { provider: 'travis', file: file.path, at: file.locateLines(1), triggers: ['push', 'pull_request'], jobs: [{ provider: 'travis', file: file.path, id: 'build', at: file.locateLines(1), steps, needs: [], opaque: [] }] };
}

function readBuildkite(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  let blocked = false;
  for (const item of seqItems(yamlGet(root, 'steps', doc), doc)) {
    if (yamlGet(item, 'block', doc) || yamlGet(item, 'input', doc)) {
      blocked = true;
      continue;
    }
    const label = yamlScalar(yamlGet(item, 'label', doc)) ?? yamlScalar(yamlGet(item, 'key', doc)) ?? `step ${jobs.length + 1}`;
    const commands = [...scriptItems(yamlGet(item, 'command', doc), doc), ...scriptItems(yamlGet(item, 'commands', doc), doc)];
    const steps = commands.map(({ text, node }) => step('buildkite', file, label, text, lineOf(file, node), resolver.classify(text, '')));
    const plugins = yamlGet(item, 'plugins', doc);
    jobs.push({ provider: 'buildkite', file: file.path, id: label, at: file.locateLines(lineOf(file, item)), steps, needs: [], ...(blocked ? { gate: 'Buildkite block step' } : {}), opaque: plugins && !steps.length ? ['plugins'] : [] });
  }
  return { provider: 'buildkite', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: ['push'], jobs };
}

function readDrone(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  const stepsNode = yamlGet(root, 'steps', doc) ?? yamlGet(root, 'pipeline', doc);
  const items = seqItems(stepsNode, doc).length ? seqItems(stepsNode, doc).map((v) => ({ key: yamlScalar(yamlGet(v, 'name', doc)) ?? 'step', value: v })) : yamlEntries(stepsNode, doc).map((e) => ({ key: e.key, value: e.value }));
  for (const { key, value } of items) {
    const steps = scriptItems(yamlGet(value, 'commands', doc), doc).map(({ text, node }) => step('drone', file, key, text, lineOf(file, node), resolver.classify(text, '')));
    const image = yamlScalar(yamlGet(value, 'image', doc)) ?? '';
    if (/plugins\/(docker|ecr|gcr)/.test(image)) steps.push(step('drone', file, key, image, lineOf(file, value), [{ kind: 'build', tool: 'docker plugin' }]));
    const manual = /promote|deployment/.test(JSON.stringify(yamlScalar(yamlGet(yamlGet(value, 'when', doc), 'event', doc)) ?? seqItems(yamlGet(yamlGet(value, 'when', doc), 'event', doc), doc).map((n) => yamlScalar(n))));
    jobs.push({ provider: 'drone', file: file.path, id: key, at: file.locateLines(lineOf(file, value)), steps, needs: [], ...(manual ? { gate: 'promotion event' } : {}), opaque: [] });
  }
  return { provider: 'drone', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: ['push'], jobs };
}

function readCloudBuild(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const steps = seqItems(yamlGet(root, 'steps', doc), doc).map((item) => {
    const args = seqItems(yamlGet(item, 'args', doc), doc).map((n) => yamlScalar(n) ?? '');
    const entrypoint = yamlScalar(yamlGet(item, 'entrypoint', doc)) ?? '';
    const name = yamlScalar(yamlGet(item, 'name', doc)) ?? '';
    const program = entrypoint || (/cloud-sdk|gcloud/.test(name) ? 'gcloud' : /docker/.test(name) ? 'docker' : /kubectl/.test(name) ? 'kubectl' : '');
    const text = [program, ...args].filter(Boolean).join(' ');
    return step('cloud-build', file, 'build', text || name, lineOf(file, item), resolver.classify(text, ''));
  });
  return { provider: 'cloud-build', file: file.path, at: file.locateLines(1), triggers: ['push'], jobs: [{ provider: 'cloud-build', file: file.path, id: 'build', at: file.locateLines(1), steps, needs: [], opaque: [] }] };
}

function readCodeBuild(file: ParsedFile, root: unknown, doc: unknown, resolver: CommandResolver): CiPipeline {
  const steps = yamlEntries(yamlGet(root, 'phases', doc), doc).flatMap(({ value }) =>
    scriptItems(yamlGet(value, 'commands', doc), doc).map(({ text, node }) => step('codebuild', file, 'build', text, lineOf(file, node), resolver.classify(text, ''))),
  );
  return { provider: 'codebuild', file: file.path, at: file.locateLines(1), triggers: ['push'], jobs: [{ provider: 'codebuild', file: file.path, id: 'build', at: file.locateLines(1), steps, needs: [], opaque: [] }] };
}

function readJenkins(file: ParsedFile, resolver: CommandResolver): CiPipeline {
  const jobs: CiJob[] = [];
  let current: CiJob | undefined;
  let gated = false;
  const lines = file.text.split('\n');
  lines.forEach((raw, i) => {
    const stage = /\bstage\s*\(\s*['"]([^'"]+)['"]\s*\)/.exec(raw);
    if (stage) {
      current = { provider: 'jenkins', file: file.path, id: stage[1], at: file.locateLines(i + 1), steps: [], needs: [], opaque: [] };
      jobs.push(current);
      if (gated) current.gate = 'Jenkins `input` step';
    }
    if (/\binput\s*(\(|\s+message|\s*\{)/.test(raw)) {
      gated = true;
      if (current) current.gate = 'Jenkins `input` step';
    }
    const sh = /\b(?:sh|bat|pwsh)\s*(?:\(\s*)?(?:script\s*:\s*)?(['"]{1,3})(.+?)\1/.exec(raw) ?? /\b(?:sh|bat)\s*(?:\(\s*)?(['"]{3})\s*$/.exec(raw);
    if (!sh) return;
    let command = sh[2] ?? '';
    if (!command) {
      const end = lines.findIndex((l, j) => j > i && l.includes(sh[1]));
      command = lines.slice(i + 1, end < 0 ? i + 20 : end).join('\n');
    }
    if (!current) {
      current = { provider: 'jenkins', file: file.path, id: 'pipeline', at: file.locateLines(1), steps: [], needs: [], opaque: [] };
      jobs.push(current);
    }
    current.steps.push(step('jenkins', file, current.id, command, i + 1, resolver.classify(command, '')));
  });
  return { provider: 'jenkins', file: file.path, at: jobs[0]?.at ?? file.locateLines(1), triggers: ['push'], jobs };
}

// ---- questions ----

/** One tool a CI step runs, where. */
export interface CiToolRun {
  step: CiStep;
  tool: string;
  file: string;
  line: number;
  /** The wrapper followed to find it: `npm script "test"`, `make check`. */
  via?: string;
}

function toolRuns(ci: CiFacts, wanted: (t: CiTool) => boolean): CiToolRun[] {
  const out: CiToolRun[] = [];
  for (const step of ci.steps) for (const t of step.tools) if (wanted(t)) out.push({ step, tool: t.tool, file: step.file, line: t.line ?? step.at.startLine ?? 1, ...(t.via ? { via: t.via } : {}) });
  return out;
}

/** Test runs in CI with the runner each starts (`pytest`, `vitest` via `npm script "test"`). */
export function ciTestRuns(ci: CiFacts): CiToolRun[] {
  return toolRuns(ci, (t) => t.kind === 'test');
}

/** CI steps that check the dependencies for known vulnerabilities (pip-audit, npm audit, osv-scanner, Snyk, Trivy, dependency review …). */
export function ciDependencyAudits(ci: CiFacts): CiToolRun[] {
  return toolRuns(ci, (t) => t.kind === 'security' && t.scope === 'dependencies');
}

/** CI steps that scan the code itself for vulnerabilities (SAST such as CodeQL, Semgrep, Bandit, or a DAST baseline), not its dependencies. */
export function ciSecurityScans(ci: CiFacts): CiToolRun[] {
  return toolRuns(ci, (t) => t.kind === 'security' && t.scope === 'code');
}

/** Steps that run tests in any CI pipeline (the testing assessment's "CI runs the tests"). */
export function ciTestSteps(ci: CiFacts): CiStep[] {
  return ci.steps.filter((s) => s.kinds.includes('test'));
}

/** Steps of a kind. */
export function ciStepsOfKind(ci: CiFacts, kind: CiStepKind): CiStep[] {
  return ci.steps.filter((s) => s.kinds.includes(kind));
}

/** Deploy jobs and whether something holds them back for a person, and whether they wait for tests. */
export function ciDeployJobs(ci: CiFacts): { pipeline: CiPipeline; job: CiJob; deploy: CiStep; gate?: string; afterTests: boolean }[] {
  const out: { pipeline: CiPipeline; job: CiJob; deploy: CiStep; gate?: string; afterTests: boolean }[] = [];
  for (const pipeline of ci.pipelines)
    for (const job of pipeline.jobs) {
      const deploy = job.steps.find((s) => s.kinds.includes('deploy'));
      if (!deploy) continue;
      const upstream = new Set<string>();
      const visit = (id: string) => {
        for (const j of pipeline.jobs.filter((x) => x.id === id))
          for (const need of j.needs)
            if (!upstream.has(need)) {
              upstream.add(need);
              visit(need);
            }
      };
      visit(job.id);
      const testedBefore = job.steps.slice(0, job.steps.indexOf(deploy)).some((s) => s.kinds.includes('test')) || pipeline.jobs.some((j) => upstream.has(j.id) && j.steps.some((s) => s.kinds.includes('test')));
      const gateFromUpstream = pipeline.jobs.find((j) => upstream.has(j.id) && j.gate)?.gate;
      out.push({ pipeline, job, deploy, gate: job.gate ?? gateFromUpstream, afterTests: testedBefore || (pipeline.provider !== 'github-actions' && pipeline.jobs.some((j) => j !== job && j.steps.some((s) => s.kinds.includes('test')))) });
    }
  return out;
}
