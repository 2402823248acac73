import { describeWorkload, kubernetesObjects, kustomizePatchFiles, podSpecOf } from '../../facts/kubernetes.ts';
import { locateNodeStart, seqItems, yamlGet } from '../../facts/yaml-nodes.ts';
import { defineRule } from '../../model/rule.ts';

/** Long-running workloads that receive traffic and are restarted by the kubelet; Jobs and CronJobs are meant to exit. */
const SERVING_KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout']);

export default defineRule({
  meta: {
    id: 'kubernetes-probes-missing',
    category: 'infrastructure',
    title: 'Kubernetes container without readiness or liveness probe',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['kubernetes'],
    scorecard: 'Health Checks',
    effortHours: 1,
    fixScope: 'file',
    fixTitle: 'Add liveness and readiness probes to every container',
    messages: {
      bothMissing: 'Container `{{container}}` of {{workload}} has neither a `readinessProbe` nor a `livenessProbe`.',
      readinessMissing: 'Container `{{container}}` of {{workload}} serves port {{port}} but has no `readinessProbe`.',
      livenessMissing: 'Container `{{container}}` of {{workload}} has no `livenessProbe`, so a hung process is never restarted.',
    },
    why: [
      'Without a readiness probe Kubernetes sends traffic to a pod as soon as its process starts, before the application has loaded, connected to its database or warmed its caches; during every rolling update and every scale-up users get connection errors and 502s. It also keeps sending traffic to a pod that has lost its database connection.',
      '',
      'Without a liveness probe a process that deadlocks or stops answering but does not exit stays in service forever: the kubelet only restarts containers whose process dies.',
    ].join('\n'),
    fix: [
      'Add a cheap readiness endpoint that checks the application can serve (dependencies reachable) and a liveness endpoint that only checks the process answers; never make liveness depend on the database, or one database outage restarts every pod. Slow starters get a `startupProbe`.',
      '',
      '```yaml',
      'containers:',
      '  - name: api',
      '    image: ghcr.io/acme/api:1.8.2',
      '    ports:',
      '      - containerPort: 8000',
      '    readinessProbe:',
      '      httpGet: { path: /health/ready, port: 8000 }',
      '      periodSeconds: 5',
      '    livenessProbe:',
      '      httpGet: { path: /health/live, port: 8000 }',
      '      periodSeconds: 10',
      '      failureThreshold: 3',
      '```',
      'A worker without a port can use an `exec` liveness probe (`celery inspect ping`, a heartbeat file younger than N seconds).',
    ].join('\n'),
    examples: {
      bad: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n          ports:\n            - containerPort: 8000\n',
      },
      good: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n          ports:\n            - containerPort: 8000\n          readinessProbe:\n            httpGet: { path: /health/ready, port: 8000 }\n          livenessProbe:\n            httpGet: { path: /health/live, port: 8000 }\n',
      },
    },
    references: {
      cwe: [754],
      urls: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
      equivalents: ['checkov:CKV_K8S_8', 'checkov:CKV_K8S_9', 'kube-score:pod-probes', 'polaris:readinessProbeMissing', 'polaris:livenessProbeMissing'],
    },
  },
  check({ files, report }) {
    const patches = kustomizePatchFiles(files);
    for (const object of kubernetesObjects(files, { includeTests: false })) {
      if (!SERVING_KINDS.has(object.kind) || patches.has(object.file.path)) continue;
      const podSpec = podSpecOf(object);
      if (!podSpec) continue;
      const { doc, file } = object;
      for (const container of podSpec.containers) {
        if (container.init) continue;
        const readiness = !!yamlGet(container.node, 'readinessProbe', doc);
        const liveness = !!yamlGet(container.node, 'livenessProbe', doc);
        if (readiness && liveness) continue;
        const ports = seqItems(yamlGet(container.node, 'ports', doc), doc);
        const port = ports.map((p) => yamlGet(p, 'containerPort', doc)?.value).find((v) => v !== undefined);
        const data = { container: container.name, workload: describeWorkload(object), port: String(port ?? '') };
        const at = locateNodeStart(file, container.node, container.keyPath);
        // Readiness gates Service traffic: a container that serves no port (a worker) does not need one.
        if (!readiness && !liveness && ports.length) report({ messageId: 'bothMissing', at, data });
        else if (!readiness && ports.length) report({ messageId: 'readinessMissing', at, data });
        else if (!liveness) report({ messageId: 'livenessMissing', at, data, severity: 'low' });
      }
    }
  },
});
