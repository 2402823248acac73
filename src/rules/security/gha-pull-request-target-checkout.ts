import { ghaLocate, readGithubWorkflows, type GhaJob, type GhaStep } from '../../facts/github-actions.ts';
import { defineRule } from '../../model/rule.ts';

/** Triggers that run with the base repository's secrets and a write token, on behalf of a fork. */
const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'];
/** A `ref:` / `repository:` that names the contributor's code. */
const UNTRUSTED_REF =
  /github\.event\.pull_request\.head\.(?:sha|ref|repo\.full_name)|github\.event\.pull_request\.merge_commit_sha|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|github\.event\.workflow_run\.head_repository\.full_name|refs\/pull\//;
/** A shell step that fetches the pull request head. */
const SHELL_CHECKOUT = /\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:pull\/|refs\/pull|github\.event\.pull_request\.head|github\.head_ref|workflow_run\.head_)/;
/** Actions that only move files or set up tools and never execute the checked-out code. */
const INERT_ACTIONS = /^(?:actions\/(?:upload-artifact|download-artifact|cache|setup-[\w-]+|labeler|github-script|checkout|stale|first-interaction)|github\/codeql-action\/upload-sarif)@/i;

export default defineRule({
  meta: {
    id: 'gha-pull-request-target-checkout',
    category: 'security',
    title: 'Pull request code checked out and run in a privileged workflow',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['github-actions'],
    scorecard: 'Configuration',
    effortHours: 2,
    messages: {
      checkoutThenRun:
        'Job `{{job}}` runs on `{{trigger}}`, checks out {{code}} (`{{ref}}`) and then runs it in step `{{runner}}`, with the repository\'s secrets and write token{{gate}}.',
      checkoutThenAction:
        'Job `{{job}}` runs on `{{trigger}}`, checks out {{code}} (`{{ref}}`) and then hands it to action `{{runner}}`, which can execute it with the repository\'s secrets and write token{{gate}}.',
    },
    why: [
      '`pull_request_target` and `workflow_run` run the workflow from the *base* branch with the repository\'s secrets and a `GITHUB_TOKEN` that can write — that is their purpose, and it is safe only while the job never runs the contributor\'s code. Checking out the pull request head and then running `npm install`, a build, tests or a linter lets anyone who opens a pull request execute code in that privileged job: a `postinstall` script or a test file is enough to read the secrets or push to the repository ("pwn request").',
      '',
      'A label or environment gate narrows the window but the code can change after the label is set.',
    ].join('\n'),
    fix: [
      'Build and test untrusted code under `pull_request` (no secrets, read-only token). If a privileged step is needed (commenting, labelling), split the work: an unprivileged `pull_request` workflow uploads results as an artifact, and a `workflow_run` workflow that never checks out or executes the PR\'s code consumes them.',
      '',
      '```yaml',
      '# ci.yml — runs the contributor\'s code without secrets',
      'on: pull_request',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1',
      '      - run: npm ci && npm test',
      '```',
      'If you must keep `pull_request_target`, check out only the base branch (omit `ref:`) and never run files from the pull request.',
    ].join('\n'),
    examples: {
      bad: {
        '.github/workflows/preview.yml':
          'on: pull_request_target\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm run build\n',
      },
      good: {
        '.github/workflows/preview.yml':
          'on: pull_request\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm run build\n',
      },
    },
    references: {
      cwe: [829, 94],
      owasp: ['A08:2021'],
      urls: ['https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/'],
      equivalents: ['zizmor:dangerous-triggers', 'semgrep:yaml.github-actions.security.pull-request-target-code-checkout.pull-request-target-code-checkout', 'codeql:actions/untrusted-checkout/critical'],
    },
  },
  check({ files, report }) {
    for (const workflow of readGithubWorkflows(files, PRIVILEGED_TRIGGERS)) {
      const trigger = PRIVILEGED_TRIGGERS.find((t) => workflow.triggers.has(t));
      if (!trigger) continue;
      const file = workflow.file;
      for (const job of workflow.jobs) {
        const checkoutIndex = job.steps.findIndex((s) => untrustedCheckout(s) !== undefined);
        if (checkoutIndex < 0) continue;
        const checkout = job.steps[checkoutIndex];
        const runner = job.steps.slice(checkoutIndex + 1).find((s) => runsCode(s)) ?? (checkout.run ? checkout : undefined);
        if (!runner) continue;
        const gated = isGated(job, checkout);
        report({
          messageId: runner.run ? 'checkoutThenRun' : 'checkoutThenAction',
          at: ghaLocate(file, checkout.start, checkout.end, ['jobs', job.id, 'steps', checkout.index]),
          related: runner === checkout ? [] : [ghaLocate(file, runner.start, runner.end, ['jobs', job.id, 'steps', runner.index])].map((l) => ({ ...l, note: 'the checked-out code runs here' })),
          data: {
            job: job.id,
            trigger,
            code: trigger === 'workflow_run' ? 'the triggering run\'s (possibly forked) code' : 'the pull request\'s code',
            ref: untrustedCheckout(checkout) ?? '',
            runner: runner.run ? runner.label : (runner.uses?.value ?? runner.label),
            gate: gated ? ' (gated by a label, author or environment check)' : '',
          },
          ...(gated ? { severity: 'high' as const } : {}),
          ...(runner.run ? {} : { confidence: 'medium' as const }),
        });
      }
    }
  },
});

/** The untrusted ref a step checks out, if it does. */
function untrustedCheckout(step: GhaStep): string | undefined {
  if (step.uses && /^actions\/checkout@/i.test(step.uses.value)) {
    for (const key of ['ref', 'repository']) {
      const value = step.with.get(key)?.value;
      if (value && UNTRUSTED_REF.test(value)) return value.trim();
    }
    return undefined;
  }
  if (step.run) {
    const match = SHELL_CHECKOUT.exec(step.run.value);
    if (match) return match[0].trim();
  }
  return undefined;
}

function runsCode(step: GhaStep): boolean {
  if (step.run) return true;
  if (step.uses) return !INERT_ACTIONS.test(step.uses.value) && !step.uses.value.startsWith('docker://');
  return false;
}

function isGated(job: GhaJob, step: GhaStep): boolean {
  const conditions = `${job.if ?? ''} ${step.if ?? ''}`;
  return job.environment || /labels|label\.name|author_association/.test(conditions);
}
