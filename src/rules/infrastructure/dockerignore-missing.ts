import { buildContextOf, composeBuildContexts, contextSources, dockerignoreFor, isWholeContext } from '../../facts/dockerfile-stages.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'dockerignore-missing',
    category: 'infrastructure',
    title: 'Whole build context copied without a .dockerignore',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['docker'],
    scorecard: 'Containerization',
    effortHours: 0.25,
    messages: {
      noDockerignore: '`{{keyword}} {{source}}` in `{{file}}` copies the whole build context ({{context}}), which has no `.dockerignore`.',
    },
    why: [
      'Without a `.dockerignore`, `COPY . .` puts everything in the folder into the image: the `.git` folder with the full history, local `.env` files and keys, `node_modules` or `.venv` built for the developer\'s machine, test data and caches. Anyone who pulls the image can read them, the image is larger and slower to push, and every edit anywhere in the folder invalidates the layer cache.',
    ].join('\n'),
    fix: [
      'Add a `.dockerignore` next to the build context (or `<Dockerfile>.dockerignore` next to the Dockerfile) that leaves out what the image does not need:',
      '',
      '```gitignore',
      '.git',
      '.env',
      '.env.*',
      '!.env.example',
      '**/*.pem',
      'node_modules',
      '.venv',
      '__pycache__',
      'tests',
      'Dockerfile*',
      'docker-compose*.yml',
      '```',
      'Or copy only what the app needs: `COPY pyproject.toml poetry.lock ./` then `COPY src/ ./src/`.',
    ].join('\n'),
    examples: {
      bad: {
        Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 1000\n',
        'requirements.txt': 'flask==3.0.3\n',
      },
      good: {
        Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 1000\n',
        '.dockerignore': '.git\n.env\n.venv\n__pycache__\n',
        'requirements.txt': 'flask==3.0.3\n',
      },
    },
    references: {
      cwe: [538, 200],
      owasp: ['A05:2021'],
      urls: ['https://docs.docker.com/build/concepts/context/#dockerignore-files'],
    },
  },
  check({ files, report }) {
    const contexts = composeBuildContexts(files);
    for (const file of files.ofKind('dockerfile', { containing: ['.'], includeTests: false })) {
      const context = buildContextOf(file, contexts);
      if (dockerignoreFor(file, context, files)) continue;
      // Without a compose file saying otherwise, a Dockerfile in a sub-folder is often built from the repository root.
      if (!contexts.has(file.path) && context && files.get('.dockerignore')) continue;
      const copies = (file.dockerfile ?? []).map((ins) => ({ ins, source: contextSources(ins).find(isWholeContext) })).filter((c) => c.source);
      if (!copies.length) continue;
      // Report once per Dockerfile, at the copy into the shipped (last) stage when there is one.
      const finalStage = Math.max(...(file.dockerfile ?? []).map((ins) => ins.stage));
      const shipped = copies.find((c) => c.ins.stage === finalStage);
      const copy = shipped ?? copies[0];
      report({
        messageId: 'noDockerignore',
        at: file.locateLines(copy.ins.startLine, copy.ins.endLine),
        data: { keyword: copy.ins.keyword, source: copy.source ?? '.', file: file.path, context: describeContext(context, contexts.has(file.path)) },
        // Only a build stage gets the context: the shipped image does not hold it, the build cache does.
        ...(shipped ? {} : { severity: 'low' as const }),
      });
    }
  },
});

function describeContext(context: string, fromCompose: boolean): string {
  if (!context) return 'the repository root';
  return fromCompose ? `\`${context}/\`, as docker-compose builds it` : `\`${context}/\` or the repository root`;
}
