import { ghaLocate, readGithubWorkflows } from '../../facts/github-actions.ts';
import { defineRule } from '../../model/rule.ts';

/** Triggers that act on content from people outside the repository, with the base repository's token. */
const RISKY_TRIGGERS = ['pull_request_target', 'issue_comment', 'workflow_run', 'issues', 'discussion', 'discussion_comment', 'pull_request_review_comment'];

export default defineRule({
  meta: {
    id: 'gha-excessive-permissions',
    category: 'security',
    title: 'GitHub Actions token granted more permissions than the job needs',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['github-actions'],
    scorecard: 'Configuration',
    effortHours: 0.5,
    fixScope: 'file',
    fixTitle: 'Give the workflow least-privilege permissions',
    messages: {
      writeAll: '{{where}} sets `permissions: write-all`, giving the `GITHUB_TOKEN` write access to code, releases, packages and settings{{trigger}}.',
      missingWithRiskyTrigger:
        'Workflow `{{file}}` runs on `{{trigger}}` without a `permissions:` block, so {{jobs}} {{verb}} with the repository\'s default token permissions, which may include write access.',
    },
    why: [
      'Every job receives a `GITHUB_TOKEN`. Whatever runs in the job — a compromised third-party action, an injected command, a malicious dependency\'s install script — can use it. With `write-all` it can push commits to protected workflows\' branches, create releases, publish packages and approve pull requests.',
      '',
      'Without a `permissions:` block the token gets the repository or organisation default, which is read-write on repositories created before February 2023. Workflows triggered by `pull_request_target`, `issue_comment`, `issues` or `workflow_run` act on content from outsiders, so that default is exactly what an attacker will use.',
    ].join('\n'),
    fix: [
      'Declare least privilege at the workflow level and widen only the job that needs it:',
      '',
      '```yaml',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  label:',
      '    permissions:',
      '      pull-requests: write   # only what this job uses',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/labeler@8558fd74291d67161a8a78ce36a881fa63b766a9 # v5.0.0',
      '```',
      'Also set the repository\'s default workflow permissions to "Read repository contents" (Settings → Actions → General).',
    ].join('\n'),
    examples: {
      bad: {
        '.github/workflows/ci.yml': 'on: push\npermissions: write-all\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
      },
      good: {
        '.github/workflows/ci.yml': 'on: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
      },
    },
    references: {
      cwe: [732, 250],
      owasp: ['A01:2021'],
      urls: ['https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token'],
      equivalents: ['zizmor:excessive-permissions', 'checkov:CKV2_GHA_1', 'scorecard:Token-Permissions'],
    },
  },
  check({ files, report }) {
    for (const workflow of readGithubWorkflows(files)) {
      if (workflow.kind !== 'workflow') continue;
      const file = workflow.file;
      const risky = RISKY_TRIGGERS.find((t) => workflow.triggers.has(t));
      const triggerNote = risky ? ` in a workflow triggered by \`${risky}\`` : '';
      const severity = risky ? ('high' as const) : undefined;
      if (isWriteAll(workflow.permissions?.scalar))
        report({
          messageId: 'writeAll',
          at: ghaLocate(file, workflow.permissions!.start, workflow.permissions!.end, ['permissions']),
          data: { where: `Workflow \`${file.path}\``, trigger: triggerNote },
          ...(severity ? { severity } : {}),
        });
      for (const job of workflow.jobs)
        if (isWriteAll(job.permissions?.scalar))
          report({
            messageId: 'writeAll',
            at: ghaLocate(file, job.permissions!.start, job.permissions!.end, ['jobs', job.id, 'permissions']),
            data: { where: `Job \`${job.id}\``, trigger: triggerNote },
            ...(severity ? { severity } : {}),
          });
      if (!risky || workflow.permissions) continue;
      // Reusable-workflow calls inherit the caller's token; jobs with their own block are fine.
      const open = workflow.jobs.filter((j) => !j.permissions);
      if (!open.length) continue;
      report({
        messageId: 'missingWithRiskyTrigger',
        at: ghaLocate(file, workflow.onStart, workflow.onEnd, ['on']),
        data: { file: file.path, trigger: risky, verb: open.length === 1 ? 'runs' : 'run', jobs: open.length === 1 ? `job \`${open[0].id}\`` : `jobs ${open.map((j) => `\`${j.id}\``).join(', ')}` },
        confidence: 'medium',
      });
    }
  },
});

function isWriteAll(scalar: string | undefined): boolean {
  return scalar?.trim().toLowerCase() === 'write-all';
}
