import { referencedPathExists, referencedPaths, type ReferencedPath } from '../../facts/referenced-paths.ts';
import { repoFolders } from '../../facts/repo-paths.ts';
import { defineRule } from '../../model/rule.ts';
import { codeSpanText } from '../../parse/syntax.ts';

export default defineRule({
  meta: {
    id: 'referenced-file-missing',
    category: 'completeness',
    title: 'File referenced by configuration or docs does not exist',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Implementation Completeness',
    effortHours: 1,
    messages: {
      runTargetMissing: '{{source}} runs `{{command}}`, but {{what}} `{{target}}` is not in the repository: {{effect}}.',
      copySourceMissing: '{{source}} copies `{{target}}`, which is not in the build context: `docker build` fails at this step.',
      docLinkMissing: '{{source}} links to `{{target}}`, which does not exist in the repository.',
      docPathMissing: '{{source}} describes `{{target}}` as part of the project, but the repository has no such file.',
    },
    why: [
      'Deployment files and docs are promises about the repository. A `CMD ["python", "backend/core/webrtc_handler.py"]`, a compose `command: uvicorn app.main:app` or a Procfile line that names a file or module that is not committed makes the container exit on start — typically found only when the deploy goes out. A `COPY` of a missing file breaks the image build.',
      '',
      'Docs that link to pages or describe source files that do not exist mislead the next engineer and any reviewer comparing the claims with the code: features documented as built that were never committed.',
    ].join('\n'),
    fix: [
      'Commit the missing file, or correct the command, path or link to where the code really is; remove documentation of files that were never written.',
      '',
      '```dockerfile',
      '# the module is app/main.py and the ASGI object is `app`',
      'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]',
      '```',
      '',
      'Catch it in CI: build the image and start the container once (`docker run --rm image python -c "import app.main"`), and run a link checker (lychee, markdown-link-check) on the docs.',
    ].join('\n'),
    examples: {
      bad: {
        'Dockerfile': 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "backend/core/webrtc_handler.py"]\n',
        'backend/main.py': 'print("hi")\n',
      },
      good: {
        'Dockerfile': 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "backend/main.py"]\n',
        'backend/main.py': 'print("hi")\n',
      },
    },
    references: { cwe: [1164], urls: ['https://docs.docker.com/reference/dockerfile/#cmd', 'https://github.com/lycheeverse/lychee'] },
  },
  check({ index, files, report }) {
    const seen = new Set<string>();
    const dirs = repoFolders(index);
    for (const ref of referencedPaths(index, files)) {
      const key = `${ref.at.file}:${ref.at.startLine}:${ref.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (exists(ref)) continue;
      const data = { source: sourceLabel(ref), target: ref.target, command: codeSpanText(ref.context, 80) };
      switch (ref.kind) {
        case 'file':
        case 'module':
          if (ref.kind === 'module' && !ref.app && !projectModule(ref.target)) break;
          report({
            messageId: 'runTargetMissing',
            at: ref.at,
            data: {
              ...data,
              what: ref.kind === 'module' ? 'the module' : 'the file',
              effect: / RUN$/.test(ref.source) ? 'the image build fails at this step' : /script "/.test(ref.source) ? 'the script fails when it is run' : 'the process fails as soon as it starts',
            },
          });
          break;
        case 'copy':
          report({ messageId: 'copySourceMissing', at: ref.at, data });
          break;
        case 'doc-link':
          report({ messageId: 'docLinkMissing', at: ref.at, data, severity: 'low' });
          break;
        case 'doc-path':
          // Only paths in this repository's own layout: the first folder exists.
          if (!dirs.has(ref.target.replace(/^\.\//, '').split('/')[0])) break;
          report({ messageId: 'docPathMissing', at: ref.at, data, severity: 'medium', confidence: 'low' });
          break;
      }
    }

    function exists(ref: ReferencedPath): boolean {
      if (referencedPathExists(index, ref)) return true;
      // A build context or script folder guessed wrong: the repository root is the other usual one.
      return (ref.kind === 'copy' || ref.kind === 'doc-link') && ref.base !== '' && referencedPathExists(index, { ...ref, base: '' });
    }

    /** A module is the project's when its first package is a folder or file of the repository (else it is an installed package). */
    function projectModule(module: string): boolean {
      const top = module.split('.')[0];
      for (const p of index.paths) if (p === `${top}.py` || p.startsWith(`${top}/`) || p.endsWith(`/${top}.py`) || p.includes(`/${top}/`)) return true;
      return false;
    }
  },
});

function sourceLabel(ref: ReferencedPath): string {
  return ref.kind === 'doc-link' || ref.kind === 'doc-path' ? `\`${ref.source}\`` : ref.source.replace(/^(\S+)/, '`$1`');
}
