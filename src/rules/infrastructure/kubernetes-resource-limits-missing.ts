import { describeWorkload, kubernetesObjects, kustomizePatchFiles, podSpecOf, type KubeObject } from '../../facts/kubernetes.ts';
import { locateNodeStart, seqItems, yamlGet, yamlPath, yamlScalar } from '../../facts/yaml-nodes.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'kubernetes-resource-limits-missing',
    category: 'infrastructure',
    title: 'Kubernetes container without memory limit or CPU request',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['kubernetes'],
    scorecard: 'Orchestration',
    effortHours: 0.5,
    fixScope: 'file',
    fixTitle: 'Set CPU and memory requests and limits on every container',
    messages: {
      noResources: 'Container `{{container}}` of {{workload}} declares no `resources`, so it has no memory limit and no CPU request.',
      incomplete: 'Container `{{container}}` of {{workload}} declares no {{missing}}.',
    },
    why: [
      'Without a memory limit, one container with a leak or a burst of large requests grows until the node runs out of memory; the kernel then kills processes of *other* pods on the same node, and the kubelet evicts them. Without a CPU request the scheduler places the pod as if it needed nothing, packs too many pods on one node, and the pod gets the lowest CPU share when the node is busy (QoS class `BestEffort`). Horizontal autoscaling on CPU also needs the request to compute utilisation.',
    ].join('\n'),
    fix: [
      'Measure the container under load and set requests to its usual use and a memory limit above its peak. Leaving the CPU limit out is fine (it only throttles); the memory limit is the one that protects the node.',
      '',
      '```yaml',
      'containers:',
      '  - name: api',
      '    image: ghcr.io/acme/api:1.8.2',
      '    resources:',
      '      requests:',
      '        cpu: 250m',
      '        memory: 256Mi',
      '      limits:',
      '        memory: 512Mi',
      '```',
      'Or give the namespace defaults with a `LimitRange`, so containers that forget still get sane values:',
      '',
      '```yaml',
      'apiVersion: v1',
      'kind: LimitRange',
      'metadata: { name: defaults, namespace: shop }',
      'spec:',
      '  limits:',
      '    - type: Container',
      '      defaultRequest: { cpu: 100m, memory: 128Mi }',
      '      default: { memory: 512Mi }',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n',
      },
      good: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n          resources:\n            requests: { cpu: 250m, memory: 256Mi }\n            limits: { memory: 512Mi }\n',
      },
    },
    references: {
      cwe: [770, 400],
      urls: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/', 'https://kubernetes.io/docs/concepts/policy/limit-range/'],
      equivalents: ['checkov:CKV_K8S_10', 'checkov:CKV_K8S_11', 'checkov:CKV_K8S_12', 'checkov:CKV_K8S_13', 'kube-score:container-resources', 'polaris:memoryLimitsMissing', 'polaris:cpuRequestsMissing'],
    },
  },
  check({ files, report }) {
    const objects = kubernetesObjects(files, { includeTests: false });
    const defaults = limitRangeDefaults(objects);
    const patches = kustomizePatchFiles(files);
    for (const object of objects) {
      if (patches.has(object.file.path)) continue;
      const podSpec = podSpecOf(object);
      if (!podSpec) continue;
      const namespaceDefaults = defaults.filter((d) => d.namespace === undefined || object.namespace === undefined || d.namespace === object.namespace);
      const defaultMemoryLimit = namespaceDefaults.some((d) => d.memoryLimit);
      const defaultCpuRequest = namespaceDefaults.some((d) => d.cpuRequest);
      const { doc, file } = object;
      for (const container of podSpec.containers) {
        if (container.init) continue;
        const resources = yamlGet(container.node, 'resources', doc);
        const memoryLimit = !!yamlScalar(yamlPath(resources, ['limits', 'memory'], doc)) || defaultMemoryLimit;
        // A container with only limits gets requests equal to them.
        const cpuRequest = !!yamlScalar(yamlPath(resources, ['requests', 'cpu'], doc)) || !!yamlScalar(yamlPath(resources, ['limits', 'cpu'], doc)) || defaultCpuRequest;
        if (memoryLimit && cpuRequest) continue;
        const data = { container: container.name, workload: describeWorkload(object) };
        const at = locateNodeStart(file, container.node, container.keyPath);
        if (!resources?.items?.length && !defaultMemoryLimit && !defaultCpuRequest) {
          report({ messageId: 'noResources', at, data });
          continue;
        }
        const missing = [!memoryLimit && '`resources.limits.memory`', !cpuRequest && '`resources.requests.cpu`'].filter(Boolean).join(' and ');
        // A missing CPU request alone does not endanger neighbours; a missing memory limit does.
        report({ messageId: 'incomplete', at, data: { ...data, missing }, ...(memoryLimit ? { severity: 'low' as const } : {}) });
      }
    }
  },
});

interface LimitRangeDefault {
  namespace?: string;
  memoryLimit: boolean;
  cpuRequest: boolean;
}

/** Container defaults that `LimitRange` objects give their namespace (`default` = limits, `defaultRequest` = requests). */
function limitRangeDefaults(objects: KubeObject[]): LimitRangeDefault[] {
  const out: LimitRangeDefault[] = [];
  for (const object of objects) {
    if (object.kind !== 'LimitRange') continue;
    const { doc, root } = object;
    for (const limit of seqItems(yamlPath(root, ['spec', 'limits'], doc), doc)) {
      if ((yamlScalar(yamlGet(limit, 'type', doc)) ?? 'Container') !== 'Container') continue;
      const defaultLimits = yamlGet(limit, 'default', doc);
      const defaultRequests = yamlGet(limit, 'defaultRequest', doc);
      out.push({
        namespace: object.namespace,
        memoryLimit: !!yamlScalar(yamlGet(defaultLimits, 'memory', doc)),
        cpuRequest: !!yamlScalar(yamlGet(defaultRequests, 'cpu', doc)) || !!yamlScalar(yamlGet(defaultLimits, 'cpu', doc)),
      });
    }
  }
  return out;
}
