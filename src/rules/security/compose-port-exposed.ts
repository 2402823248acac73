import { composeServices, isDevComposeFile, locateValue, parseImageRef } from '../../facts/compose.ts';
import { seqItems, yamlGet, yamlScalar } from '../../facts/yaml-nodes.ts';
import type { Severity } from '../../model/rule.ts';
import { defineRule } from '../../model/rule.ts';

/** Image names (last path segment) of data stores, caches and brokers: never meant to face the internet. */
const DATA_STORES = new Map<string, string>(
  Object.entries({
    postgres: 'PostgreSQL', postgis: 'PostgreSQL', 'timescaledb': 'PostgreSQL', 'pgvector': 'PostgreSQL', 'timescaledb-ha': 'PostgreSQL', postgresql: 'PostgreSQL',
    mysql: 'MySQL', mariadb: 'MariaDB', 'mysql-server': 'MySQL', percona: 'MySQL', mongo: 'MongoDB', mongodb: 'MongoDB', 'mongodb-community-server': 'MongoDB',
    redis: 'Redis', 'redis-stack': 'Redis', 'redis-stack-server': 'Redis', valkey: 'Valkey', keydb: 'KeyDB', dragonfly: 'Dragonfly', memcached: 'Memcached',
    elasticsearch: 'Elasticsearch', opensearch: 'OpenSearch', rabbitmq: 'RabbitMQ', kafka: 'Kafka', 'cp-kafka': 'Kafka', zookeeper: 'ZooKeeper', 'cp-zookeeper': 'ZooKeeper',
    nats: 'NATS', qdrant: 'Qdrant', weaviate: 'Weaviate', chroma: 'Chroma', milvus: 'Milvus', minio: 'MinIO', cassandra: 'Cassandra', couchdb: 'CouchDB',
    neo4j: 'Neo4j', clickhouse: 'ClickHouse', 'clickhouse-server': 'ClickHouse', influxdb: 'InfluxDB', cockroach: 'CockroachDB', etcd: 'etcd', mssql: 'SQL Server', 'mssql-server': 'SQL Server',
  }),
);
/** Container ports of data stores, for services built from a local Dockerfile or a custom image. */
const DATA_STORE_PORTS = new Map<number, string>([
  [5432, 'PostgreSQL'], [3306, 'MySQL'], [27017, 'MongoDB'], [6379, 'Redis'], [11211, 'Memcached'], [9200, 'Elasticsearch'], [9300, 'Elasticsearch'],
  [5672, 'RabbitMQ'], [15672, 'RabbitMQ management'], [9092, 'Kafka'], [2181, 'ZooKeeper'], [6333, 'Qdrant'], [6334, 'Qdrant'], [7687, 'Neo4j'],
  [9042, 'Cassandra'], [5984, 'CouchDB'], [8086, 'InfluxDB'], [26257, 'CockroachDB'], [2379, 'etcd'], [1433, 'SQL Server'], [4222, 'NATS'],
]);
/** Admin consoles for data stores: a login page on the internet, lower than the store itself. */
const ADMIN_TOOLS = new Map<string, string>(
  Object.entries({
    adminer: 'Adminer', pgadmin4: 'pgAdmin', phpmyadmin: 'phpMyAdmin', 'mongo-express': 'mongo-express', 'redis-commander': 'Redis Commander',
    redisinsight: 'RedisInsight', kibana: 'Kibana', 'kafka-ui': 'Kafka UI', 'opensearch-dashboards': 'OpenSearch Dashboards',
  }),
);

interface Publication {
  /** As written, for the message. */
  text: string;
  hostIp?: string;
  published?: string;
  target?: number;
}

export default defineRule({
  meta: {
    id: 'compose-port-exposed',
    category: 'security',
    title: 'Database or cache port published on all interfaces',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['compose'],
    scorecard: 'Configuration',
    effortHours: 0.25,
    fixScope: 'file',
    fixTitle: 'Bind data-store ports to localhost or the internal network',
    messages: {
      dataStorePort: 'Service `{{service}}` ({{store}}) in {{file}} publishes port `{{port}}` on every network interface of the host.',
      adminConsolePort: 'Service `{{service}}` ({{store}}) in {{file}} publishes its admin console on port `{{port}}` on every network interface of the host.',
    },
    why: [
      '`ports: ["5432:5432"]` binds the port on `0.0.0.0`: on a server, the database, cache or broker is reachable from the internet, not only from the other containers. Docker writes its own iptables rules, so a host firewall such as `ufw` does **not** block it. Exposed Redis, MongoDB, Elasticsearch and PostgreSQL instances are found by scanners within hours and are routinely wiped for ransom or used to run code (Redis `CONFIG SET dir`, PostgreSQL `COPY … FROM PROGRAM`), often with the default credentials of the compose file.',
      '',
      'Other services reach a data store over the compose network by its service name without any published port.',
      '',
      'Development files (`docker-compose.override.yml`, `*.dev.yml`, `*.local.yml`) are reported at low severity: a laptop on a shared network is exposed too, but only a developer\'s data is at stake. Compose files for tests and CI are not checked.',
    ].join('\n'),
    fix: [
      'Remove the `ports:` entry: containers on the same compose network connect to `db:5432` without it. When you need the port from the host (a local GUI, migrations), bind it to the loopback interface only.',
      '',
      '```yaml',
      'services:',
      '  api:',
      '    build: .',
      '    environment:',
      '      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD:?}@db:5432/app',
      '  db:',
      '    image: postgres:16.4',
      '    expose: ["5432"]            # documentation only: reachable from the compose network',
      '    ports:',
      '      - "127.0.0.1:5432:5432"   # from this host only, if you need it at all',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'docker-compose.yml': 'services:\n  cache:\n    image: redis:7.4\n    ports:\n      - "6379:6379"\n',
      },
      good: {
        'docker-compose.yml': 'services:\n  cache:\n    image: redis:7.4\n    ports:\n      - "127.0.0.1:6379:6379"\n',
      },
    },
    references: {
      cwe: [668, 284],
      owasp: ['A05:2021'],
      urls: ['https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw', 'https://docs.docker.com/reference/compose-file/services/#ports'],
      equivalents: [],
    },
  },
  check({ files, report }) {
    for (const service of composeServices(files, { containing: ['ports'] })) {
      const { doc, file, name } = service;
      const image = parseImageRef(yamlScalar(yamlGet(service.node, 'image', doc)) ?? '');
      const imageStore = DATA_STORES.get(image.base) ?? DATA_STORES.get(image.base.replace(/^bitnami-/, ''));
      const adminTool = ADMIN_TOOLS.get(image.base);
      const dev = isDevComposeFile(file);
      seqItems(yamlGet(service.node, 'ports', doc), doc).forEach((item, i) => {
        const publication = parsePublication(yamlScalar(item), item, doc);
        if (!publication || !exposedOnAllInterfaces(publication)) return;
        const portStore = publication.target !== undefined ? DATA_STORE_PORTS.get(publication.target) : undefined;
        let messageId: 'dataStorePort' | 'adminConsolePort';
        let store: string;
        let severity: Severity;
        if (adminTool) [messageId, store, severity] = ['adminConsolePort', adminTool, 'medium'];
        else if (imageStore && (publication.target === 15672 || (imageStore === 'MinIO' && publication.target === 9001)))
          [messageId, store, severity] = ['adminConsolePort', `${imageStore} console`, 'medium'];
        else if (imageStore) [messageId, store, severity] = ['dataStorePort', imageStore, 'high'];
        // A built or unknown image on a data-store port: the store is probably inside, a little less certain.
        else if (portStore && !yamlGet(service.node, 'image', doc)) [messageId, store, severity] = ['dataStorePort', portStore, 'high'];
        else return;
        report({
          messageId,
          at: locateValue(file, item, ['services', name, 'ports', i]),
          data: { service: name, store, file: file.path, port: publication.text },
          ...(dev ? { severity: 'low' as const } : severity !== 'high' ? { severity } : {}),
          ...(!imageStore && !adminTool ? { confidence: 'medium' as const } : {}),
        });
      });
    }
  },
});

/** `"5432"`, `"5432:5432"`, `"0.0.0.0:5432:5432/tcp"`, `"[::1]:5432:5432"`, or the long form `{ target, published, host_ip }`. */
function parsePublication(short: string | undefined, node: unknown, doc: unknown): Publication | undefined {
  if (short !== undefined) {
    const text = short.trim();
    // `${BIND_ADDR:-127.0.0.1}` holds colons of its own: keep it as one `$` word.
    const withoutProto = text.replace(/\$\{[^}]*\}/g, '$VAR').replace(/\/(?:tcp|udp|sctp)$/i, '');
    let hostIp: string | undefined;
    let rest = withoutProto;
    const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest);
    if (v6) [hostIp, rest] = [v6[1], v6[2]];
    const parts = rest.split(':');
    if (!v6 && parts.length === 3) hostIp = parts.shift();
    const target = Number.parseInt(parts[parts.length - 1], 10);
    return { text, hostIp, published: parts.length > 1 ? parts[0] : undefined, target: Number.isFinite(target) ? target : undefined };
  }
  const target = Number.parseInt(yamlScalar(yamlGet(node, 'target', doc)) ?? '', 10);
  if (!Number.isFinite(target)) return undefined;
  const hostIp = yamlScalar(yamlGet(node, 'host_ip', doc));
  const published = yamlScalar(yamlGet(node, 'published', doc));
  return { text: `${hostIp ? `${hostIp}:` : ''}${published ?? ''}${published ? ':' : ''}${target}`, hostIp, published, target };
}

/** No host address, `0.0.0.0` or `::`: every interface. A variable (`${BIND_ADDR}`) is left to the deployer. */
function exposedOnAllInterfaces(p: Publication): boolean {
  if (p.hostIp === undefined || p.hostIp === '') return true;
  if (p.hostIp.includes('$')) return false;
  return p.hostIp === '0.0.0.0' || p.hostIp === '::' || p.hostIp === '*';
}
