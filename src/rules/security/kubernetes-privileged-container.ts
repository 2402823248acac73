import { describeWorkload, kubernetesPodSpecs, type KubePodSpec } from '../../facts/kubernetes.ts';
import { locatePair, seqItems, yamlGet, yamlIsTrue, yamlPair, yamlScalar, type YamlNode } from '../../facts/yaml-nodes.ts';
import { defineRule, type ReportInput, type Severity } from '../../model/rule.ts';

/** Capabilities that amount to root on the node (or on its network). */
const DANGEROUS_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF']);
/** Host paths whose mount gives control of the node: its root, config, container runtime socket, kubelet state. */
const SENSITIVE_HOST_PATHS: Record<string, Severity> = {
  '/': 'critical',
  '/var/run/docker.sock': 'critical',
  '/run/docker.sock': 'critical',
  '/var/run/containerd/containerd.sock': 'critical',
  '/run/containerd/containerd.sock': 'critical',
  '/var/run/crio/crio.sock': 'critical',
  '/etc': 'high',
  '/etc/kubernetes': 'critical',
  '/root': 'high',
  '/proc': 'high',
  '/var/lib/kubelet': 'critical',
  '/var/run': 'high',
  '/run': 'high',
  '/boot': 'high',
  '/dev': 'high',
};
const NODE_AGENT_KINDS = new Set(['DaemonSet']);

export default defineRule({
  meta: {
    id: 'kubernetes-privileged-container',
    category: 'security',
    title: 'Kubernetes container with privileged or host-level access',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['kubernetes'],
    scorecard: 'Configuration',
    effortHours: 1,
    messages: {
      privileged: 'Container `{{container}}` of {{workload}} runs privileged (`securityContext.privileged: true`).',
      privilegeEscalation: 'Container `{{container}}` of {{workload}} sets `allowPrivilegeEscalation: true`, so a setuid binary can gain root inside it.',
      runsAsRoot: '{{subject}} of {{workload}} sets `{{setting}}`, so its processes run as root.',
      dangerousCapability: 'Container `{{container}}` of {{workload}} adds the Linux capability `{{capability}}`.',
      hostNamespace: '{{workload}} sets `{{setting}}: true`, sharing the node\'s {{namespace}} namespace with its pods.',
      sensitiveHostPath: 'Volume `{{volume}}` of {{workload}} mounts the node\'s `{{path}}` through `hostPath`.',
    },
    why: [
      'A container is only isolated from the node by the kernel features these settings turn off. A privileged container sees every device of the node and can load kernel modules; `SYS_ADMIN` or `ALL` capabilities come close to that; `hostPID` lets it see and signal every process of the node, `hostNetwork` lets it bind node ports and sniff traffic of other pods, and a `hostPath` mount of `/`, `/etc` or the container runtime socket (`/var/run/docker.sock`) lets it start new privileged containers or rewrite the node\'s configuration.',
      '',
      'Any remote-code-execution bug in the application then becomes a compromise of the node and, through the kubelet\'s credentials and other pods\' secrets, of the cluster. Running as UID 0 and allowing privilege escalation make every container-escape bug exploitable.',
    ].join('\n'),
    fix: [
      'Drop the settings and give the container the restricted profile: run as a non-root user, no privilege escalation, all capabilities dropped, a read-only root file system. Add back only a narrow capability the process really needs (`NET_BIND_SERVICE` to listen below 1024).',
      '',
      '```yaml',
      'spec:',
      '  template:',
      '    spec:',
      '      securityContext:',
      '        runAsNonRoot: true',
      '        runAsUser: 10001',
      '        seccompProfile: { type: RuntimeDefault }',
      '      containers:',
      '        - name: api',
      '          image: ghcr.io/acme/api:1.8.2',
      '          securityContext:',
      '            allowPrivilegeEscalation: false',
      '            readOnlyRootFilesystem: true',
      '            capabilities:',
      '              drop: ["ALL"]',
      '```',
      'Enforce it for the namespace with Pod Security Admission: `kubectl label namespace shop pod-security.kubernetes.io/enforce=restricted`. Node agents that truly need host access (log shippers, CNI plugins) belong in their own namespace with the `privileged` level, away from application workloads.',
    ].join('\n'),
    examples: {
      bad: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n          securityContext:\n            privileged: true\n',
      },
      good: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n          securityContext:\n            allowPrivilegeEscalation: false\n            capabilities:\n              drop: ["ALL"]\n',
      },
    },
    references: {
      cwe: [250, 269],
      owasp: ['A05:2021'],
      urls: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/', 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
      equivalents: [
        'checkov:CKV_K8S_16',
        'checkov:CKV_K8S_20',
        'checkov:CKV_K8S_19',
        'checkov:CKV_K8S_17',
        'checkov:CKV_K8S_18',
        'checkov:CKV_K8S_39',
        'checkov:CKV_K8S_27',
        'checkov:CKV_K8S_23',
        'kube-score:container-security-context-privileged',
        'kubesec:Privileged',
      ],
    },
  },
  check({ files, report }) {
    for (const podSpec of kubernetesPodSpecs(files, { includeTests: false })) {
      const { object, node, keyPath } = podSpec;
      const { file, doc } = object;
      const workload = describeWorkload(object);
      const nodeAgent = NODE_AGENT_KINDS.has(object.kind);

      for (const [setting, namespace] of [['hostNetwork', 'network'], ['hostPID', 'process'], ['hostIPC', 'IPC']] as const) {
        const pair = yamlPair(node, setting, doc);
        if (!pair || !yamlIsTrue(pair.value)) continue;
        report({
          messageId: 'hostNamespace',
          at: locatePair(file, pair, node, [...keyPath, setting]),
          data: { workload, setting, namespace },
          ...(nodeAgent ? { severity: 'medium' as const } : {}),
        });
      }

      for (const volume of seqItems(yamlGet(node, 'volumes', doc), doc)) {
        const hostPath = yamlGet(volume, 'hostPath', doc);
        const pathPair = yamlPair(hostPath, 'path', doc);
        const path = yamlScalar(pathPair?.value)?.replace(/(.)\/+$/, '$1');
        if (!path || !(path in SENSITIVE_HOST_PATHS)) continue;
        const name = yamlScalar(yamlGet(volume, 'name', doc)) ?? path;
        const severity = SENSITIVE_HOST_PATHS[path];
        report({
          messageId: 'sensitiveHostPath',
          at: locatePair(file, pathPair, volume, [...keyPath, 'volumes', name, 'hostPath', 'path']),
          data: { workload, volume: name, path },
          ...(severity !== 'high' ? { severity } : nodeAgent ? { severity: 'medium' as const } : {}),
        });
      }

      const podContext = yamlGet(node, 'securityContext', doc);
      const podRoot = rootSetting(podContext, doc);
      if (podRoot)
        report({
          messageId: 'runsAsRoot',
          at: locatePair(file, podRoot.pair, node, [...keyPath, 'securityContext', podRoot.setting.split(':')[0]]),
          data: { subject: 'The pod', workload, setting: podRoot.setting },
          severity: 'medium',
        });

      checkContainers(podSpec, workload, report);
    }
  },
});

type Reporter = (finding: ReportInput<'privileged' | 'privilegeEscalation' | 'runsAsRoot' | 'dangerousCapability'>) => void;

function checkContainers(podSpec: KubePodSpec, workload: string, report: Reporter): void {
  const { file, doc } = podSpec.object;
  for (const container of podSpec.containers) {
    const context = yamlGet(container.node, 'securityContext', doc);
    if (!context?.items) continue;
    const at = (key: string, pair: { keyNode?: YamlNode; value?: YamlNode } | undefined, extra: (string | number)[] = []) =>
      locatePair(file, pair, context, [...container.keyPath, 'securityContext', key, ...extra]);

    const privileged = yamlPair(context, 'privileged', doc);
    if (privileged && yamlIsTrue(privileged.value))
      report({ messageId: 'privileged', at: at('privileged', privileged), data: { container: container.name, workload }, severity: 'critical' });

    const escalation = yamlPair(context, 'allowPrivilegeEscalation', doc);
    if (escalation && yamlIsTrue(escalation.value) && !(privileged && yamlIsTrue(privileged.value)))
      report({ messageId: 'privilegeEscalation', at: at('allowPrivilegeEscalation', escalation), data: { container: container.name, workload }, severity: 'medium' });

    const root = rootSetting(context, doc);
    if (root)
      report({
        messageId: 'runsAsRoot',
        at: at(root.setting.split(':')[0], root.pair),
        data: { subject: `Container \`${container.name}\``, workload, setting: root.setting },
        severity: 'medium',
      });

    const add = yamlGet(yamlGet(context, 'capabilities', doc), 'add', doc);
    for (const [index, item] of seqItems(add, doc).entries()) {
      const capability = yamlScalar(item)?.toUpperCase().replace(/^CAP_/, '');
      if (!capability || !DANGEROUS_CAPABILITIES.has(capability)) continue;
      report({
        messageId: 'dangerousCapability',
        at: { ...file.locateOffsets(item.range?.[0] ?? 0, item.range?.[1] ?? 0), keyPath: [...container.keyPath, 'securityContext', 'capabilities', 'add', index] },
        data: { container: container.name, workload, capability },
        ...(capability === 'ALL' || capability === 'SYS_ADMIN' ? { severity: 'critical' as const } : {}),
      });
    }
  }
}

/** `runAsUser: 0` or `runAsNonRoot: false` in a security context. */
function rootSetting(context: YamlNode | undefined, doc: unknown): { setting: string; pair: { keyNode?: YamlNode; value?: YamlNode } } | undefined {
  if (!context?.items) return undefined;
  const user = yamlPair(context, 'runAsUser', doc);
  if (user && yamlScalar(user.value) === '0') return { setting: 'runAsUser: 0', pair: user };
  const nonRoot = yamlPair(context, 'runAsNonRoot', doc);
  if (nonRoot && (nonRoot.value as { value?: unknown } | undefined)?.value === false) {
    // `runAsNonRoot: false` with a non-zero runAsUser is not root.
    if (user && yamlScalar(user.value) !== '0') return undefined;
    return { setting: 'runAsNonRoot: false', pair: nonRoot };
  }
  return undefined;
}
