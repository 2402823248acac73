/**
 * How the repository is built and run in production, read from its configuration: container
 * images (Dockerfiles, with their final stage's user, base, health check and command),
 * compose stacks (development or production), platforms and orchestrators (Kubernetes, Helm,
 * kustomize, ECS, Nomad, Swarm, Fly, Render, Railway, Heroku, Vercel, Netlify, Cloud Run,
 * App Engine, Elastic Beanstalk, DigitalOcean, Azure, serverless, Terraform, Pulumi,
 * CloudFormation, Kamal), replicas and autoscaling, load balancers, health probes and the
 * commands that start the app.
 */
import type { Location } from '../../model/finding.ts';
import type { DockerInstruction, ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';
import { hclAttributes, hclBlocks } from '../../parse/hcl-blocks.ts';
import { composeDevSigns, composeServices, isDevComposeFile, parseImageRef, unpinnedReason, type ComposeService } from '../compose.ts';
import { composeBuildContexts, dockerStages, finalStageUser, instructionWords, isDevelopmentDockerfile, PRIVILEGE_DROP, type StageUser } from '../dockerfile-stages.ts';
import { normalisePath } from '../repo-paths.ts';
import { describeWorkload, kubernetesObjects, podSpecOf, type KubeObject } from '../kubernetes.ts';
import { seqItems, yamlEntries, yamlGet, yamlPair, yamlPath, yamlScalar, type YamlNode } from '../yaml-nodes.ts';
import { baseName, dirOf, signalAt, signalOfFile, sortSignals, type Signal } from './signals.ts';

/** Files that describe a production deployment other than compose. */
const DEPLOYMENT_CONFIG =
  /(^|\/)(render\.ya?ml|fly\.toml|railway\.(json|toml)|app\.ya?ml|Procfile|vercel\.json|netlify\.toml|serverless\.ya?ml|Chart\.ya?ml|[^/]*task-definition[^/]*\.json|[^/]*\.tf|docker-stack[^/]*\.ya?ml|compose\.prod[^/]*\.ya?ml|docker-compose\.prod[^/]*\.ya?ml|[^/]*\.nomad|skaffold\.ya?ml|kustomization\.ya?ml|\.platform\.app\.yaml|appspec\.ya?ml|cloudbuild\.ya?ml)$/;

/** Is this file a deployment definition other than compose (a PaaS config, a chart, Terraform …)? */
export function isDeploymentConfigPath(path: string): boolean {
  return DEPLOYMENT_CONFIG.test(path);
}

// ---- model ----

export interface DockerfileFact {
  file: ParsedFile;
  /** `Dockerfile.dev`, `.devcontainer/`: built on a developer's machine, not shipped. */
  development: boolean;
  stages: number;
  /** The final stage's `FROM` line and base image. */
  from: Location;
  base: string;
  /** Why the base floats (`no tag`, `latest`), undefined when pinned. */
  unpinned?: string;
  /** Who the final stage runs as. */
  user: 'non-root' | 'root' | 'default-root';
  userAt?: Location;
  /** The final stage's `HEALTHCHECK` (not `NONE`). */
  healthcheck?: Location;
  /** The path the HEALTHCHECK requests, when it requests one (`/healthz`). */
  healthcheckPath?: string;
  /** `EXPOSE`, `CMD` or `ENTRYPOINT` in the final stage: the image runs a server or a process. */
  runs: boolean;
}

export type StartServer =
  | 'gunicorn'
  | 'uvicorn'
  | 'hypercorn'
  | 'daphne'
  | 'granian'
  | 'waitress'
  | 'uwsgi'
  | 'flask-dev'
  | 'django-dev'
  | 'python'
  | 'node'
  | 'next'
  | 'npm'
  | 'pm2'
  | 'ts-node'
  | 'other';

/** A command that starts the app (or a release step) in some deployment definition. */
export interface Entrypoint {
  source: 'dockerfile' | 'procfile' | 'compose' | 'kubernetes' | 'fly' | 'render' | 'railway' | 'app-engine' | 'heroku' | 'package-json';
  command: string;
  at: Location;
  /** Dockerfile shell form (`CMD uvicorn app:app`): `/bin/sh -c` is PID 1 and does not pass SIGTERM on. */
  shellForm?: boolean;
  server?: StartServer;
  /** `--workers 4`, `-w 4`, `WEB_CONCURRENCY`. */
  workers?: number;
  /** `--graceful-timeout`, `--timeout-graceful-shutdown`. */
  gracefulTimeout?: boolean;
  /** A script the command runs (`./docker-entrypoint.sh`), when it is in the repository. */
  script?: string;
  /** A release / pre-deploy step (Procfile `release:`, fly `release_command`, render `preDeployCommand`). */
  release?: boolean;
}

export type PlatformKind =
  | 'kubernetes'
  | 'helm'
  | 'kustomize'
  | 'ecs'
  | 'nomad'
  | 'docker-swarm'
  | 'compose-production'
  | 'fly'
  | 'render'
  | 'railway'
  | 'heroku'
  | 'vercel'
  | 'netlify'
  | 'cloud-run'
  | 'app-engine'
  | 'elastic-beanstalk'
  | 'digitalocean'
  | 'azure'
  | 'serverless'
  | 'kamal'
  | 'terraform'
  | 'pulumi'
  | 'cloudformation'
  | 'app-runner';

/** Platforms that run, restart and route traffic to the app themselves. */
export const MANAGED_PLATFORMS: ReadonlySet<PlatformKind> = new Set(['fly', 'render', 'railway', 'heroku', 'vercel', 'netlify', 'cloud-run', 'app-engine', 'elastic-beanstalk', 'digitalocean', 'azure', 'serverless', 'app-runner']);
/** Orchestrators that schedule containers over machines. */
export const ORCHESTRATORS: ReadonlySet<PlatformKind> = new Set(['kubernetes', 'helm', 'kustomize', 'ecs', 'nomad', 'docker-swarm', 'kamal']);
/** Platforms that build the app from source (buildpacks, functions): no image needed. */
export const BUILDS_FROM_SOURCE: ReadonlySet<PlatformKind> = new Set(['heroku', 'vercel', 'netlify', 'app-engine', 'serverless', 'render', 'railway', 'elastic-beanstalk', 'digitalocean', 'azure']);

export interface PlatformFact extends Signal {
  kind: PlatformKind;
}

export interface ScalingFact {
  platform: PlatformKind | 'compose';
  /** "Deployment `api`", "service `web`". */
  target: string;
  /** The workload's name, to match an autoscaler to what it scales. */
  name?: string;
  /** For autoscalers: the name of the workload they scale. */
  scaleTarget?: string;
  at: Location;
  /** A fixed number of instances. */
  replicas?: number;
  /** Autoscaling range. */
  min?: number;
  max?: number;
  autoscaling: boolean;
  /** The platform scales by default (Cloud Run, functions) rather than by configuration in the repo. */
  byDefault?: boolean;
}

export interface ComposeFact {
  file: ParsedFile;
  /** Development stack: an override/dev file, or services that run dev servers or mount the source. */
  development: boolean;
  /** Reasons it is a development stack. */
  devSigns: string[];
  /** Services with `restart:` or `deploy:`: meant to keep running on a host. */
  production: boolean;
  services: ComposeService[];
  /** Services that run a known data store image (postgres, mysql, mongo …), with the volume that keeps their data. */
  datastores: { service: ComposeService; engine: string; image: string; volume?: string; at: Location }[];
  /** Services built from the repository (`build:`): the app itself. */
  built: { service: ComposeService; context: string; dockerfile: string; at: Location }[];
}

export interface DeploymentFacts {
  dockerfiles: DockerfileFact[];
  compose: ComposeFact[];
  platforms: PlatformFact[];
  scaling: ScalingFact[];
  loadBalancers: Signal[];
  /** Probes that check the app is alive or ready (Docker HEALTHCHECK, Kubernetes probes, platform health checks). */
  probes: (Signal & { path?: string })[];
  entrypoints: Entrypoint[];
  /** Terraform, CloudFormation or other declarations of managed databases, with their backup settings. */
  managedDatabases: (Signal & { engine: string; backupRetention?: number; pointInTimeRecovery?: boolean })[];
  /** Kubernetes workload objects seen (for the rows' notes). */
  workloads: KubeObject[];
}

// ---- reading ----

const DATASTORE_IMAGE: [RegExp, string][] = [
  [/^(?:.*\/)?(?:postgres|postgis|timescaledb|pgvector|supabase\/postgres)$/, 'PostgreSQL'],
  [/^(?:.*\/)?(?:mysql|mariadb|percona)$/, 'MySQL'],
  [/^(?:.*\/)?(?:mongo|mongodb|mongodb-community-server)$/, 'MongoDB'],
  [/^(?:.*\/)?(?:elasticsearch|opensearch)$/, 'Elasticsearch'],
  [/^(?:.*\/)?(?:qdrant|weaviate|milvus|chroma|chromadb)$/, 'vector database'],
  [/^(?:.*\/)?(?:cassandra|scylla|couchdb|neo4j|clickhouse-server|clickhouse|influxdb|minio)$/, 'data store'],
];

export function readDeployment(files: ParsedFiles): DeploymentFacts {
  const facts: DeploymentFacts = { dockerfiles: [], compose: [], platforms: [], scaling: [], loadBalancers: [], probes: [], entrypoints: [], managedDatabases: [], workloads: [] };
  readDockerfiles(files, facts);
  readCompose(files, facts);
  readKubernetes(files, facts);
  readHelm(files, facts);
  readPaasConfigs(files, facts);
  readInfrastructureAsCode(files, facts);
  readProxyConfigs(files, facts);
  readPackageStart(files, facts);
  facts.platforms = sortSignals(facts.platforms);
  facts.loadBalancers = sortSignals(facts.loadBalancers);
  facts.probes = sortSignals(facts.probes);
  facts.managedDatabases = sortSignals(facts.managedDatabases);
  facts.scaling.sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
  facts.entrypoints.sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
  return facts;
}

function readDockerfiles(files: ParsedFiles, facts: DeploymentFacts): void {
  for (const file of files.ofKind('dockerfile', { includeTests: false })) {
    const stages = dockerStages(file);
    const final = stages[stages.length - 1];
    if (!final) continue;
    const development = isDevelopmentDockerfile(file.path);
    const user: StageUser = PRIVILEGE_DROP.test(file.text) ? { kind: 'nonRoot' } : finalStageUser(stages, final);
    const healthcheck = [...final.instructions].reverse().find((i) => i.keyword === 'HEALTHCHECK');
    const disabled = healthcheck && /^\s*HEALTHCHECK\s+NONE\b/i.test(healthcheck.text);
    const keywords = new Set(final.instructions.map((i) => i.keyword));
    const fact: DockerfileFact = {
      file,
      development,
      stages: stages.length,
      from: file.locateLines(final.from.startLine, final.from.endLine),
      base: resolveBase(stages.map((s) => s.image), final.image, file),
      unpinned: undefined,
      user: user.kind === 'nonRoot' ? 'non-root' : user.kind === 'root' ? 'root' : 'default-root',
      ...(user.kind !== 'default' && user.at ? { userAt: file.locateLines(user.at.startLine, user.at.endLine) } : {}),
      runs: keywords.has('CMD') || keywords.has('ENTRYPOINT') || keywords.has('EXPOSE'),
    };
    const isStage = stages.slice(0, final.index).some((s) => s.alias === final.image.toLowerCase());
    if (!isStage && fact.base.toLowerCase() !== 'scratch') fact.unpinned = unpinnedReason(fact.base);
    if (healthcheck && !disabled) {
      fact.healthcheck = file.locateLines(healthcheck.startLine, healthcheck.endLine);
      fact.healthcheckPath = urlPath(healthcheck.text);
      if (!development) facts.probes.push({ ...signalAt(file, 'docker-healthcheck', `Docker HEALTHCHECK in ${file.path}${fact.healthcheckPath ? ` (${fact.healthcheckPath})` : ''}`, healthcheck.startLine, healthcheck.endLine), ...(fact.healthcheckPath ? { path: fact.healthcheckPath } : {}) });
    }
    facts.dockerfiles.push(fact);
    if (development) continue;
    const entry = [...final.instructions].reverse().find((i) => i.keyword === 'ENTRYPOINT');
    const cmd = [...final.instructions].reverse().find((i) => i.keyword === 'CMD');
    const start = entry ?? cmd;
    if (start) facts.entrypoints.push(dockerEntrypoint(file, start, entry && cmd ? cmd : undefined, files));
  }
}

/** The base image with `ARG` defaults substituted (`FROM python:${PY}` → `python:3.12-slim`). */
function resolveBase(_all: string[], image: string, file: ParsedFile): string {
  const args = new Map<string, string>();
  for (const ins of file.dockerfile ?? []) {
    if (ins.keyword !== 'ARG' || ins.stage !== -1) continue;
    const m = /^\s*ARG\s+([A-Za-z_]\w*)=(\S+)/i.exec(ins.text);
    if (m) args.set(m[1], m[2].replace(/^["']|["']$/g, ''));
  }
  return image.replace(/\$\{?([A-Za-z_]\w*)(?::?-([^}]*))?\}?/g, (whole, name: string, fallback?: string) => args.get(name) ?? fallback ?? whole);
}

function dockerEntrypoint(file: ParsedFile, start: DockerInstruction, cmd: DockerInstruction | undefined, files: ParsedFiles): Entrypoint {
  const shellForm = !/^\s*(ENTRYPOINT|CMD)\s+\[/i.test(start.text);
  const words = instructionWords(start);
  const extra = cmd ? instructionWords(cmd) : [];
  let command = [...words, ...extra].join(' ');
  if (shellForm) command = start.text.replace(/^\s*(ENTRYPOINT|CMD)\s+/i, '').replace(/\\\r?\n\s*/g, ' ').trim();
  const entry: Entrypoint = { source: 'dockerfile', command, at: file.locateLines(start.startLine, start.endLine), shellForm, ...describeCommand(command) };
  const script = scriptIn(command, dirOf(file.path), files);
  if (script) entry.script = script;
  return entry;
}

/** What server a start command runs, with how many workers and whether it sets a graceful timeout. */
export function describeCommand(command: string): Pick<Entrypoint, 'server' | 'workers' | 'gracefulTimeout'> {
  const c = command.replace(/\s+/g, ' ');
  let server: StartServer | undefined;
  if (/\bgunicorn\b/.test(c)) server = 'gunicorn';
  else if (/\buvicorn\b/.test(c)) server = 'uvicorn';
  else if (/\bhypercorn\b/.test(c)) server = 'hypercorn';
  else if (/\bdaphne\b/.test(c)) server = 'daphne';
  else if (/\bgranian\b/.test(c)) server = 'granian';
  else if (/\bwaitress-serve\b/.test(c)) server = 'waitress';
  else if (/\buwsgi\b/.test(c)) server = 'uwsgi';
  else if (/\bflask\s+run\b|\bfastapi\s+dev\b/.test(c)) server = 'flask-dev';
  else if (/\bfastapi\s+run\b/.test(c)) server = 'uvicorn';
  else if (/\bmanage\.py\s+runserver\b/.test(c)) server = 'django-dev';
  else if (/\bnext\s+start\b/.test(c)) server = 'next';
  else if (/\bpm2(-runtime)?\b/.test(c)) server = 'pm2';
  else if (/\bts-node\b|\btsx\b/.test(c)) server = 'ts-node';
  else if (/\b(npm|yarn|pnpm)\s+(run\s+)?start\b/.test(c)) server = 'npm';
  else if (/(^|\s|\/)node\s/.test(c) || /^node$/.test(c.trim())) server = 'node';
  else if (/(^|\s|\/)python[\d.]*\s+(-u\s+)?(?!-m\s+(gunicorn|uvicorn))\S+\.py\b|python[\d.]*\s+-m\s+(?!gunicorn|uvicorn|hypercorn)[\w.]+/.test(c)) server = 'python';
  const workers = /(?:--workers|-w)[=\s]+(\d+)/.exec(c) ?? /WEB_CONCURRENCY=(\d+)/.exec(c) ?? /(?:pm2(?:-runtime)?\b.*?)(?:-i|--instances)\s+(\d+)/.exec(c);
  const gracefulTimeout = /--graceful-timeout\b|--timeout-graceful-shutdown\b|--graceful_timeout\b/.test(c);
  return { ...(server ? { server } : {}), ...(workers ? { workers: Number(workers[1]) } : {}), ...(gracefulTimeout ? { gracefulTimeout } : {}) };
}

/** A shell script the command runs (`./docker-entrypoint.sh`, `bin/start.sh`), when the repository has it. */
function scriptIn(command: string, dir: string, files: ParsedFiles): string | undefined {
  for (const word of command.split(/\s+/)) {
    const m = /^(?:\.\/)?([\w./-]+\.sh)$/.exec(word) ?? /^(?:\.\/)?((?:bin|scripts?)\/[\w.-]+)$/.exec(word);
    if (!m) continue;
    const rel = m[1].replace(/^\//, '');
    const candidates = [dir ? `${dir}/${rel}` : rel, rel, `${dir ? `${dir}/` : ''}${baseName(rel)}`];
    const found = candidates.find((c) => files.get(c));
    if (found) return found;
    const byName = files.all.find((f) => baseName(f.path) === baseName(rel) && !f.isTest);
    if (byName) return byName.path;
  }
  return undefined;
}

/** `http://127.0.0.1:8000/healthz` in a command → `/healthz`. */
function urlPath(text: string): string | undefined {
  const m = /https?:\/\/[^/\s'"]+(\/[\w./-]*)/.exec(text);
  return m && m[1] !== '/' ? m[1] : undefined;
}

// ---- compose ----

function readCompose(files: ParsedFiles, facts: DeploymentFacts): void {
  const byFile = new Map<ParsedFile, ComposeService[]>();
  for (const service of composeServices(files)) byFile.set(service.file, [...(byFile.get(service.file) ?? []), service]);
  const contexts = composeBuildContexts(files);
  for (const [file, services] of byFile) {
    const devSigns = services.flatMap((s) => composeDevSigns(s).map((sign) => `\`${s.name}\` ${sign}`));
    const development = isDevComposeFile(file) || devSigns.length > 0;
    const production = !development && (services.some((s) => yamlGet(s.node, 'restart', s.doc) || yamlGet(s.node, 'deploy', s.doc)) || /(^|[.-])prod(uction)?([.-]|$)/i.test(baseName(file.path)));
    const fact: ComposeFact = { file, development, devSigns, production, services, datastores: [], built: [] };
    for (const service of services) {
      const image = yamlScalar(yamlGet(service.node, 'image', service.doc));
      const build = yamlGet(service.node, 'build', service.doc);
      const serviceAt = serviceLocation(service);
      if (image && !build) {
        const ref = parseImageRef(image);
        const engine = DATASTORE_IMAGE.find(([re]) => re.test(ref.name.toLowerCase()))?.[1];
        if (engine) {
          const volumes = seqItems(yamlGet(service.node, 'volumes', service.doc), service.doc)
            .map((v) => yamlScalar(v) ?? yamlScalar(yamlGet(v, 'source', service.doc)) ?? '')
            .filter((v) => /:\/(var\/lib|data|bitnami|usr\/share\/elasticsearch\/data|qdrant\/storage)/.test(v) || (!v.includes(':') && v));
          fact.datastores.push({ service, engine, image, ...(volumes[0] ? { volume: volumes[0].split(':')[0] } : {}), at: serviceAt });
        }
      }
      const rawContext = yamlScalar(build) ?? yamlScalar(yamlGet(build, 'context', service.doc)) ?? '.';
      // A remote (git/URL) context, a variable or an inline Dockerfile cannot be checked against the repository.
      const checkable = !/^[a-z][a-z+.-]*:\/\/|^git@|\$/i.test(rawContext) && !yamlGet(build, 'dockerfile_inline', service.doc) && !/\$/.test(yamlScalar(yamlGet(build, 'dockerfile', service.doc)) ?? '');
      if (build && checkable) {
        const dir = dirOf(file.path);
        const context = rawContext.replace(/^\.\/?/, '').replace(/\/$/, '');
        const dockerfileName = yamlScalar(yamlGet(build, 'dockerfile', service.doc)) ?? 'Dockerfile';
        const joined = [dir, context].filter(Boolean).join('/');
        const dockerfile = [...contexts.keys()].find((k) => contexts.get(k) === normalisePath(joined) && baseName(k) === baseName(dockerfileName)) ?? normalisePath(`${joined ? `${joined}/` : ''}${dockerfileName}`);
        fact.built.push({ service, context: normalisePath(joined), dockerfile, at: serviceAt });
      }
      if (!fact.development) {
        const command = commandText(yamlGet(service.node, 'command', service.doc), service.doc);
        if (command && build) facts.entrypoints.push({ source: 'compose', command, at: serviceAt, ...describeCommand(command), ...(MIGRATE_COMMAND.test(command) ? { release: true } : {}) });
        const healthcheck = yamlGet(service.node, 'healthcheck', service.doc);
        if (healthcheck && build && yamlScalar(yamlGet(healthcheck, 'disable', service.doc)) !== 'true') {
          const test = commandText(yamlGet(healthcheck, 'test', service.doc), service.doc) ?? '';
          const path = urlPath(test);
          facts.probes.push({ ...signalAt(file, 'compose-healthcheck', `healthcheck of compose service \`${service.name}\`${path ? ` (${path})` : ''}`, file.position(healthcheck.range?.[0] ?? 0).line), ...(path ? { path } : {}) });
        }
        const deploy = yamlGet(service.node, 'deploy', service.doc);
        const replicas = Number(yamlScalar(yamlGet(deploy, 'replicas', service.doc)));
        const global = yamlScalar(yamlGet(deploy, 'mode', service.doc)) === 'global';
        if (deploy && (Number.isFinite(replicas) || global) && !fact.datastores.some((d) => d.service === service))
          facts.scaling.push({ platform: 'compose', target: `compose service \`${service.name}\``, at: serviceAt, ...(Number.isFinite(replicas) ? { replicas } : {}), autoscaling: false });
      }
    }
    // Traefik routes requests to services that carry its labels (the proxy itself may run in another stack).
    const routed = services.filter((svc) => /\btraefik\.(enable=true|http\.(routers|services)\.)/.test(JSON.stringify(seqItems(yamlGet(svc.node, 'labels', svc.doc), svc.doc).map((l) => yamlScalar(l)))) || yamlEntries(yamlGet(svc.node, 'labels', svc.doc), svc.doc).some((e) => /^traefik\.(enable|http\.)/.test(e.key)));
    if (!fact.development && routed.length) facts.loadBalancers.push(signalAt(file, 'reverse-proxy', `Traefik routes requests to ${routed.map((r) => `\`${r.name}\``).join(', ')} (labels in ${file.path})`, file.position(routed[0].keyNode?.range?.[0] ?? 0).line));
    if (fact.production) {
      const swarm = services.some((s) => yamlGet(s.node, 'deploy', s.doc)) && /stack|swarm/i.test(file.path);
      facts.platforms.push({ ...signalAt(file, swarm ? 'docker-swarm' : 'compose-production', swarm ? `Docker Swarm stack ${file.path}` : `production compose file ${file.path} (one host)`, 1), kind: swarm ? 'docker-swarm' : 'compose-production' });
      if (services.some((s) => /traefik|nginx|haproxy|caddy|envoy/.test(yamlScalar(yamlGet(s.node, 'image', s.doc)) ?? '')))
        facts.loadBalancers.push(signalAt(file, 'reverse-proxy', `reverse proxy service in ${file.path}`, 1));
    }
    facts.compose.push(fact);
  }
}

export const MIGRATE_COMMAND =
  /\b(alembic\s+(-c\s+\S+\s+)?upgrade|flask\s+db\s+upgrade|manage\.py\s+migrate|prisma\s+migrate\s+deploy|knex\s+migrate:latest|typeorm(-ts-node-\w+)?\s+migration:run|sequelize(-cli)?\s+db:migrate|yoyo\s+apply|flyway\s+(\S+\s+)*migrate|dbmate\s+(\S+\s+)*(up|migrate)|drizzle-kit\s+(migrate|push)|node-pg-migrate\s+up|aerich\s+upgrade|goose\s+(\S+\s+)*up|migrate\s+(\S+\s+)*up\b|(npm|yarn|pnpm)\s+(run\s+)?(db:)?migrat\w*)/;

function serviceLocation(service: ComposeService): Location {
  const start = service.keyNode?.range?.[0] ?? service.node.range?.[0] ?? 0;
  return { ...service.file.locateLines(service.file.position(start).line), keyPath: ['services', service.name] };
}

function commandText(node: YamlNode | undefined, doc: unknown): string | undefined {
  const scalar = yamlScalar(node);
  if (scalar !== undefined) return scalar;
  const items = seqItems(node, doc).map((i) => yamlScalar(i) ?? '');
  return items.length ? items.join(' ') : undefined;
}

// ---- Kubernetes ----

function readKubernetes(files: ParsedFiles, facts: DeploymentFacts): void {
  const objects = kubernetesObjects(files, { includeTests: false });
  for (const object of objects) {
    const { file, doc, root, kind } = object;
    const line = file.position(root.range?.[0] ?? 0).line;
    if (kind === 'HorizontalPodAutoscaler' || kind === 'ScaledObject') {
      const spec = yamlGet(root, 'spec', doc);
      const target = yamlScalar(yamlPath(spec, ['scaleTargetRef', 'name'], doc)) ?? '';
      const min = Number(yamlScalar(yamlGet(spec, kind === 'ScaledObject' ? 'minReplicaCount' : 'minReplicas', doc)) ?? (kind === 'ScaledObject' ? 0 : 1));
      const max = Number(yamlScalar(yamlGet(spec, kind === 'ScaledObject' ? 'maxReplicaCount' : 'maxReplicas', doc)) ?? 100);
      facts.scaling.push({ platform: 'kubernetes', target: `${kind} \`${object.name || target}\` → \`${target}\``, scaleTarget: target, at: file.locateLines(line), min, max, autoscaling: max > min });
      continue;
    }
    if (kind === 'Ingress' || kind === 'Gateway' || kind === 'HTTPRoute' || kind === 'VirtualService' || kind === 'IngressRoute') {
      facts.loadBalancers.push(signalAt(file, 'k8s-ingress', `${kind} \`${object.name}\``, line));
      continue;
    }
    if (kind === 'Service') {
      const type = yamlScalar(yamlPath(root, ['spec', 'type'], doc));
      if (object.apiVersion.startsWith('serving.knative.dev')) {
        readKnativeService(object, facts, line);
        continue;
      }
      if (type === 'LoadBalancer') facts.loadBalancers.push(signalAt(file, 'k8s-loadbalancer', `Service \`${object.name}\` of type LoadBalancer`, line));
      else if (type !== 'ExternalName') facts.loadBalancers.push(signalAt(file, 'k8s-service', `Service \`${object.name}\` spreads requests over the pods it selects`, line));
      continue;
    }
    if (kind === 'PrometheusRule') continue;
    const podSpec = podSpecOf(object);
    if (!podSpec) continue;
    if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'Rollout' || kind === 'ReplicaSet') {
      facts.workloads.push(object);
      const replicasNode = yamlPath(root, ['spec', 'replicas'], doc);
      const replicas = replicasNode ? Number(yamlScalar(replicasNode)) : 1;
      facts.scaling.push({
        platform: 'kubernetes',
        target: describeWorkload(object),
        name: object.name,
        at: replicasNode?.range ? file.locateLines(file.position(replicasNode.range[0]).line) : file.locateLines(line),
        ...(Number.isFinite(replicas) ? { replicas } : {}),
        autoscaling: false,
      });
    }
    for (const container of podSpec.containers) {
      if (container.init) continue;
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const pair = yamlPair(container.node, probe, doc);
        const node = pair?.value;
        if (!node) continue;
        const path = yamlScalar(yamlPath(node, ['httpGet', 'path'], doc));
        facts.probes.push({ ...signalAt(file, `k8s-${probe}`, `${probe} of container \`${container.name}\` in ${describeWorkload(object)}${path ? ` (${path})` : ''}`, file.position(pair.keyNode?.range?.[0] ?? node.range?.[0] ?? 0).line), ...(path ? { path } : {}) });
      }
      const command = [...seqItems(yamlGet(container.node, 'command', doc), doc), ...seqItems(yamlGet(container.node, 'args', doc), doc)].map((n) => yamlScalar(n) ?? '').join(' ').trim();
      if (command) facts.entrypoints.push({ source: 'kubernetes', command, at: file.locateLines(file.position(container.node.range?.[0] ?? 0).line), ...describeCommand(command), ...(kind === 'Job' || MIGRATE_COMMAND.test(command) ? { release: MIGRATE_COMMAND.test(command) } : {}) });
    }
  }
  const manifests = [...new Set(objects.filter((o) => podSpecOf(o)).map((o) => o.file))];
  if (manifests.length) {
    const names = manifests.map((f) => f.path);
    facts.platforms.push({ ...signalAt(manifests[0], 'kubernetes', `Kubernetes manifests (${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''})`, 1), kind: 'kubernetes' });
  }
  for (const file of files.ofKind('yaml')) {
    if (/(^|\/)kustomization\.ya?ml$/.test(file.path)) facts.platforms.push({ ...signalOfFile(file.path, 'kustomize', `kustomize overlay ${file.path}`), kind: 'kustomize' });
  }
}

/** Cloud Run / Knative `Service`: autoscaling annotations, probes, containers. */
function readKnativeService(object: KubeObject, facts: DeploymentFacts, line: number): void {
  const { file, doc, root } = object;
  facts.platforms.push({ ...signalAt(file, 'cloud-run', `Cloud Run / Knative service \`${object.name}\``, line), kind: 'cloud-run' });
  facts.loadBalancers.push(signalAt(file, 'platform-router', `Cloud Run routes and balances requests to \`${object.name}\``, line));
  const annotations = yamlPath(root, ['spec', 'template', 'metadata', 'annotations'], doc);
  const get = (key: string) => yamlEntries(annotations, doc).find((e) => e.key.endsWith(key))?.value;
  const min = Number(yamlScalar(get('minScale') ?? get('min-scale')) ?? 0);
  const max = Number(yamlScalar(get('maxScale') ?? get('max-scale')) ?? 100);
  facts.scaling.push({ platform: 'cloud-run', target: `Cloud Run service \`${object.name}\``, at: file.locateLines(line), min, max, autoscaling: max > min, byDefault: !annotations });
  const containers = seqItems(yamlPath(root, ['spec', 'template', 'spec', 'containers'], doc), doc);
  for (const container of containers)
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const pair = yamlPair(container, probe, doc);
      const node = pair?.value;
      if (!node) continue;
      const path = yamlScalar(yamlPath(node, ['httpGet', 'path'], doc));
      facts.probes.push({ ...signalAt(file, `k8s-${probe}`, `${probe} of Cloud Run service \`${object.name}\`${path ? ` (${path})` : ''}`, file.position(pair.keyNode?.range?.[0] ?? node.range?.[0] ?? 0).line), ...(path ? { path } : {}) });
    }
}

/** Helm charts: templates are Go templates (not YAML as applied), so their probes and kinds are read from the text and values.yaml. */
function readHelm(files: ParsedFiles, facts: DeploymentFacts): void {
  for (const chart of files.ofKind('yaml').filter((f) => /(^|\/)Chart\.ya?ml$/.test(f.path))) {
    const dir = dirOf(chart.path);
    const prefix = dir ? `${dir}/` : '';
    facts.platforms.push({ ...signalAt(chart, 'helm', `Helm chart ${chart.path}`, 1), kind: 'helm' });
    const templates = files.all.filter((f) => f.path.startsWith(`${prefix}templates/`));
    const values = files.get(`${prefix}values.yaml`) ?? files.get(`${prefix}values.yml`);
    const valuesDoc = values?.yaml?.[0];
    const valuesRoot = valuesDoc ? (valuesDoc as { contents?: unknown }).contents : undefined;
    const valueAt = (path: string[]) => yamlPath(valuesRoot, path, valuesDoc);
    const lineOf = (node: YamlNode | undefined) => (values && node?.range ? values.position(node.range[0]).line : 1);
    for (const template of templates) {
      for (const [kind, signal] of [
        ['HorizontalPodAutoscaler', 'hpa'],
        ['Ingress', 'k8s-ingress'],
      ] as const) {
        const m = new RegExp(`^kind:\\s*${kind}\\b`, 'm').exec(template.text);
        if (!m) continue;
        if (signal === 'k8s-ingress') facts.loadBalancers.push(signalAt(template, 'k8s-ingress', `Ingress template ${template.path}`, template.position(m.index).line));
        else {
          const enabled = valueAt(['autoscaling', 'enabled']);
          const on = !/\.Values\.autoscaling\.enabled/.test(template.text) || yamlScalar(enabled) === 'true';
          const min = Number(yamlScalar(valueAt(['autoscaling', 'minReplicas'])) ?? 1);
          const max = Number(yamlScalar(valueAt(['autoscaling', 'maxReplicas'])) ?? min);
          if (on) facts.scaling.push({ platform: 'helm', target: `HorizontalPodAutoscaler template ${template.path}`, scaleTarget: `chart:${dir}`, at: values && enabled ? values.locateLines(lineOf(enabled)) : template.locateLines(template.position(m.index).line), min, max, autoscaling: max > min });
        }
      }
      for (const m of template.text.matchAll(/^\s*(readinessProbe|livenessProbe|startupProbe):/gm)) {
        const after = template.text.slice(m.index, m.index + 400);
        const path = /path:\s*["']?([/\w.-]+)/.exec(after)?.[1];
        const fromValues = /toYaml\s+\.Values\.(\w+)/.exec(after)?.[1];
        const valuesNode = fromValues ? valueAt([fromValues]) : undefined;
        if (fromValues && !valuesNode) continue;
        const valuesPath = valuesNode ? yamlScalar(yamlPath(valuesNode, ['httpGet', 'path'], valuesDoc)) : undefined;
        const probePath = valuesPath ?? (path && !path.includes('{{') ? path : undefined);
        facts.probes.push({ ...signalAt(template, `k8s-${m[1]}`, `${m[1]} in Helm template ${template.path}${probePath ? ` (${probePath})` : ''}`, template.position(m.index + m[0].indexOf(m[1])).line), ...(probePath ? { path: probePath } : {}) });
      }
      if (/^kind:\s*(Deployment|StatefulSet)\b/m.test(template.text)) {
        const replicas = valueAt(['replicaCount']);
        const n = Number(yamlScalar(replicas) ?? 1);
        facts.scaling.push({ platform: 'helm', target: `Deployment template ${template.path}`, name: `chart:${dir}`, at: values && replicas ? values.locateLines(lineOf(replicas)) : template.locateLines(1), replicas: n, autoscaling: false });
      }
      for (const m of template.text.matchAll(/^\s*command:|^\s*args:/gm)) {
        const block = template.text.slice(m.index, m.index + 300);
        if (MIGRATE_COMMAND.test(block)) facts.entrypoints.push({ source: 'kubernetes', command: (MIGRATE_COMMAND.exec(block) ?? [''])[0], at: template.locateLines(template.position(m.index).line), release: true });
      }
    }
    const ingressEnabled = valueAt(['ingress', 'enabled']);
    if (yamlScalar(ingressEnabled) === 'true' && values) facts.loadBalancers.push(signalAt(values, 'k8s-ingress', `ingress enabled in ${values.path}`, lineOf(ingressEnabled)));
  }
}

// ---- PaaS configurations ----

function readPaasConfigs(files: ParsedFiles, facts: DeploymentFacts): void {
  for (const file of files.ofKind('toml')) {
    const name = baseName(file.path);
    if (name === 'fly.toml' && file.toml) readFly(file, file.toml, facts);
    else if (name === 'railway.toml' && file.toml) readRailway(file, file.toml, facts);
    else if (name === 'netlify.toml') {
      facts.platforms.push({ ...signalAt(file, 'netlify', `Netlify (${file.path})`, 1), kind: 'netlify' });
      facts.scaling.push({ platform: 'netlify', target: 'Netlify functions', at: file.locateLines(1), autoscaling: true, byDefault: true });
    }
  }
  for (const file of files.ofKind('json')) {
    const name = baseName(file.path);
    const json = file.json as Record<string, unknown> | undefined;
    if (name === 'railway.json' && json) readRailway(file, json, facts);
    else if (name === 'vercel.json') {
      facts.platforms.push({ ...signalAt(file, 'vercel', `Vercel (${file.path})`, 1), kind: 'vercel' });
      facts.loadBalancers.push(signalAt(file, 'platform-router', 'Vercel routes requests to its functions', 1));
      facts.scaling.push({ platform: 'vercel', target: 'Vercel functions', at: file.locateLines(1), autoscaling: true, byDefault: true });
    } else if (name === 'app.json' && json && (json.formation || json.addons || json.buildpacks || json.stack)) readHerokuAppJson(file, json, facts);
    else if (/task-?definition[^/]*\.json$/i.test(name) && json && Array.isArray(json.containerDefinitions)) readEcsTaskDefinition(file, json, facts);
    else if (name === 'Dockerrun.aws.json') facts.platforms.push({ ...signalAt(file, 'elastic-beanstalk', `Elastic Beanstalk (${file.path})`, 1), kind: 'elastic-beanstalk' });
    else if (name === 'zappa_settings.json') facts.platforms.push({ ...signalAt(file, 'serverless', `Zappa / AWS Lambda (${file.path})`, 1), kind: 'serverless' });
  }
  for (const file of files.ofKind('yaml', { includeTests: false })) {
    const name = baseName(file.path);
    const doc = file.yaml?.[0];
    const root = doc ? (doc as { contents?: unknown }).contents : undefined;
    if (/^render\.ya?ml$/.test(name)) readRender(file, root, doc, facts);
    else if (/^app\.ya?ml$/.test(name) && yamlGet(root, 'runtime', doc) && !file.path.includes('.do/')) readAppEngine(file, root, doc, facts);
    else if (/(^|\/)\.do\/(app|deploy\.template)\.ya?ml$/.test(file.path)) readDigitalOcean(file, root, doc, facts);
    else if (/^serverless\.ya?ml$/.test(name)) {
      facts.platforms.push({ ...signalAt(file, 'serverless', `Serverless Framework (${file.path})`, 1), kind: 'serverless' });
      facts.scaling.push({ platform: 'serverless', target: 'AWS Lambda functions', at: file.locateLines(1), autoscaling: true, byDefault: true });
    } else if (/^heroku\.ya?ml$/.test(name)) {
      facts.platforms.push({ ...signalAt(file, 'heroku', `Heroku container stack (${file.path})`, 1), kind: 'heroku' });
      const release = yamlScalar(yamlPath(root, ['release', 'command'], doc)) ?? commandText(yamlPath(root, ['release', 'command'], doc), doc);
      if (release) facts.entrypoints.push({ source: 'heroku', command: release, at: file.locateLines(1), release: true });
    } else if (/(^|\/)config\/deploy(\.[\w-]+)?\.ya?ml$/.test(file.path) && yamlGet(root, 'servers', doc) && yamlGet(root, 'image', doc)) {
      facts.platforms.push({ ...signalAt(file, 'kamal', `Kamal deployment (${file.path})`, 1), kind: 'kamal' });
      facts.loadBalancers.push(signalAt(file, 'reverse-proxy', 'kamal-proxy routes requests to the app containers', 1));
    } else if (/(^|\/)copilot\/[^/]+\/manifest\.ya?ml$/.test(file.path)) readCopilot(file, root, doc, facts);
    else if (/^(template|samconfig)\.ya?ml$/.test(name) || yamlGet(root, 'AWSTemplateFormatVersion', doc)) readCloudFormation(file, root, doc, facts);
    else if (/^azure\.ya?ml$/.test(name)) facts.platforms.push({ ...signalAt(file, 'azure', `Azure Developer CLI app (${file.path})`, 1), kind: 'azure' });
    else if (/^apprunner\.ya?ml$/.test(name)) facts.platforms.push({ ...signalAt(file, 'app-runner', `AWS App Runner (${file.path})`, 1), kind: 'app-runner' });
  }
  for (const file of files.ofKind('text')) {
    const name = baseName(file.path);
    if (name === 'Procfile') readProcfile(file, facts);
    else if (/\.nomad(\.hcl)?$/.test(name)) readNomad(file, facts);
    else if (/\.bicep$/.test(name) && /Microsoft\.App\/containerApps|Microsoft\.Web\/sites/.test(file.text)) {
      facts.platforms.push({ ...signalAt(file, 'azure', `Azure (${file.path})`, 1), kind: 'azure' });
      const min = /minReplicas:\s*(\d+)/.exec(file.text);
      const max = /maxReplicas:\s*(\d+)/.exec(file.text);
      if (max) facts.scaling.push({ platform: 'azure', target: 'Azure Container App', at: file.locateLines(file.position(max.index).line), min: Number(min?.[1] ?? 0), max: Number(max[1]), autoscaling: Number(max[1]) > Number(min?.[1] ?? 0) });
    }
  }
  for (const file of files.ofKind('yaml')) if (baseName(file.path) === 'Pulumi.yaml') facts.platforms.push({ ...signalAt(file, 'pulumi', `Pulumi project ${file.path}`, 1), kind: 'pulumi' });
  for (const file of files.all) if (/(^|\/)\.ebextensions\/[^/]+\.config$|(^|\/)\.elasticbeanstalk\/config\.ya?ml$/.test(file.path)) facts.platforms.push({ ...signalAt(file, 'elastic-beanstalk', `Elastic Beanstalk (${file.path})`, 1), kind: 'elastic-beanstalk' });
}

/** Line of the first `key =` / `key:` / `"key":` in a config file (1 when absent). */
function keyLine(file: ParsedFile, key: string): number {
  const m = new RegExp(`^\\s*(?:"${key}"\\s*:|${key}\\s*[=:])`, 'm').exec(file.text);
  return m ? file.position(m.index).line : 1;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function readFly(file: ParsedFile, toml: Record<string, unknown>, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'fly', `Fly.io app${typeof toml.app === 'string' ? ` \`${toml.app}\`` : ''} (${file.path})`, 1), kind: 'fly' });
  const http = record(toml.http_service);
  const services = Array.isArray(toml.services) ? (toml.services as unknown[]).map(record).filter((s): s is Record<string, unknown> => !!s) : [];
  if (http || services.length) facts.loadBalancers.push(signalAt(file, 'platform-router', 'the Fly proxy balances requests over the app\'s machines', keyLine(file, http ? '\\[http_service\\]' : '\\[\\[services\\]\\]')));
  const autoStop = http?.auto_stop_machines ?? services[0]?.auto_stop_machines;
  const autoStart = http?.auto_start_machines ?? services[0]?.auto_start_machines;
  const min = http?.min_machines_running ?? services[0]?.min_machines_running;
  const autoscaling = autoStart === true && autoStop !== undefined && autoStop !== false && autoStop !== 'off';
  if (autoStart !== undefined || min !== undefined)
    facts.scaling.push({
      platform: 'fly',
      target: 'Fly.io machines',
      at: file.locateLines(keyLine(file, min !== undefined ? 'min_machines_running' : 'auto_start_machines')),
      ...(typeof min === 'number' ? { min } : {}),
      autoscaling,
    });
  const checks: { path?: string; line: number }[] = [];
  for (const c of (Array.isArray(http?.checks) ? (http.checks as unknown[]) : []).map(record)) if (c) checks.push({ path: typeof c.path === 'string' ? c.path : undefined, line: keyLine(file, '\\[\\[http_service\\.checks\\]\\]') });
  for (const s of services) for (const c of (Array.isArray(s.http_checks) ? (s.http_checks as unknown[]) : []).map(record)) if (c) checks.push({ path: typeof c.path === 'string' ? c.path : undefined, line: keyLine(file, '\\[\\[services\\.http_checks\\]\\]') });
  for (const [name, c] of Object.entries(record(toml.checks) ?? {})) {
    const check = record(c);
    if (check) checks.push({ path: typeof check.path === 'string' ? check.path : undefined, line: keyLine(file, `\\[checks\\.${name}\\]`) });
  }
  for (const c of checks) facts.probes.push({ ...signalAt(file, 'fly-check', `Fly.io health check${c.path ? ` (${c.path})` : ''}`, c.line), ...(c.path ? { path: c.path } : {}) });
  const release = record(toml.deploy)?.release_command;
  if (typeof release === 'string') facts.entrypoints.push({ source: 'fly', command: release, at: file.locateLines(keyLine(file, 'release_command')), release: true });
  for (const [name, command] of Object.entries(record(toml.processes) ?? {}))
    if (typeof command === 'string') facts.entrypoints.push({ source: 'fly', command, at: file.locateLines(keyLine(file, name)), ...describeCommand(command) });
}

function readRailway(file: ParsedFile, config: Record<string, unknown>, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'railway', `Railway (${file.path})`, 1), kind: 'railway' });
  facts.loadBalancers.push(signalAt(file, 'platform-router', 'Railway routes requests over the service\'s replicas', 1));
  const deploy = record(config.deploy) ?? {};
  if (typeof deploy.startCommand === 'string') facts.entrypoints.push({ source: 'railway', command: deploy.startCommand, at: file.locateLines(keyLine(file, 'startCommand')), ...describeCommand(deploy.startCommand) });
  if (typeof deploy.preDeployCommand === 'string' || Array.isArray(deploy.preDeployCommand)) {
    const command = Array.isArray(deploy.preDeployCommand) ? deploy.preDeployCommand.join(' && ') : String(deploy.preDeployCommand);
    facts.entrypoints.push({ source: 'railway', command, at: file.locateLines(keyLine(file, 'preDeployCommand')), release: true });
  }
  if (typeof deploy.healthcheckPath === 'string') facts.probes.push({ ...signalAt(file, 'railway-healthcheck', `Railway health check (${deploy.healthcheckPath})`, keyLine(file, 'healthcheckPath')), path: deploy.healthcheckPath });
  if (typeof deploy.numReplicas === 'number') facts.scaling.push({ platform: 'railway', target: 'Railway service', at: file.locateLines(keyLine(file, 'numReplicas')), replicas: deploy.numReplicas, autoscaling: false });
}

function readHerokuAppJson(file: ParsedFile, json: Record<string, unknown>, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'heroku', `Heroku app manifest (${file.path})`, 1), kind: 'heroku' });
  const web = record(record(json.formation)?.web);
  if (web && typeof web.quantity === 'number') facts.scaling.push({ platform: 'heroku', target: 'Heroku web dynos', at: file.locateLines(keyLine(file, 'quantity')), replicas: web.quantity, autoscaling: false });
  const addons = Array.isArray(json.addons) ? json.addons : [];
  for (const addon of addons) {
    const plan = typeof addon === 'string' ? addon : String(record(addon)?.plan ?? '');
    if (/heroku-postgresql|jawsdb|cleardb/.test(plan)) facts.managedDatabases.push({ ...signalAt(file, 'heroku-postgres', `managed database add-on \`${plan}\``, keyLine(file, 'addons')), engine: /postgres/.test(plan) ? 'PostgreSQL' : 'MySQL' });
  }
  const postdeploy = record(json.scripts)?.postdeploy;
  if (typeof postdeploy === 'string') facts.entrypoints.push({ source: 'heroku', command: postdeploy, at: file.locateLines(keyLine(file, 'postdeploy')), release: true });
}

function readEcsTaskDefinition(file: ParsedFile, json: Record<string, unknown>, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'ecs', `ECS task definition ${file.path}`, 1), kind: 'ecs' });
  for (const def of (json.containerDefinitions as unknown[]).map(record)) {
    if (!def) continue;
    const health = record(def.healthCheck);
    if (health) {
      const path = urlPath(JSON.stringify(health.command ?? ''));
      facts.probes.push({ ...signalAt(file, 'ecs-healthcheck', `ECS container health check${path ? ` (${path})` : ''}`, keyLine(file, 'healthCheck')), ...(path ? { path } : {}) });
    }
    const command = [...(Array.isArray(def.entryPoint) ? def.entryPoint : []), ...(Array.isArray(def.command) ? def.command : [])].map(String).join(' ');
    if (command) facts.entrypoints.push({ source: 'kubernetes', command, at: file.locateLines(keyLine(file, 'command')), ...describeCommand(command) });
  }
}

function readRender(file: ParsedFile, root: unknown, doc: unknown, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'render', `Render blueprint (${file.path})`, 1), kind: 'render' });
  for (const service of seqItems(yamlGet(root, 'services', doc), doc)) {
    const type = yamlScalar(yamlGet(service, 'type', doc)) ?? 'web';
    const name = yamlScalar(yamlGet(service, 'name', doc)) ?? type;
    const line = file.position(service.range?.[0] ?? 0).line;
    if (type === 'web') facts.loadBalancers.push(signalAt(file, 'platform-router', `Render balances requests over the instances of \`${name}\``, line));
    const health = yamlGet(service, 'healthCheckPath', doc);
    if (health) facts.probes.push({ ...signalAt(file, 'render-healthcheck', `Render health check of \`${name}\` (${yamlScalar(health)})`, file.position(health.range?.[0] ?? 0).line), path: yamlScalar(health) });
    const scaling = yamlGet(service, 'scaling', doc);
    const instances = yamlGet(service, 'numInstances', doc);
    if (scaling) {
      const min = Number(yamlScalar(yamlGet(scaling, 'minInstances', doc)) ?? 1);
      const max = Number(yamlScalar(yamlGet(scaling, 'maxInstances', doc)) ?? min);
      facts.scaling.push({ platform: 'render', target: `Render service \`${name}\``, at: file.locateLines(file.position(scaling.range?.[0] ?? 0).line), min, max, autoscaling: max > min });
    } else if (instances) facts.scaling.push({ platform: 'render', target: `Render service \`${name}\``, at: file.locateLines(file.position(instances.range?.[0] ?? 0).line), replicas: Number(yamlScalar(instances)), autoscaling: false });
    for (const [key, release] of [
      ['startCommand', false],
      ['preDeployCommand', true],
    ] as const) {
      const node = yamlGet(service, key, doc);
      const command = yamlScalar(node);
      if (command) facts.entrypoints.push({ source: 'render', command, at: file.locateLines(file.position(node?.range?.[0] ?? 0).line), ...(release ? { release: true } : describeCommand(command)) });
    }
  }
  for (const db of seqItems(yamlGet(root, 'databases', doc), doc)) {
    const name = yamlScalar(yamlGet(db, 'name', doc)) ?? 'database';
    facts.managedDatabases.push({ ...signalAt(file, 'render-postgres', `Render managed PostgreSQL \`${name}\``, file.position(db.range?.[0] ?? 0).line), engine: 'PostgreSQL' });
  }
}

function readAppEngine(file: ParsedFile, root: unknown, doc: unknown, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'app-engine', `Google App Engine (${file.path})`, 1), kind: 'app-engine' });
  facts.loadBalancers.push(signalAt(file, 'platform-router', 'App Engine balances requests over instances', 1));
  const manual = yamlGet(root, 'manual_scaling', doc);
  const automatic = yamlGet(root, 'automatic_scaling', doc);
  if (manual) facts.scaling.push({ platform: 'app-engine', target: 'App Engine service', at: file.locateLines(file.position(manual.range?.[0] ?? 0).line), replicas: Number(yamlScalar(yamlGet(manual, 'instances', doc)) ?? 1), autoscaling: false });
  else {
    const min = Number(yamlScalar(yamlGet(automatic, 'min_instances', doc)) ?? 0);
    const max = Number(yamlScalar(yamlGet(automatic, 'max_instances', doc)) ?? 100);
    facts.scaling.push({ platform: 'app-engine', target: 'App Engine service', at: file.locateLines(automatic ? file.position(automatic.range?.[0] ?? 0).line : 1), min, max, autoscaling: max > min, byDefault: !automatic });
  }
  for (const key of ['liveness_check', 'readiness_check']) {
    const node = yamlGet(root, key, doc);
    if (node) facts.probes.push({ ...signalAt(file, 'app-engine-check', `App Engine ${key.replace('_', ' ')}`, file.position(node.range?.[0] ?? 0).line), ...(yamlScalar(yamlGet(node, 'path', doc)) ? { path: yamlScalar(yamlGet(node, 'path', doc)) } : {}) });
  }
  const entrypoint = yamlScalar(yamlGet(root, 'entrypoint', doc));
  if (entrypoint) facts.entrypoints.push({ source: 'app-engine', command: entrypoint, at: file.locateLines(keyLine(file, 'entrypoint')), ...describeCommand(entrypoint) });
}

function readDigitalOcean(file: ParsedFile, root: unknown, doc: unknown, facts: DeploymentFacts): void {
  const spec = yamlGet(root, 'spec', doc) ?? root;
  facts.platforms.push({ ...signalAt(file, 'digitalocean', `DigitalOcean App Platform (${file.path})`, 1), kind: 'digitalocean' });
  facts.loadBalancers.push(signalAt(file, 'platform-router', 'App Platform balances requests over instances', 1));
  for (const service of seqItems(yamlGet(spec, 'services', doc), doc)) {
    const name = yamlScalar(yamlGet(service, 'name', doc)) ?? 'service';
    const line = file.position(service.range?.[0] ?? 0).line;
    const autoscaling = yamlGet(service, 'autoscaling', doc);
    const count = yamlScalar(yamlGet(service, 'instance_count', doc));
    if (autoscaling) {
      const min = Number(yamlScalar(yamlGet(autoscaling, 'min_instance_count', doc)) ?? 1);
      const max = Number(yamlScalar(yamlGet(autoscaling, 'max_instance_count', doc)) ?? min);
      facts.scaling.push({ platform: 'digitalocean', target: `App Platform service \`${name}\``, at: file.locateLines(line), min, max, autoscaling: max > min });
    } else if (count) facts.scaling.push({ platform: 'digitalocean', target: `App Platform service \`${name}\``, at: file.locateLines(line), replicas: Number(count), autoscaling: false });
    const health = yamlGet(service, 'health_check', doc);
    if (health) facts.probes.push({ ...signalAt(file, 'do-healthcheck', `App Platform health check of \`${name}\``, file.position(health.range?.[0] ?? 0).line), ...(yamlScalar(yamlGet(health, 'http_path', doc)) ? { path: yamlScalar(yamlGet(health, 'http_path', doc)) } : {}) });
    const run = yamlScalar(yamlGet(service, 'run_command', doc));
    if (run) facts.entrypoints.push({ source: 'render', command: run, at: file.locateLines(line), ...describeCommand(run) });
  }
  for (const db of seqItems(yamlGet(spec, 'databases', doc), doc)) facts.managedDatabases.push({ ...signalAt(file, 'do-database', `DigitalOcean managed database \`${yamlScalar(yamlGet(db, 'name', doc)) ?? 'db'}\``, file.position(db.range?.[0] ?? 0).line), engine: yamlScalar(yamlGet(db, 'engine', doc)) ?? 'PG' });
}

function readCopilot(file: ParsedFile, root: unknown, doc: unknown, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'ecs', `AWS Copilot service (${file.path})`, 1), kind: 'ecs' });
  const type = yamlScalar(yamlGet(root, 'type', doc)) ?? '';
  if (/Load Balanced|Request-Driven/.test(type)) facts.loadBalancers.push(signalAt(file, 'cloud-lb', `${type} behind a load balancer`, keyLine(file, 'type')));
  const count = yamlGet(root, 'count', doc);
  const range = yamlScalar(yamlGet(count, 'range', doc)) ?? (yamlGet(yamlGet(count, 'range', doc), 'min', doc) ? `${yamlScalar(yamlPath(count, ['range', 'min'], doc))}-${yamlScalar(yamlPath(count, ['range', 'max'], doc))}` : undefined);
  if (range) {
    const [min, max] = range.split('-').map(Number);
    facts.scaling.push({ platform: 'ecs', target: 'Copilot service', at: file.locateLines(keyLine(file, 'count')), min, max, autoscaling: max > min });
  } else if (yamlScalar(count)) facts.scaling.push({ platform: 'ecs', target: 'Copilot service', at: file.locateLines(keyLine(file, 'count')), replicas: Number(yamlScalar(count)), autoscaling: false });
  const health = yamlGet(yamlGet(root, 'http', doc), 'healthcheck', doc);
  if (health) facts.probes.push({ ...signalAt(file, 'ecs-healthcheck', 'Copilot load balancer health check', file.position(health.range?.[0] ?? 0).line), ...(yamlScalar(health) ?? yamlScalar(yamlGet(health, 'path', doc)) ? { path: yamlScalar(health) ?? yamlScalar(yamlGet(health, 'path', doc)) } : {}) });
}

function readCloudFormation(file: ParsedFile, root: unknown, doc: unknown, facts: DeploymentFacts): void {
  const resources = yamlEntries(yamlGet(root, 'Resources', doc), doc);
  if (!resources.length) return;
  const serverless = /AWS::Serverless/.test(file.text);
  facts.platforms.push({ ...signalAt(file, serverless ? 'serverless' : 'cloudformation', serverless ? `AWS SAM template ${file.path}` : `CloudFormation template ${file.path}`, 1), kind: serverless ? 'serverless' : 'cloudformation' });
  for (const { key, value } of resources) {
    const type = yamlScalar(yamlGet(value, 'Type', doc)) ?? '';
    const line = file.position(value?.range?.[0] ?? 0).line;
    if (/^AWS::ElasticLoadBalancingV2::LoadBalancer$|^AWS::ElasticLoadBalancing::LoadBalancer$/.test(type)) facts.loadBalancers.push(signalAt(file, 'cloud-lb', `${type.split('::').pop()} \`${key}\``, line));
    if (/^AWS::ApplicationAutoScaling::ScalableTarget$/.test(type)) {
      const props = yamlGet(value, 'Properties', doc);
      const min = Number(yamlScalar(yamlGet(props, 'MinCapacity', doc)) ?? 1);
      const max = Number(yamlScalar(yamlGet(props, 'MaxCapacity', doc)) ?? min);
      facts.scaling.push({ platform: 'cloudformation', target: `ScalableTarget \`${key}\``, at: file.locateLines(line), min, max, autoscaling: max > min });
    }
    if (/^AWS::RDS::DB(Instance|Cluster)$/.test(type)) {
      const props = yamlGet(value, 'Properties', doc);
      const retention = yamlScalar(yamlGet(props, 'BackupRetentionPeriod', doc));
      facts.managedDatabases.push({ ...signalAt(file, 'rds', `RDS ${type.endsWith('Cluster') ? 'cluster' : 'instance'} \`${key}\``, line), engine: yamlScalar(yamlGet(props, 'Engine', doc)) ?? 'database', ...(retention !== undefined ? { backupRetention: Number(retention) } : {}) });
    }
    if (serverless && /^AWS::Serverless::Function$/.test(type)) facts.scaling.push({ platform: 'serverless', target: `Lambda function \`${key}\``, at: file.locateLines(line), autoscaling: true, byDefault: true });
  }
}

function readProcfile(file: ParsedFile, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'heroku', `Procfile (${file.path}): Heroku-style process types`, 1), kind: 'heroku' });
  file.text.split('\n').forEach((raw, i) => {
    const m = /^([\w-]+)\s*:\s*(.+)$/.exec(raw.trim());
    if (!m) return;
    const release = m[1] === 'release';
    facts.entrypoints.push({ source: 'procfile', command: m[2], at: file.locateLines(i + 1), ...(release ? { release: true } : describeCommand(m[2])) });
    if (m[1] === 'web') facts.loadBalancers.push(signalAt(file, 'platform-router', 'the platform router balances requests over the web dynos', i + 1));
  });
}

function readNomad(file: ParsedFile, facts: DeploymentFacts): void {
  facts.platforms.push({ ...signalAt(file, 'nomad', `Nomad job ${file.path}`, 1), kind: 'nomad' });
  for (const job of hclBlocks(file.text).filter((b) => b.keyword === 'job')) {
    for (const group of hclBlocks(job.body, job.bodyLine - 1).filter((b) => b.keyword === 'group')) {
      const attributes = hclAttributes(group.body, group.bodyLine);
      const scaling = hclBlocks(group.body, group.bodyLine - 1).find((b) => b.keyword === 'scaling');
      const name = group.labels[0] ?? 'group';
      if (scaling) {
        const s = hclAttributes(scaling.body, scaling.bodyLine);
        const min = Number(s.get('min')?.value ?? 1);
        const max = Number(s.get('max')?.value ?? min);
        facts.scaling.push({ platform: 'nomad', target: `Nomad group \`${name}\``, at: file.locateLines(scaling.startLine), min, max, autoscaling: max > min });
      } else facts.scaling.push({ platform: 'nomad', target: `Nomad group \`${name}\``, at: file.locateLines(attributes.get('count')?.line ?? group.startLine), replicas: Number(attributes.get('count')?.value ?? 1), autoscaling: false });
      if (/\bcheck\s*\{[^}]*type\s*=\s*"http"/.test(group.body)) facts.probes.push(signalAt(file, 'nomad-check', `Nomad service check of group \`${name}\``, group.startLine));
    }
  }
}

// ---- Terraform ----

/** Terraform resources that say where and how the app runs. */
function readInfrastructureAsCode(files: ParsedFiles, facts: DeploymentFacts): void {
  const tfFiles = files.ofKind('text').filter((f) => /\.tf$/.test(f.path));
  if (tfFiles.length) facts.platforms.push({ ...signalAt(tfFiles[0], 'terraform', `Terraform (${tfFiles.length} file${tfFiles.length === 1 ? '' : 's'})`, 1), kind: 'terraform' });
  for (const file of tfFiles) {
    for (const block of hclBlocks(file.text)) {
      if (block.keyword !== 'resource') continue;
      const [type, name] = block.labels;
      const attributes = hclAttributes(block.body, block.bodyLine);
      const label = `${type} \`${name}\``;
      const at = (key?: string) => file.locateLines(key && attributes.get(key) ? attributes.get(key)!.line : block.startLine);
      const number = (key: string) => (attributes.has(key) && /^\d+$/.test(attributes.get(key)!.value) ? Number(attributes.get(key)!.value) : undefined);
      if (/^(aws_lb|aws_alb|aws_elb|google_compute_url_map|google_compute_backend_service|azurerm_lb|azurerm_application_gateway|digitalocean_loadbalancer|hcloud_load_balancer)$/.test(type))
        facts.loadBalancers.push(signalAt(file, 'cloud-lb', label, block.startLine));
      else if (type === 'aws_ecs_service') {
        facts.platforms.push({ ...signalAt(file, 'ecs', `ECS service ${label}`, block.startLine), kind: 'ecs' });
        const desired = number('desired_count');
        facts.scaling.push({ platform: 'ecs', target: `ECS service \`${name}\``, at: at('desired_count'), ...(desired !== undefined ? { replicas: desired } : {}), autoscaling: false });
      } else if (type === 'aws_appautoscaling_target') {
        const min = number('min_capacity') ?? 1;
        const max = number('max_capacity') ?? min;
        facts.scaling.push({ platform: 'ecs', target: `autoscaling target \`${name}\``, at: file.locateLines(block.startLine), min, max, autoscaling: max > min });
      } else if (/^google_cloud_run_(v2_)?service$/.test(type)) {
        facts.platforms.push({ ...signalAt(file, 'cloud-run', `Cloud Run ${label}`, block.startLine), kind: 'cloud-run' });
        facts.loadBalancers.push(signalAt(file, 'platform-router', `Cloud Run balances requests over instances of \`${name}\``, block.startLine));
        const max = /max_instance_count\s*=\s*(\d+)|maxScale"?\s*=\s*"?(\d+)/.exec(block.body);
        const min = /min_instance_count\s*=\s*(\d+)|minScale"?\s*=\s*"?(\d+)/.exec(block.body);
        const maxN = max ? Number(max[1] ?? max[2]) : 100;
        const minN = min ? Number(min[1] ?? min[2]) : 0;
        facts.scaling.push({ platform: 'cloud-run', target: `Cloud Run service \`${name}\``, at: file.locateLines(block.startLine), min: minN, max: maxN, autoscaling: maxN > minN, byDefault: !max });
      } else if (/^(aws_lambda_function)$/.test(type)) {
        facts.platforms.push({ ...signalAt(file, 'serverless', `AWS Lambda ${label}`, block.startLine), kind: 'serverless' });
      } else if (/^aws_apprunner_service$/.test(type)) {
        facts.platforms.push({ ...signalAt(file, 'app-runner', `AWS App Runner ${label}`, block.startLine), kind: 'app-runner' });
        facts.loadBalancers.push(signalAt(file, 'platform-router', 'App Runner balances requests over instances', block.startLine));
      } else if (/^(kubernetes_deployment(_v1)?)$/.test(type)) {
        facts.platforms.push({ ...signalAt(file, 'kubernetes', `Kubernetes ${label}`, block.startLine), kind: 'kubernetes' });
        const replicas = /replicas\s*=\s*(\d+)/.exec(block.body);
        facts.scaling.push({ platform: 'kubernetes', target: `Deployment \`${name}\``, name: /name\s*=\s*"([^"]+)"/.exec(block.body)?.[1] ?? name, at: file.locateLines(block.startLine), replicas: replicas ? Number(replicas[1]) : 1, autoscaling: false });
      } else if (/^kubernetes_horizontal_pod_autoscaler(_v\d)?$/.test(type)) {
        const min = /min_replicas\s*=\s*(\d+)/.exec(block.body);
        const max = /max_replicas\s*=\s*(\d+)/.exec(block.body);
        facts.scaling.push({ platform: 'kubernetes', target: `HorizontalPodAutoscaler \`${name}\``, scaleTarget: /scale_target_ref\s*\{[^}]*name\s*=\s*"([^"]+)"/.exec(block.body)?.[1], at: file.locateLines(block.startLine), min: Number(min?.[1] ?? 1), max: Number(max?.[1] ?? 1), autoscaling: Number(max?.[1] ?? 1) > Number(min?.[1] ?? 1) });
      } else if (/^(aws_db_instance|aws_rds_cluster)$/.test(type)) {
        const retention = number('backup_retention_period');
        facts.managedDatabases.push({ ...signalAt(file, 'rds', `RDS ${label}`, block.startLine), engine: attributes.get('engine')?.value ?? 'database', ...(retention !== undefined ? { backupRetention: retention } : {}) });
      } else if (type === 'google_sql_database_instance') {
        const backup = /backup_configuration\s*\{[^}]*enabled\s*=\s*(true|false)/.exec(block.body);
        const pitr = /point_in_time_recovery_enabled\s*=\s*(true|false)/.exec(block.body);
        facts.managedDatabases.push({ ...signalAt(file, 'cloud-sql', `Cloud SQL ${label}`, block.startLine), engine: attributes.get('database_version')?.value ?? 'database', ...(backup ? { backupRetention: backup[1] === 'true' ? 7 : 0 } : {}), ...(pitr ? { pointInTimeRecovery: pitr[1] === 'true' } : {}) });
      } else if (/^(azurerm_(postgresql|mysql)_flexible_server|azurerm_(postgresql|mysql|mssql)_server|digitalocean_database_cluster|render_postgres|heroku_addon|scaleway_rdb_instance)$/.test(type)) {
        const retention = number('backup_retention_days');
        facts.managedDatabases.push({ ...signalAt(file, 'managed-db', `managed database ${label}`, block.startLine), engine: type, ...(retention !== undefined ? { backupRetention: retention } : {}) });
      }
    }
  }
}

/** nginx / HAProxy / Traefik / Caddy configs that spread requests over several upstream servers. */
function readProxyConfigs(files: ParsedFiles, facts: DeploymentFacts): void {
  for (const file of files.ofKind('text', { containing: ['upstream', 'backend', 'reverse_proxy', 'loadBalancer'] })) {
    if (!/\.(conf|cfg|caddyfile)$|(^|\/)(nginx|haproxy|Caddyfile)[^/]*$/i.test(file.path)) continue;
    const upstream = /\bupstream\s+[\w-]+\s*\{([^}]*)\}/.exec(file.text);
    if (upstream && (upstream[1].match(/\bserver\s+/g) ?? []).length >= 2) {
      facts.loadBalancers.push(signalAt(file, 'reverse-proxy', `nginx upstream over ${(upstream[1].match(/\bserver\s+/g) ?? []).length} servers (${file.path})`, file.position(upstream.index).line));
      continue;
    }
    const haproxy = /^backend\s+\S+[\s\S]*?(^\s*server\s+.*$[\s\S]*?^\s*server\s+.*$)/m.exec(file.text);
    if (haproxy) facts.loadBalancers.push(signalAt(file, 'reverse-proxy', `HAProxy backend with several servers (${file.path})`, file.position(haproxy.index).line));
  }
}

/** `npm start` scripts of Node services: the command a PaaS or `npm start` in a Dockerfile runs. */
function readPackageStart(files: ParsedFiles, facts: DeploymentFacts): void {
  for (const file of files.ofKind('json', { containing: ['"start"'] })) {
    if (baseName(file.path) !== 'package.json' || file.isTest) continue;
    const start = record(record(file.json)?.scripts)?.start;
    if (typeof start === 'string') facts.entrypoints.push({ source: 'package-json', command: start, at: file.locateLines(keyLine(file, 'start')), ...describeCommand(start) });
  }
}

