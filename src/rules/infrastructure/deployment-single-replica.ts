import { operationsOf } from '../../facts/operations/index.ts';
import { scalingView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

/** Workloads that are singletons by design: schedulers, workers, migration jobs. */
const SINGLETON = /worker|cron|schedul|beat|migrat|job|queue|consumer|celery|rq\b|sidekiq|listener/i;

export default defineRule({
  meta: {
    id: 'deployment-single-replica',
    category: 'infrastructure',
    title: 'Service deployed as a single replica',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Auto-Scaling',
    effortHours: 1,
    messages: {
      singleReplica: '{{target}} runs one replica and nothing scales it, so every deploy, node drain or crash takes the service offline.',
    },
    why: [
      'With one replica there is no redundancy: a rolling update has nothing to roll onto, a node being drained or replaced takes the service down, and a crash or out-of-memory kill means downtime until the restart completes. It also hides scaling problems (per-process state, sticky sessions) until the day traffic forces a second replica.',
    ].join('\n'),
    fix: [
      'Run at least two replicas of stateless web services, spread over nodes, and let an autoscaler add more under load.',
      '',
      '```yaml',
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'metadata: { name: api }',
      'spec:',
      '  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }',
      '  minReplicas: 2',
      '  maxReplicas: 10',
      '  metrics:',
      '    - type: Resource',
      '      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }',
      '```',
      'Add a PodDisruptionBudget (`minAvailable: 1`) so drains keep one replica serving. On PaaS, set the instance count or autoscaling range in the platform config (`numInstances`, `scaling.minInstances`).',
    ].join('\n'),
    examples: {
      bad: {
        'k8s/api.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n',
      },
      good: {
        'k8s/api.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n',
      },
    },
    references: { urls: ['https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/', 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/'], equivalents: ['kube-score:deployment-replicas'] },
  },
  check({ index, files, report }) {
    for (const s of scalingView(operationsOf(index, files)).single) {
      if (s.platform === 'compose' || SINGLETON.test(s.target) || /StatefulSet/.test(s.target)) continue;
      report({ messageId: 'singleReplica', at: s.at, data: { target: s.target } });
    }
  },
});
