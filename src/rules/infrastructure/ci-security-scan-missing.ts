import { operationsOf } from '../../facts/operations/index.ts';
import { ciView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'ci-security-scan-missing',
    category: 'infrastructure',
    title: 'CI pipeline runs no security scan',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'CI/CD',
    effortHours: 1,
    messages: {
      noScan: 'No job of {{pipelines}} scans the code or its dependencies for vulnerabilities (CodeQL, Semgrep, Bandit, pip-audit, npm audit, Trivy, gitleaks …).',
    },
    why: [
      'Known-vulnerable dependency versions, committed secrets and injection-prone code are found cheaply by scanners, but only if something runs them on every change. Without a scan in CI, a dependency with a published CVE or a new `eval` of request data ships unnoticed until someone audits by hand.',
      '',
      'GitHub\'s CodeQL "default setup" and Dependabot alerts are switched on in the repository settings and leave no file behind; if they are on, this finding can be triaged as accepted with that reason.',
    ].join('\n'),
    fix: [
      'Add a dependency audit and a static analysis step to the pipeline (fast, fails on high-severity issues):',
      '',
      '```yaml',
      '      - run: pip-audit -r requirements.txt          # or: npm audit --omit=dev --audit-level=high',
      '      - run: bandit -q -r app -ll                  # Python SAST; Semgrep covers both languages',
      '  codeql:',
      '    runs-on: ubuntu-latest',
      '    permissions: { security-events: write, contents: read }',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: github/codeql-action/init@v3',
      '        with: { languages: python }',
      '      - uses: github/codeql-action/analyze@v3',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n      - run: pip-audit -r requirements.txt\n',
      },
    },
    references: { equivalents: ['scorecard:SAST', 'scorecard:Vulnerabilities'], urls: ['https://github.com/ossf/scorecard/blob/main/docs/checks.md#sast'] },
  },
  check({ index, files, report }) {
    const ci = ciView(operationsOf(index, files));
    if (!ci.pipelines.length || ci.security.length || ci.opaqueOnly) return;
    report({
      messageId: 'noScan',
      at: (ci.primary ?? ci.pipelines[0]).at,
      data: { pipelines: ci.pipelines.map((p) => p.file).join(', ') },
      related: ci.pipelines.filter((p) => p !== ci.primary).map((p) => ({ ...p.at, note: 'no security scan here either' })),
    });
  },
});
