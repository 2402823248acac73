import { lockableManifests } from '../../facts/dependencies.ts';
import type { DependencyManifest, RepoIndex } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';

/** The lockfile each package manager writes. */
const LOCK_NAME: Record<string, string> = {
  npm: 'package-lock.json',
  yarn: 'yarn.lock',
  pnpm: 'pnpm-lock.yaml',
  bun: 'bun.lock',
  poetry: 'poetry.lock',
  uv: 'uv.lock',
  pdm: 'pdm.lock',
  pipenv: 'Pipfile.lock',
  pip: 'uv.lock (or a pinned requirements.txt)',
};

export default defineRule({
  meta: {
    id: 'dependency-lockfile-missing',
    category: 'security',
    title: 'Dependencies without a lockfile',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Lockfiles',
    effortHours: 0.5,
    messages: {
      noLockfile: '`{{file}}` declares {{count}} dependencies ({{examples}}) but no {{lockName}} pins the versions they resolve to.',
      lockfileNotCommitted: '`{{lockfile}}` pins the dependencies of `{{file}}` but is not committed, so CI and deployments resolve versions afresh.',
    },
    why: [
      'Without a lockfile every install resolves the version ranges again: a build on Monday and a deployment on Friday can run different code, a new release of a transitive dependency (or a hijacked maintainer account publishing one) goes to production without anyone choosing it, a bug cannot be reproduced from the commit, and known-vulnerability checks cannot tell which versions are installed.',
    ].join('\n'),
    fix: [
      'Generate the lockfile with the project\'s package manager, commit it, and install from it in CI and in the Dockerfile:',
      '',
      '```bash',
      'npm install && git add package-lock.json     # then `npm ci` in CI and Docker',
      'poetry lock && git add poetry.lock           # then `poetry install --no-root --only main`',
      'uv lock && git add uv.lock                   # then `uv sync --frozen`',
      '```',
      'For a plain pip project, compile the pins (with hashes) from the loose requirements: `uv pip compile requirements.in --generate-hashes -o requirements.txt`.',
    ].join('\n'),
    examples: {
      bad: { 'package.json': '{\n  "name": "web",\n  "private": true,\n  "dependencies": { "express": "^4.21.2", "pg": "^8.13.0" }\n}\n' },
      good: {
        'package.json': '{\n  "name": "web",\n  "private": true,\n  "dependencies": { "express": "^4.21.2" }\n}\n',
        'package-lock.json':
          '{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "name": "web", "dependencies": { "express": "^4.21.2" } },\n    "node_modules/express": { "version": "4.21.2" }\n  }\n}\n',
      },
    },
    references: {
      cwe: [1357, 829],
      owasp: ['A08:2021'],
      urls: ['https://docs.npmjs.com/cli/configuring-npm/package-lock-json', 'https://python-poetry.org/docs/basic-usage/#committing-your-poetrylock-file-to-version-control'],
      equivalents: ['scorecard:Pinned-Dependencies'],
    },
  },
  check({ index, report }) {
    for (const manifest of lockableManifests(index)) {
      const deps = index.dependencies.filter((d) => d.manifest === manifest.file && d.constraint !== 'local');
      if (!deps.length) continue;
      const at = { file: manifest.file, ...(sectionLine(index, manifest) ? { startLine: sectionLine(index, manifest), endLine: sectionLine(index, manifest) } : {}) };
      if (manifest.lockfile) {
        if (index.gitTracked && !index.gitTracked.has(manifest.lockfile) && /\.(lock|json|ya?ml)$/.test(manifest.lockfile))
          report({ messageId: 'lockfileNotCommitted', at, data: { file: manifest.file, lockfile: manifest.lockfile } });
        continue;
      }
      const examples = deps.slice(0, 3).map((d) => `\`${d.name}${d.spec ? ` ${d.spec}` : ''}\``);
      if (deps.length > 3) examples.push(`and ${deps.length - 3} more`);
      report({
        messageId: 'noLockfile',
        at,
        data: { file: manifest.file, count: String(deps.length), examples: examples.join(', '), lockName: LOCK_NAME[manifest.manager] ?? 'lockfile' },
      });
    }
  },
});

function sectionLine(index: RepoIndex, manifest: DependencyManifest): number | undefined {
  const lines = index.dependencies.filter((d) => d.manifest === manifest.file && d.line).map((d) => d.line!);
  return lines.length ? Math.min(...lines) : undefined;
}
