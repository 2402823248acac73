import { ghaLocate, isFirstPartyAction, parseActionRef, readGithubWorkflows, type GhaScalar } from '../../facts/github-actions.ts';
import { defineRule, type Severity } from '../../model/rule.ts';

const FULL_SHA = /^[0-9a-f]{40}$/i;
const SHORT_SHA = /^[0-9a-f]{7,39}$/i;
/** Refs that are branches by convention: they move with every push. */
const BRANCH_REF = /^(?:main|master|develop|development|dev|trunk|next|stable|latest|head|canary|nightly)$|\//i;

export default defineRule({
  meta: {
    id: 'gha-unpinned-action',
    category: 'security',
    title: 'Third-party GitHub Action not pinned to a commit SHA',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['github-actions'],
    scorecard: 'Configuration',
    effortHours: 0.25,
    fixScope: 'file',
    fixTitle: 'Pin third-party actions to a commit SHA',
    messages: {
      tagRef: '{{where}} uses third-party {{what}} `{{action}}@{{ref}}`, a {{refKind}} that its owner can repoint to different code at any time.',
      branchRef: '{{where}} uses third-party {{what}} `{{action}}` at branch `{{ref}}`, so every run executes whatever was last pushed there.',
      officialBranchRef: '{{where}} uses `{{action}}` at branch `{{ref}}` instead of a release tag or commit SHA.',
      dockerTag: '{{where}} runs Docker image `{{action}}` by tag instead of by `@sha256:` digest.',
    },
    why: [
      'A tag such as `@v2` or a branch such as `@main` is a pointer the action\'s owner — or anyone who takes over their account — can move. The next workflow run then executes the new code with the job\'s secrets and `GITHUB_TOKEN`; this is how the `tj-actions/changed-files` compromise (March 2025) dumped CI secrets of thousands of repositories. A full 40-character commit SHA cannot be moved.',
      '',
      'Actions published by GitHub itself (`actions/*`, `github/*`) are held to a tag by most policies (zizmor\'s default); they are reported here only when they follow a branch.',
    ].join('\n'),
    fix: [
      'Pin the action to the full commit SHA of the release and keep the tag as a comment, so Dependabot or Renovate can still propose updates:',
      '',
      '```yaml',
      '- uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75 # v6.9.0',
      '```',
      'Enable `package-ecosystem: github-actions` in `.github/dependabot.yml` to get update pull requests for pinned SHAs, and consider the repository setting that requires SHA pinning.',
    ].join('\n'),
    examples: {
      bad: {
        '.github/workflows/release.yml':
          'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: softprops/action-gh-release@v2\n',
      },
      good: {
        '.github/workflows/release.yml':
          'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: softprops/action-gh-release@c062e08bd532815e2082a85e87e3ef29c3e6d191 # v2.0.8\n',
      },
    },
    references: {
      cwe: [829, 1357],
      owasp: ['A08:2021'],
      urls: ['https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions'],
      equivalents: ['zizmor:unpinned-uses', 'scorecard:Pinned-Dependencies', 'semgrep:yaml.github-actions.security.third-party-action-not-pinned-to-commit-sha.third-party-action-not-pinned-to-commit-sha'],
    },
  },
  check({ files, report }) {
    for (const workflow of readGithubWorkflows(files, ['uses'])) {
      const file = workflow.file;
      for (const job of workflow.jobs) {
        const targets: { uses: GhaScalar; where: string; keyPath: (string | number)[]; reusable: boolean }[] = [];
        if (job.uses) targets.push({ uses: job.uses, where: `Job \`${job.id}\``, keyPath: ['jobs', job.id, 'uses'], reusable: true });
        for (const step of job.steps) {
          if (!step.uses) continue;
          const name = step.label === step.uses.value ? `Step ${step.index + 1}` : `Step \`${step.label}\``;
          targets.push({
            uses: step.uses,
            where: workflow.kind === 'composite-action' ? `${name} of composite action \`${file.path}\`` : `${name} in job \`${job.id}\``,
            keyPath: ['jobs', job.id, 'steps', step.index, 'uses'],
            reusable: false,
          });
        }
        for (const target of targets) {
          const judged = judge(target.uses.value.trim());
          if (!judged) continue;
          report({
            messageId: judged.messageId,
            at: ghaLocate(file, target.uses.start, target.uses.end, target.keyPath),
            data: { where: target.where, action: judged.action, ref: judged.ref, refKind: SHORT_SHA.test(judged.ref) ? 'short commit SHA' : 'tag', what: target.reusable ? 'reusable workflow' : 'action' },
            ...(judged.severity === 'medium' ? {} : { severity: judged.severity }),
          });
        }
      }
    }
  },
});

function judge(uses: string): { messageId: 'tagRef' | 'branchRef' | 'officialBranchRef' | 'dockerTag'; action: string; ref: string; severity: Severity } | undefined {
  if (uses.startsWith('docker://')) {
    if (/@sha256:[0-9a-f]{64}$/i.test(uses)) return undefined;
    return { messageId: 'dockerTag', action: uses.slice('docker://'.length), ref: '', severity: 'medium' };
  }
  if (uses.includes('${{')) return undefined;
  const parsed = parseActionRef(uses);
  if (!parsed || !parsed.ref || FULL_SHA.test(parsed.ref)) return undefined;
  const branch = BRANCH_REF.test(parsed.ref);
  if (isFirstPartyAction(parsed.action)) return branch ? { messageId: 'officialBranchRef', ...parsed, severity: 'low' } : undefined;
  if (branch) return { messageId: 'branchRef', ...parsed, severity: 'high' };
  return { messageId: 'tagRef', ...parsed, severity: 'medium' };
}
