import { composeServices, isDevComposeFile } from '../../facts/compose.ts';
import { isKubernetesManifest } from '../../facts/frameworks.ts';
import { yamlEntries, resolveNode, type YamlNode } from '../../facts/yaml-nodes.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';

/** Files that describe a production deployment other than compose. */
const DEPLOYMENT_CONFIG =
  /(^|\/)(render\.ya?ml|fly\.toml|railway\.(json|toml)|app\.ya?ml|Procfile|vercel\.json|netlify\.toml|serverless\.ya?ml|Chart\.ya?ml|[^/]*task-definition[^/]*\.json|[^/]*\.tf|docker-stack[^/]*\.ya?ml|compose\.prod[^/]*\.ya?ml|docker-compose\.prod[^/]*\.ya?ml|[^/]*\.nomad|skaffold\.ya?ml|kustomization\.ya?ml|\.platform\.app\.yaml|appspec\.ya?ml|cloudbuild\.ya?ml)$/;
/** A command that runs a development server or reloader. */
const DEV_COMMAND = /(--reload\b|\bflask\s+run\b|\bmanage\.py\s+runserver\b|\bnpm\s+run\s+dev\b|\byarn\s+dev\b|\bpnpm\s+dev\b|\bnext\s+dev\b|\bvite(\s|$)|\bnodemon\b|\bts-node-dev\b|\bwatchmedo\b|--watch\b)/;
/** A bind mount of the project source over the image's code. */
const SOURCE_MOUNT = /^\.{1,2}(\/[\w.-]*)*:\/(app|code|src|usr\/src\/app|srv|var\/www|workspace|project)\b/;

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
    if (files.all.some((f) => DEPLOYMENT_CONFIG.test(f.path)) || files.ofKind('yaml', { containing: ['apiVersion'] }).some(isKubernetesManifest)) return;
    const byFile = new Map<ParsedFile, string[]>();
    for (const service of composeServices(files)) {
      if (isDevComposeFile(service.file)) continue;
      const signs = devSigns(service.node, service.doc);
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

function devSigns(node: YamlNode, doc: unknown): string[] {
  const entries = yamlEntries(resolveNode(node, doc), doc);
  const get = (key: string) => entries.find((e) => e.key === key)?.value;
  const signs: string[] = [];
  const command = scalarText(get('command'), doc) ?? scalarText(get('entrypoint'), doc);
  if (command && DEV_COMMAND.test(command)) signs.push(`runs a development server (\`${command.length > 60 ? `${command.slice(0, 57)}…` : command}\`)`);
  const volumes = listTexts(get('volumes'), doc);
  const mount = volumes.find((v) => SOURCE_MOUNT.test(v));
  if (mount) signs.push(`mounts the source tree (\`${mount}\`)`);
  const environment = JSON.stringify(listTexts(get('environment'), doc).concat(entriesText(get('environment'), doc)));
  if (/\b(FLASK_DEBUG|DJANGO_DEBUG|DEBUG)\W*[=:]\W*(1|true|True)\b|\b(NODE_ENV|FLASK_ENV|APP_ENV|ENVIRONMENT)\W*[=:]\W*development\b/.test(environment)) signs.push('sets a development or debug environment');
  return signs;
}

function scalarText(node: unknown, doc: unknown): string | undefined {
  const resolved = resolveNode(node, doc) as { value?: unknown; items?: unknown[] } | undefined;
  if (resolved === undefined || resolved === null) return undefined;
  if (typeof resolved.value === 'string' || typeof resolved.value === 'number') return String(resolved.value);
  if (Array.isArray(resolved.items)) return listTexts(resolved, doc).join(' ');
  return undefined;
}

function listTexts(node: unknown, doc: unknown): string[] {
  const resolved = resolveNode(node, doc) as { items?: unknown[] } | undefined;
  if (!resolved || !Array.isArray(resolved.items)) return [];
  return resolved.items.map((item) => {
    const r = resolveNode(item, doc) as { value?: unknown } | undefined;
    return r && (typeof r.value === 'string' || typeof r.value === 'number') ? String(r.value) : '';
  });
}

function entriesText(node: unknown, doc: unknown): string[] {
  return yamlEntries(resolveNode(node, doc), doc).map((e) => `${e.key}=${scalarText(e.value, doc) ?? ''}`);
}
