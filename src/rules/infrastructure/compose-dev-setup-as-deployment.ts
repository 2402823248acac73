import { composeDevSigns, composeServices, isDevComposeFile } from '../../facts/compose.ts';
import { isKubernetesManifest } from '../../facts/frameworks.ts';
import { isDeploymentConfigPath } from '../../facts/operations/deployment.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'compose-dev-setup-as-deployment',
    category: 'infrastructure',
    title: 'Development compose stack is the only deployment definition',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['compose'],
    scorecard: 'Containerization',
    messages: {
      devStack:
        '`{{file}}` is the only deployment definition in the repository, and it is a development stack: {{signs}}.',
    },
    why: [
      'A compose file written for a laptop runs the framework\'s development server (auto-reload, debug pages, single process), mounts the source tree over the image so the container runs whatever is on disk, and usually publishes every port. When no other deployment configuration exists, that file is how the app reaches production: slow, unsafe and impossible to scale or roll back.',
    ].join('\n'),
    fix: [
      'Keep the development stack in `docker-compose.override.yml` (or `compose.dev.yaml`) and describe production separately: an image built by CI, a production server, no source mounts, secrets from the platform.',
      '',
      '```yaml',
      '# compose.prod.yaml',
      'services:',
      '  api:',
      '    image: registry.example.com/api:1.4.2',
      '    command: ["gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker", "-w", "4", "-b", "0.0.0.0:8000"]',
      '    env_file: /etc/api/production.env',
      '    restart: unless-stopped',
      '```',
    ].join('\n'),
    effortHours: 4,
    examples: {
      bad: {
        'docker-compose.yml': 'services:\n  api:\n    build: .\n    command: uvicorn app.main:app --host 0.0.0.0 --reload\n    volumes:\n      - .:/app\n    ports:\n      - "8000:8000"\n',
      },
      good: {
        'docker-compose.yml': 'services:\n  api:\n    image: registry.example.com/api:1.4.2\n    command: ["gunicorn", "app.main:app", "-w", "4", "-b", "0.0.0.0:8000"]\n    ports:\n      - "8000:8000"\n',
      },
    },
    references: { cwe: [489, 1188] },
  },
  check({ files, report }) {
    // Another deployment definition (Kubernetes, a PaaS, Terraform, a production compose file) means this one is for development.
    if (files.all.some((f) => isDeploymentConfigPath(f.path)) || files.ofKind('yaml', { containing: ['apiVersion'] }).some(isKubernetesManifest)) return;
    const byFile = new Map<ParsedFile, string[]>();
    for (const service of composeServices(files)) {
      if (isDevComposeFile(service.file)) continue;
      const signs = composeDevSigns(service);
      if (!signs.length) continue;
      byFile.set(service.file, [...(byFile.get(service.file) ?? []), ...signs.map((s) => `\`${service.name}\` ${s}`)]);
    }
    for (const [file, signs] of byFile) {
      report({
        messageId: 'devStack',
        at: file.locateLines(servicesLine(file)),
        data: { file: file.path, signs: signs.slice(0, 3).join('; ') + (signs.length > 3 ? `; and ${signs.length - 3} more` : '') },
      });
    }
  },
});

/** The line of the top-level `services:` key (1 when the file has none at column 0). */
function servicesLine(file: ParsedFile): number {
  const m = /^services\s*:/m.exec(file.text);
  return m ? file.position(m.index).line : 1;
}
