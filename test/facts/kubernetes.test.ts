/** The Kubernetes manifest walker on inline file trees: objects, pod specs per kind, containers, Helm and kustomize patches. */
import { describe, expect, it } from 'vitest';
import { kubernetesObjects, kubernetesPodSpecs, kustomizePatchFiles } from '../../src/facts/kubernetes.ts';
import { parseTree } from '../support/route-table.ts';

const deployment = (name: string, containers: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    spec:\n${containers}`;

describe('kubernetes manifest walker', () => {
  it('finds pod specs of Pods, workloads and CronJobs, with init and regular containers and their lines', async () => {
    const files = await parseTree({
      'k8s/all.yaml': [
        deployment('api', '      initContainers:\n        - name: migrate\n          image: app:1\n      containers:\n        - name: api\n          image: app:1\n        - image: sidecar:2\n'),
        '---',
        'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n              image: app:1\n',
        '---',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\nspec:\n  containers:\n    - name: sh\n      image: busybox:1.36\n',
        '---',
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports: [{ port: 80 }]\n',
        '---',
        'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: DaemonSet\n    metadata: { name: agent }\n    spec:\n      template:\n        spec:\n          containers: [{ name: agent, image: agent:3 }]\n',
      ].join('\n'),
      'README.md': '# not yaml\n',
    });
    expect(kubernetesObjects(files).map((o) => `${o.kind}/${o.name}`)).toEqual(['Deployment/api', 'CronJob/nightly', 'Pod/shell', 'Service/api', 'DaemonSet/agent']);
    const specs = kubernetesPodSpecs(files);
    expect(specs.map((s) => `${s.object.kind}:${s.keyPath.join('.')}`)).toEqual([
      'Deployment:spec.template.spec',
      'CronJob:spec.jobTemplate.spec.template.spec',
      'Pod:spec',
      'DaemonSet:spec.template.spec',
    ]);
    const containers = specs.flatMap((s) => s.containers.map((c) => `${c.name}${c.init ? ' (init)' : ''} ${c.image} @${s.object.file.position(c.node.range![0]).line}`));
    expect(containers).toEqual(['migrate (init) app:1 @10', 'api app:1 @13', '#1 sidecar:2 @15', 'job app:1 @28', 'sh busybox:1.36 @38', 'agent agent:3 @59']);
    expect(specs[0].object.namespace).toBe('shop');
  });

  it('skips Helm templates and reports kustomize patch files', async () => {
    const files = await parseTree({
      'chart/templates/deployment.yaml': deployment('{{ include "x.fullname" . }}', '      containers:\n        - name: api\n          image: "{{ .Values.image }}"\n'),
      'deploy/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\npatches:\n  - path: patch.yaml\n  - path: ../shared/replicas.yaml\npatchesStrategicMerge:\n  - memory.yaml\n',
      'deploy/overlays/prod/patch.yaml': deployment('api', '      containers:\n        - name: api\n'),
    });
    expect(kubernetesObjects(files).map((o) => o.file.path)).toEqual(['deploy/overlays/prod/patch.yaml']);
    expect([...kustomizePatchFiles(files)].sort()).toEqual(['deploy/overlays/prod/memory.yaml', 'deploy/overlays/prod/patch.yaml', 'deploy/overlays/shared/replicas.yaml']);
  });
});
