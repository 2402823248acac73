import { composeServices, isDevComposeFile, type ComposeService } from '../../facts/compose.ts';
import { composeBuildContexts, dockerStages } from '../../facts/dockerfile-stages.ts';
import { locatePair, seqItems, yamlEntries, yamlGet, yamlPair, yamlScalar } from '../../facts/yaml-nodes.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'container-healthcheck-missing',
    category: 'infrastructure',
    title: 'Container without a healthcheck',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Health Checks',
    effortHours: 0.5,
    fixScope: 'file',
    fixTitle: 'Add healthchecks to the services',
    messages: {
      healthyConditionUnmet: 'Service `{{dependent}}` in {{file}} waits for `{{service}}` to be `service_healthy`, but `{{service}}` has no healthcheck, so `docker compose up` fails.',
      dependencyWithoutHealthcheck: 'Service `{{service}}` in {{file}} has no healthcheck, so `{{dependent}}` starts before `{{service}}` is ready to accept connections.',
      dockerfileWithoutHealthcheck: 'The image built by {{file}} has no `HEALTHCHECK`, so Docker cannot tell when the application hangs.',
    },
    why: [
      'Without a healthcheck Docker only knows whether the process runs, not whether it answers. `depends_on` then starts the API as soon as the database container exists — seconds before PostgreSQL accepts connections — and the API crashes or serves errors on every cold start. A `condition: service_healthy` on a service without a healthcheck makes `docker compose up` fail outright.',
      '',
      'On a single Docker host (compose, Swarm, many PaaS that run the image as is), a process that deadlocks keeps its container marked running and receives traffic forever. Kubernetes and ECS ignore the Dockerfile `HEALTHCHECK` and use their own probes, so that case is reported at low confidence and only when the repository has no Kubernetes manifests.',
    ].join('\n'),
    fix: [
      'Give every service that others depend on a healthcheck that tests it answers, and make dependents wait for it.',
      '',
      '```yaml',
      'services:',
      '  db:',
      '    image: postgres:16.4',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "pg_isready -U $$POSTGRES_USER -d $$POSTGRES_DB"]',
      '      interval: 5s',
      '      timeout: 3s',
      '      retries: 10',
      '  api:',
      '    build: .',
      '    depends_on:',
      '      db:',
      '        condition: service_healthy',
      '```',
      'In a Dockerfile, check an endpoint that does not depend on other services:',
      '',
      '```dockerfile',
      'HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/health/live\', timeout=2)"]',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'docker-compose.yml':
          'services:\n  api:\n    build: .\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16.4\n',
      },
      good: {
        'docker-compose.yml':
          'services:\n  api:\n    build: .\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16.4\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n',
      },
    },
    references: {
      cwe: [],
      urls: ['https://docs.docker.com/compose/how-tos/startup-order/', 'https://docs.docker.com/reference/dockerfile/#healthcheck'],
      equivalents: ['checkov:CKV_DOCKER_2'],
    },
  },
  check({ index, files, report }) {
    const contexts = composeBuildContexts(files);
    const dockerfileByPath = new Map(files.ofKind('dockerfile').map((f) => [f.path, f]));
    /** Dockerfiles whose service has a compose healthcheck: the check lives there. */
    const checkedInCompose = new Set<string>();

    const byFile = new Map<ParsedFile, ComposeService[]>();
    for (const service of composeServices(files)) byFile.set(service.file, [...(byFile.get(service.file) ?? []), service]);
    for (const [file, services] of byFile) {
      const byName = new Map(services.map((s) => [s.name, s]));
      const dev = isDevComposeFile(file);
      const reported = new Set<string>();
      for (const service of services) {
        const dockerfile = builtDockerfile(service, [...contexts.keys()]);
        if (dockerfile && hasComposeHealthcheck(service)) checkedInCompose.add(dockerfile);
      }
      // `service_healthy` waits first: a service reported there is not reported again for a plain `depends_on`.
      const edges = services.flatMap((dependent) => dependencies(dependent).map((dep) => ({ dependent, dep })));
      edges.sort((a, b) => Number(b.dep.condition === 'service_healthy') - Number(a.dep.condition === 'service_healthy'));
      for (const { dependent, dep } of edges) {
        const target = byName.get(dep.name);
        if (!target || hasComposeHealthcheck(target)) continue;
        const dockerfilePath = builtDockerfile(target, [...contexts.keys()]);
        const dockerfile = dockerfilePath ? dockerfileByPath.get(dockerfilePath) : undefined;
        if (dockerfile && hasDockerHealthcheck(dockerfile)) continue;
        const data = { service: target.name, dependent: dependent.name, file: file.path };
        if (dep.condition === 'service_healthy') {
          reported.add(target.name);
          report({ messageId: 'healthyConditionUnmet', at: { ...dep.at }, data, severity: 'medium', confidence: 'high' });
        } else if (dep.condition !== 'service_completed_successfully' && !reported.has(target.name)) {
          reported.add(target.name);
          const at = locatePair(file, { keyNode: target.keyNode, value: undefined }, target.node, ['services', target.name]);
          report({ messageId: 'dependencyWithoutHealthcheck', at, data, ...(dev ? { confidence: 'low' as const } : {}) });
        }
      }
    }

    // Dockerfiles: only where nothing else probes the container.
    if (index.domains.has('kubernetes')) return;
    for (const file of files.ofKind('dockerfile')) {
      if (!file.dockerfile?.length || checkedInCompose.has(file.path) || hasDockerHealthcheck(file)) continue;
      const name = file.path.slice(file.path.lastIndexOf('/') + 1).toLowerCase();
      if (/(?:^|[./-])(?:dev|development|local|test|tests|ci|e2e|devcontainer)(?:[./-]|$)/.test(name) || /(?:^|\/)\.devcontainer\//.test(file.path)) continue;
      const stages = dockerStages(file);
      const final = stages[stages.length - 1];
      if (!final || final.image.toLowerCase() === 'scratch') continue;
      // Only images that run a server: a CMD/ENTRYPOINT and an EXPOSE somewhere in the final stage.
      const keywords = new Set(final.instructions.map((i) => i.keyword));
      if (!keywords.has('EXPOSE') || !(keywords.has('CMD') || keywords.has('ENTRYPOINT'))) continue;
      report({
        messageId: 'dockerfileWithoutHealthcheck',
        at: file.locateLines(final.from.startLine, final.from.endLine),
        data: { file: file.path },
        confidence: 'low',
      });
    }
  },
});

function hasComposeHealthcheck(service: ComposeService): boolean {
  const healthcheck = yamlGet(service.node, 'healthcheck', service.doc);
  if (!healthcheck) return false;
  return yamlScalar(yamlGet(healthcheck, 'disable', service.doc)) !== 'true';
}

/** A `HEALTHCHECK` in the final stage; `HEALTHCHECK NONE` is a deliberate choice and counts too. */
function hasDockerHealthcheck(file: ParsedFile): boolean {
  const stages = dockerStages(file);
  const final = stages[stages.length - 1];
  const healthchecks = (final?.instructions ?? []).filter((i) => i.keyword === 'HEALTHCHECK');
  return healthchecks.length > 0;
}

/** The Dockerfile path a service builds, matched against the compose build contexts computed for the repository. */
function builtDockerfile(service: ComposeService, dockerfiles: string[]): string | undefined {
  const build = yamlGet(service.node, 'build', service.doc);
  if (!build) return undefined;
  const dir = service.file.path.includes('/') ? service.file.path.slice(0, service.file.path.lastIndexOf('/') + 1) : '';
  const context = (yamlScalar(build) ?? yamlScalar(yamlGet(build, 'context', service.doc)) ?? '.').replace(/^\.\/?/, '').replace(/\/$/, '');
  const dockerfile = yamlScalar(yamlGet(build, 'dockerfile', service.doc)) ?? 'Dockerfile';
  const wanted = `${dir}${context ? `${context}/` : ''}${dockerfile}`.replace(/(^|\/)\.\//g, '$1');
  return dockerfiles.find((d) => d === wanted) ?? wanted;
}

interface Dependency {
  name: string;
  condition?: string;
  at: ReturnType<ParsedFile['locateOffsets']>;
}

/** `depends_on: [db]` or `depends_on: { db: { condition: service_healthy } }`. */
function dependencies(service: ComposeService): Dependency[] {
  const { doc, file } = service;
  const node = yamlGet(service.node, 'depends_on', doc);
  const out: Dependency[] = [];
  seqItems(node, doc).forEach((item, i) => {
    const name = yamlScalar(item);
    if (name && item.range) out.push({ name, at: { ...file.locateOffsets(item.range[0], item.range[1]), keyPath: ['services', service.name, 'depends_on', i] } });
  });
  for (const entry of yamlEntries(node, doc)) {
    const condition = yamlPair(entry.value, 'condition', doc);
    const keyPath = ['services', service.name, 'depends_on', entry.key];
    const at = condition?.value ? locatePair(file, condition, entry.value ?? {}, [...keyPath, 'condition']) : locatePair(file, { keyNode: entry.keyNode }, entry.value ?? {}, keyPath);
    out.push({ name: entry.key, condition: yamlScalar(condition?.value), at });
  }
  return out;
}
