import { composeServices, locateValue, parseImageRef } from '../../facts/compose.ts';
import { seqItems, yamlGet, yamlIsTrue, yamlPair, yamlScalar, locatePair } from '../../facts/yaml-nodes.ts';
import { defineRule } from '../../model/rule.ts';

/** Capabilities that amount to root on the host (or on its network). */
const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'SYS_RAWIO', 'BPF']);
const DOCKER_SOCKET = /^(?:\/var)?\/run\/docker\.sock$/;
/** Images whose whole purpose is to filter the Docker API for other services: mounting the socket there is the fix. */
const SOCKET_PROXIES = new Set(['docker-socket-proxy', 'socket-proxy', 'docker-proxy']);

export default defineRule({
  meta: {
    id: 'compose-privileged-container',
    category: 'security',
    title: 'Compose service with host-level privileges',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['compose'],
    scorecard: 'Configuration',
    effortHours: 1,
    messages: {
      privileged: 'Service `{{service}}` in {{file}} runs with `privileged: true`, which gives it every capability and all host devices.',
      dangerousCapability: 'Service `{{service}}` in {{file}} adds the `{{capability}}` capability.',
      hostNamespace: 'Service `{{service}}` in {{file}} shares the host\'s {{namespace}} namespace (`{{setting}}`).',
      dockerSocket: 'Service `{{service}}` in {{file}} mounts the Docker socket `{{source}}`, which gives it root on the host.',
      unconfined: 'Service `{{service}}` in {{file}} turns off the kernel sandbox with `security_opt: {{option}}`.',
    },
    why: [
      'A container is isolated from its host only by namespaces, dropped capabilities and seccomp/AppArmor profiles. `privileged: true`, `cap_add: [SYS_ADMIN]` or an unconfined profile remove that isolation: a remote code execution bug in the service (a vulnerable dependency, an SSRF to a debug endpoint) becomes code execution as root on the server, with access to every other container, volume and secret on it.',
      '',
      'Mounting `/var/run/docker.sock` is the same as giving root: anyone who can talk to the Docker API can start a privileged container that mounts `/` — read-only mounts of the socket do not change that. `network_mode: host` lets the service reach services bound to the host\'s localhost and bypasses published-port rules; `pid: host` lets it see and signal every process of the host.',
    ].join('\n'),
    fix: [
      'Remove the privilege, and add back only the single capability the process needs. Services that need the Docker API (Traefik, a CI runner, Watchtower) should talk to a filtering proxy that allows only the calls they need, never to the socket itself.',
      '',
      '```yaml',
      'services:',
      '  api:',
      '    build: .',
      '    cap_drop: [ALL]',
      '    cap_add: [NET_BIND_SERVICE]   # only if it binds a port below 1024',
      '    security_opt: [no-new-privileges:true]',
      '    read_only: true',
      '  socket-proxy:',
      '    image: tecnativa/docker-socket-proxy:0.3.0',
      '    environment: { CONTAINERS: 1 }   # read-only container listing, nothing else',
      '    volumes: [/var/run/docker.sock:/var/run/docker.sock:ro]',
      '  traefik:',
      '    image: traefik:v3.1',
      '    command: --providers.docker.endpoint=tcp://socket-proxy:2375',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'docker-compose.yml': 'services:\n  worker:\n    build: .\n    privileged: true\n',
      },
      good: {
        'docker-compose.yml': 'services:\n  worker:\n    build: .\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n',
      },
    },
    references: {
      cwe: [250, 269],
      owasp: ['A05:2021'],
      urls: ['https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities', 'https://docs.docker.com/engine/security/#docker-daemon-attack-surface'],
      equivalents: ['semgrep:yaml.docker-compose.security.privileged-service', 'semgrep:yaml.docker-compose.security.exposing-docker-socket-volume', 'semgrep:yaml.docker-compose.security.seccomp-confinement-disabled'],
    },
  },
  check({ files, report }) {
    for (const service of composeServices(files, { containing: ['privileged', 'cap_add', 'network_mode', 'pid', 'ipc', 'docker.sock', 'security_opt'] })) {
      const { doc, file, name } = service;
      const keyPath = (...rest: (string | number)[]) => ['services', name, ...rest];
      const data = { service: name, file: file.path };

      const privileged = yamlPair(service.node, 'privileged', doc);
      if (privileged?.value && yamlIsTrue(privileged.value)) report({ messageId: 'privileged', at: locatePair(file, privileged, service.node, keyPath('privileged')), data });

      seqItems(yamlGet(service.node, 'cap_add', doc), doc).forEach((item, i) => {
        const capability = yamlScalar(item)?.toUpperCase().replace(/^CAP_/, '');
        if (!capability || !DANGEROUS_CAPS.has(capability)) return;
        report({
          messageId: 'dangerousCapability',
          at: locateValue(file, item, keyPath('cap_add', i)),
          data: { ...data, capability },
          ...(capability === 'NET_ADMIN' || capability === 'SYS_PTRACE' ? { severity: 'medium' as const } : {}),
        });
      });

      for (const [key, namespace] of [['network_mode', 'network'], ['pid', 'process'], ['ipc', 'IPC'], ['userns_mode', 'user']] as const) {
        const pair = yamlPair(service.node, key, doc);
        if (yamlScalar(pair?.value) !== 'host') continue;
        report({
          messageId: 'hostNamespace',
          at: locatePair(file, pair, service.node, keyPath(key)),
          data: { ...data, namespace, setting: `${key}: host` },
          ...(key === 'network_mode' || key === 'ipc' ? { severity: 'medium' as const } : {}),
        });
      }

      const image = parseImageRef(yamlScalar(yamlGet(service.node, 'image', doc)) ?? '');
      if (!SOCKET_PROXIES.has(image.base)) {
        seqItems(yamlGet(service.node, 'volumes', doc), doc).forEach((item, i) => {
          const short = yamlScalar(item);
          const sourceNode = short !== undefined ? item : yamlGet(item, 'source', doc);
          const source = short !== undefined ? short.split(':')[0] : yamlScalar(sourceNode);
          if (!source || !sourceNode || !DOCKER_SOCKET.test(source.replace(/\/+$/, ''))) return;
          const at = locateValue(file, sourceNode, short !== undefined ? keyPath('volumes', i) : keyPath('volumes', i, 'source'));
          report({ messageId: 'dockerSocket', at, data: { ...data, source }, severity: 'critical' });
        });
      }

      seqItems(yamlGet(service.node, 'security_opt', doc), doc).forEach((item, i) => {
        const option = yamlScalar(item)?.replace(/\s+/g, '');
        if (!option || !/^(?:seccomp|apparmor|label)[:=](?:unconfined|disable)$/i.test(option)) return;
        report({ messageId: 'unconfined', at: locateValue(file, item, keyPath('security_opt', i)), data: { ...data, option } });
      });
    }
  },
});
