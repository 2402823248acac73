import type { Dependency } from '../../model/repo-index.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { lockableManifests } from '../../facts/dependencies.ts';

/** A URL requirement pinned to a commit, a tag or a versioned archive. */
const PINNED_URL = /@[0-9a-f]{7,40}(#|$)|#[0-9a-f]{40}|@v?\d+(\.\d+)*(#|$)|[-_]\d+(\.\d+)+[^/]*\.(whl|tar\.gz|zip|tgz)(#|$)|#(commit|sha)=[0-9a-f]{7,}/i;

export default defineRule({
  meta: {
    id: 'dependency-version-unpinned',
    category: 'security',
    title: 'Dependency installed without a pinned version',
    severity: 'low',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Version Pinning',
    effortHours: 0.25,
    messages: {
      noVersion: '`{{name}}` in `{{file}}` has no version constraint and nothing pins it: every install takes whatever release is newest.',
      lowerBoundOnly: '`{{name}} {{spec}}` in `{{file}}` sets only a lower bound and nothing pins it: the next major release is installed as soon as it is published.',
      rangeOnly: '`{{name}} {{spec}}` in `{{file}}` is a range that no lockfile or pin resolves: builds install different versions over time.',
      gitUnpinned: '`{{name}}` in `{{file}}` installs from `{{spec}}` without a commit or tag: whatever the branch holds at build time ships.',
    },
    why: [
      'An unpinned requirement is resolved at install time. The Docker image built for production can contain a release nobody tested — a breaking major version, a regression, or a compromised upload — and the same commit builds differently on two days, so a failure cannot be reproduced or rolled back by redeploying. Known-vulnerability checks cannot tell which version is installed either.',
    ].join('\n'),
    fix: [
      'Pin exact versions for what the service installs, ideally with hashes, and upgrade deliberately (Dependabot or Renovate open the pull requests):',
      '',
      '```text',
      '# requirements.in — what you depend on',
      'fastapi>=0.115',
      '# requirements.txt — generated: uv pip compile requirements.in --generate-hashes -o requirements.txt',
      'fastapi==0.115.6 \\',
      '    --hash=sha256:…',
      '```',
      'Or move to a lockfile-based manager (`uv lock`, `poetry lock`, `npm install` writes package-lock.json) and install with `--frozen` / `npm ci`. Pin git dependencies to a commit: `pkg @ git+https://github.com/org/pkg@3f1c2a7`.',
    ].join('\n'),
    examples: {
      bad: { 'requirements.txt': 'flask\nrequests>=2.31\n' },
      good: { 'requirements.txt': 'flask==3.0.3\nrequests==2.32.3\n' },
    },
    references: {
      cwe: [1357, 829],
      owasp: ['A08:2021'],
      urls: ['https://pip.pypa.io/en/stable/topics/repeatable-installs/', 'https://docs.astral.sh/uv/pip/compile/'],
      equivalents: ['scorecard:Pinned-Dependencies'],
    },
  },
  check({ index, report }) {
    const lockable = new Set(lockableManifests(index).map((m) => m.file));
    for (const manifest of index.manifests) {
      if (manifest.lockfile || manifest.selfPinned) continue;
      const requirements = !lockable.has(manifest.file) && !/(^|\/)(pyproject\.toml|Pipfile|package\.json)$/.test(manifest.file);
      for (const dep of index.dependencies) {
        if (dep.manifest !== manifest.file || dep.resolved) continue;
        // Where a lockfile is what is missing, dependency-lockfile-missing says so once; a bare `*` in package.json is still worth a line.
        if (!requirements && !(dep.ecosystem === 'npm' && dep.constraint === 'any')) continue;
        const hit = classify(dep);
        if (!hit) continue;
        report({
          messageId: hit.messageId,
          at: { file: dep.manifest, ...(dep.line ? { startLine: dep.line, endLine: dep.line } : {}) },
          data: { name: dep.name, spec: dep.spec.replace(/^@\s*/, ''), file: dep.manifest },
          severity: dep.dev ? 'low' : hit.severity,
        });
      }
    }
  },
});

function classify(dep: Dependency): { messageId: 'noVersion' | 'lowerBoundOnly' | 'rangeOnly' | 'gitUnpinned'; severity: Severity } | undefined {
  switch (dep.constraint) {
    case 'any':
      return { messageId: 'noVersion', severity: 'medium' };
    case 'open':
      return { messageId: 'lowerBoundOnly', severity: 'medium' };
    case 'range':
      return { messageId: 'rangeOnly', severity: 'low' };
    case 'url':
      return PINNED_URL.test(dep.spec) ? undefined : { messageId: 'gitUnpinned', severity: 'low' };
    default:
      return undefined;
  }
}
