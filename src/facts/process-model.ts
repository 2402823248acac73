/**
 * How many processes serve the application's requests, as far as the repository shows: the start
 * commands (Dockerfile `CMD`/`ENTRYPOINT`, Procfile, compose `command:`, Kubernetes container
 * `command`/`args`, render.yaml, fly.toml, package.json `start`, shell start scripts), the server's
 * worker settings (`gunicorn -w 4`, `uvicorn --workers 4`, `gunicorn.conf.py` `workers =`,
 * `WEB_CONCURRENCY`, `uvicorn.run(..., workers=4)`, PM2 `instances`, Node `cluster.fork()`) and the
 * replica counts of the platform (Kubernetes `replicas` and HorizontalPodAutoscalers, compose
 * `deploy.replicas`, Render `numInstances`/`scaling`, Fly.io machines, App Engine scaling,
 * serverless platforms).
 *
 * Rules about per-process state ask one question of it: does more than one process serve
 * requests (`many`), is it known to be one (`one`), or does the repository not say (`unknown`)?
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { composeServices, isDevComposeFile } from './compose.ts';
import { dockerStages, instructionWords, keyValues, shellWords } from './dockerfile-stages.ts';
import { kubernetesObjects, podSpecOf } from './kubernetes.ts';
import { seqItems, yamlEntries, yamlGet, yamlPath, yamlScalar, type YamlNode } from './yaml-nodes.ts';
import { findPyCalls } from '../parse/python-syntax.ts';
import { findJsCalls } from '../parse/js-syntax.ts';

/** A server start command found in a deployment file. */
export interface ServeCommand {
  /** `gunicorn`, `uvicorn`, `hypercorn`, `granian`, `daphne`, `waitress`, `fastapi run`, `flask run`, `python app.py`, `node`, `pm2`, `next start` … */
  server: string;
  /** Worker processes per instance: a number, `auto` (computed from the CPU count), or `env` (from an environment variable we cannot read). */
  workers?: number | 'auto' | 'env';
  /** A development-only setup (auto-reload, `next dev`, a dev compose file): not how production runs. A development server that a production file starts (`CMD python app.py`) is not `dev`. */
  dev: boolean;
  /** Which runtime the server runs: Python or Node.js code. */
  runtime: Runtime;
  /** The command as written (shortened). */
  text: string;
  at: Location;
}

export type Runtime = 'python' | 'node';

export interface ProcessEvidence {
  /** What it shows, for messages: "`gunicorn -w 4`", "3 Kubernetes replicas of Deployment `api`". */
  what: string;
  /** How many processes it implies for the service; `many` when more than one but not countable. */
  processes: number | 'many';
  at: Location;
  /** The runtime it is about; absent for platform replicas, which copy whatever they run. */
  runtime?: Runtime;
}

export interface ProcessModel {
  /** `many`: more than one process serves requests; `one`: every start command runs one and nothing replicates it; `unknown`: the repository does not say. */
  kind: 'many' | 'one' | 'unknown';
  /** Processes when countable (workers × replicas), for messages. */
  processes?: number;
  /** The evidence behind `many` (or `one`), most telling first. */
  evidence: ProcessEvidence[];
  /** The start commands found (production ones first). */
  commands: ServeCommand[];
  /** One phrase for messages: "4 worker processes (`gunicorn -w 4`, Dockerfile:14)". */
  summary: string;
  /** Environment variables the deployment files set (Dockerfile `ENV`, compose, Kubernetes, render.yaml, fly.toml), in file order. */
  environment: { key: string; value: string | undefined; at: Location }[];
}

const cache = new WeakMap<ParsedFiles, Map<string, ProcessModel>>();

/**
 * The process model of the servers of one runtime (`python` for stores in Python code, `node`
 * for Node.js), computed once per file set; without a runtime, of every server in the repository.
 */
export function processModel(files: ParsedFiles, runtime?: Runtime): ProcessModel {
  let byRuntime = cache.get(files);
  if (!byRuntime) cache.set(files, (byRuntime = new Map()));
  const key = runtime ?? 'all';
  let model = byRuntime.get(key);
  if (!model) byRuntime.set(key, (model = buildProcessModel(files, runtime)));
  return model;
}

/** Wrappers that run the real command: `exec`, `poetry run`, `opentelemetry-instrument` … */
const WRAPPERS = new Set(['exec', 'dumb-init', 'tini', 'gosu', 'su-exec', 'nice', 'env', 'ddtrace-run', 'opentelemetry-instrument', 'newrelic-admin', 'run-program', 'doppler', 'infisical', 'chamber', 'sentry-cli']);
const RUNNERS = [['poetry', 'run'], ['pipenv', 'run'], ['uv', 'run'], ['pdm', 'run'], ['hatch', 'run'], ['rye', 'run'], ['npx'], ['pnpm', 'exec'], ['yarn', 'exec'], ['bunx']];

/** A number, `$WEB_CONCURRENCY`, `${WORKERS:-4}` (the default counts), or `$(nproc)`. */
function workersValue(raw: string | undefined): number | 'auto' | 'env' | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const withDefault = /^\$\{\w+:?-(\d+)\}$/.exec(value);
  if (withDefault) return Number(withDefault[1]);
  if (/nproc|cpu_count|\$\(\(/.test(value)) return 'auto';
  if (/^\$/.test(value)) return 'env';
  return undefined;
}

/** The value of `-w 4`, `-w4`, `--workers 4`, `--workers=4` (the last one given wins, as in argparse). */
function flagValue(words: string[], short: string | undefined, long: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === long || (short && w === short)) found = words[i + 1];
    else if (w.startsWith(`${long}=`)) found = w.slice(long.length + 1);
    else if (short && w.startsWith(short) && w.length > short.length && !w.startsWith('--')) found = w.slice(short.length).replace(/^=/, '');
  }
  return found;
}

/** Split a shell line into simple commands (`a && b; c | d`), each as words. */
function simpleCommands(words: string[]): string[][] {
  const out: string[][] = [[]];
  for (const w of words) {
    if (w === '&&' || w === '||' || w === ';' || w === '|' || w === '&') out.push([]);
    else if (/;$/.test(w)) {
      out[out.length - 1].push(w.slice(0, -1));
      out.push([]);
    } else out[out.length - 1].push(w);
  }
  return out.filter((c) => c.length);
}

/** Strip env assignments, wrappers and runners: `FOO=1 exec poetry run gunicorn …` → `gunicorn …`. */
function coreCommand(words: string[]): string[] {
  let rest = [...words];
  for (let guard = 0; guard < 8 && rest.length; guard++) {
    const head = rest[0];
    const base = head.slice(head.lastIndexOf('/') + 1);
    if (/^\w+=/.test(head)) rest = rest.slice(1);
    else if (WRAPPERS.has(base)) rest = rest.slice(1).filter((w, i) => !(i === 0 && w === '--'));
    else if (rest[0] === '--') rest = rest.slice(1);
    else {
      const runner = RUNNERS.find((r) => r.every((part, i) => rest[i] === part));
      if (runner) rest = rest.slice(runner.length);
      else if ((base === 'python' || /^python3(\.\d+)?$/.test(base)) && rest[1] === '-m' && rest[2] && /^(gunicorn|uvicorn|hypercorn|granian|daphne|waitress|flask|fastapi)$/.test(rest[2])) rest = rest.slice(2);
      else break;
    }
  }
  return rest;
}

/**
 * What a command line starts: the server and its workers. `sh -c "…"` and `a && b` are looked
 * into; the last server in the line is the one that serves (`alembic upgrade head && gunicorn …`).
 * `resolveScript` reads a `python app.py` / `node server.js` target and a gunicorn `-c` config.
 */
export function describeServeCommand(
  words: string[],
  at: Location,
  resolveScript: (path: string, kind: 'python' | 'gunicorn-config' | 'pm2-config') => ScriptFacts | undefined = () => undefined,
): ServeCommand | undefined {
  if ((words[0] === 'sh' || words[0] === 'bash' || words[0] === '/bin/sh' || words[0] === '/bin/bash') && words.includes('-c')) {
    const script = words[words.indexOf('-c') + 1];
    return script ? describeServeCommand(shellWords(script), at, resolveScript) : undefined;
  }
  let found: ServeCommand | undefined;
  for (const simple of simpleCommands(words)) {
    const w = coreCommand(simple);
    if (!w.length) continue;
    const head = w[0].slice(w[0].lastIndexOf('/') + 1);
    const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
    const cmd = (server: string, workers: ServeCommand['workers'], dev: boolean): ServeCommand => ({
      server,
      workers,
      dev,
      runtime: /^(node|pm2|next|nest|nodemon)\b/.test(server) ? 'node' : 'python',
      text: short(w.join(' ')),
      at,
    });
    if (head === 'gunicorn') {
      let workers = workersValue(flagValue(w, '-w', '--workers'));
      const config = flagValue(w, '-c', '--config');
      if (workers === undefined && config) workers = resolveScript(config.replace(/^python:/, ''), 'gunicorn-config')?.workers;
      found = cmd('gunicorn', workers, w.includes('--reload'));
    } else if (head === 'uvicorn') found = cmd('uvicorn', workersValue(flagValue(w, undefined, '--workers')), w.includes('--reload'));
    else if (head === 'hypercorn') found = cmd('hypercorn', workersValue(flagValue(w, '-w', '--workers')), w.includes('--reload'));
    else if (head === 'granian') found = cmd('granian', workersValue(flagValue(w, undefined, '--workers')), w.includes('--reload'));
    else if (head === 'daphne') found = cmd('daphne', undefined, false);
    else if (head === 'waitress-serve') found = cmd('waitress', 1, false);
    else if (head === 'fastapi' && (w[1] === 'run' || w[1] === 'dev')) found = cmd(`fastapi ${w[1]}`, workersValue(flagValue(w, undefined, '--workers')), w[1] === 'dev');
    else if (head === 'flask' && w.includes('run')) found = cmd('flask run', 1, w.includes('--reload') || w.includes('--debug'));
    else if (/^python(3(\.\d+)?)?$/.test(head) && w[1] && /manage\.py$/.test(w[1]) && w[2] === 'runserver') found = cmd('manage.py runserver', 1, false);
    else if (/^python(3(\.\d+)?)?$/.test(head) && w[1] && (/\.py$/.test(w[1]) || w[1] === '-m')) {
      const target = w[1] === '-m' ? `${(w[2] ?? '').replace(/\./g, '/')}.py` : w[1];
      const facts = resolveScript(target, 'python');
      if (facts?.server) found = cmd(`python ${w[1] === '-m' ? `-m ${w[2]}` : w[1]}`, facts.workers, facts.dev ?? false);
    } else if (head === 'pm2' || head === 'pm2-runtime') {
      let instances = workersValue(flagValue(w, '-i', '--instances')?.replace(/^max$/, '$(nproc)'));
      const config = w.find((x) => /ecosystem\.config\.[cm]?js$|\.json$|\.ya?ml$/.test(x));
      if (instances === undefined && config) instances = resolveScript(config, 'pm2-config')?.workers;
      found = cmd('pm2', instances, false);
    } else if (head === 'node' || head === 'ts-node' || head === 'tsx' || head === 'bun' || head === 'deno') {
      if (w.some((x) => /\.[cm]?[jt]s$/.test(x)) || w.length > 1) found = cmd('node', w.includes('--watch') ? 1 : undefined, w.includes('--watch'));
    } else if (head === 'next' && (w[1] === 'start' || w[1] === 'dev')) found = cmd(`next ${w[1]}`, 1, w[1] === 'dev');
    else if (head === 'nest' && w[1] === 'start') found = cmd('nest start', 1, w.includes('--watch'));
    else if (head === 'nodemon') found = cmd('nodemon', 1, true);
  }
  return found;
}

/** What a script or config a start command names says about workers. */
export interface ScriptFacts {
  server?: string;
  workers?: number | 'auto' | 'env';
  dev?: boolean;
}

/** What `python app.py` starts: `uvicorn.run(app, workers=…)` or Flask's development server. */
function pyScriptServer(file: ParsedFile): ScriptFacts | undefined {
  if (!file.ast) return undefined;
  for (const call of findPyCalls(file.ast, /(^|\.)run$/)) {
    if (call.callee === 'uvicorn.run' || (call.callee === 'run' && /^\s*from\s+uvicorn\s+import\b.*\brun\b/m.test(file.text))) {
      const workers = call.keywords.get('workers');
      return { server: 'uvicorn', workers: workers ? workersValue(workers.text()) ?? 'env' : 1, dev: call.keywords.get('reload')?.text() === 'True' };
    }
    if (/\.run$/.test(call.callee) && /\b(Flask|SocketIO)\b/.test(file.text)) return { server: 'app.run', workers: 1, dev: false };
  }
  return undefined;
}

function gunicornConfig(file: ParsedFile): ScriptFacts | undefined {
  if (!file.ast) return undefined;
  for (const assign of file.ast.findAll({ rule: { kind: 'assignment' } })) {
    if (assign.field('left')?.text() !== 'workers') continue;
    const right = assign.field('right');
    if (!right) continue;
    const text = right.text();
    if (/^\d+$/.test(text)) return { server: 'gunicorn', workers: Number(text) };
    if (/cpu_count|nproc/.test(text)) return { server: 'gunicorn', workers: 'auto' };
    const env = /(?:environ\.get|getenv)\(\s*["'](\w+)["']\s*,\s*["']?(\d+)["']?\s*\)/.exec(text);
    if (env) return { server: 'gunicorn', workers: Number(env[2]) };
    return { server: 'gunicorn', workers: 'env' };
  }
  return undefined;
}

function pm2Config(file: ParsedFile): ScriptFacts | undefined {
  const text = file.text;
  const instances = /\binstances\s*:\s*(['"]?)(max|-?\d+)\1/.exec(text);
  if (!instances) return { server: 'pm2', workers: 1 };
  if (instances[2] === 'max' || Number(instances[2]) <= 0) return { server: 'pm2', workers: 'auto' };
  return { server: 'pm2', workers: Number(instances[2]) };
}

/** Files named like gunicorn configs (read when no `-c` names one: gunicorn loads `./gunicorn.conf.py` by default). */
const GUNICORN_CONFIG = /(^|\/)gunicorn(\.conf|_conf|_config|\.config)?\.py$/;

function buildProcessModel(files: ParsedFiles, runtime: Runtime | undefined): ProcessModel {
  const allCommands: ServeCommand[] = [];
  const evidence: ProcessEvidence[] = [];
  /** Instances of the whole service (replicas), when a platform file says. */
  const replicas: ProcessEvidence[] = [];
  let webConcurrency: { value: number | 'auto' | 'env'; at: Location } | undefined;

  const resolveScript = (from: ParsedFile) => (target: string, kind: 'python' | 'gunicorn-config' | 'pm2-config'): ScriptFacts | undefined => {
    const clean = target.replace(/^\.\//, '');
    const dir = from.path.includes('/') ? from.path.slice(0, from.path.lastIndexOf('/') + 1) : '';
    const candidates = [`${dir}${clean}`, clean];
    const file = candidates.map((c) => files.get(c)).find((f) => f) ?? files.all.find((f) => f.path.endsWith(`/${clean}`));
    if (!file) return undefined;
    if (kind === 'python') return pyScriptServer(file);
    if (kind === 'gunicorn-config') return gunicornConfig(file);
    return pm2Config(file);
  };

  const environment: ProcessModel['environment'] = [];
  const noteEnv = (key: string, value: string | undefined, at: Location) => {
    if (key) environment.push({ key, value, at });
    if (key !== 'WEB_CONCURRENCY' || value === undefined) return;
    const parsed = workersValue(value) ?? 'env';
    if (!webConcurrency || (typeof parsed === 'number' && parsed > 1)) webConcurrency = { value: parsed, at };
  };
  const addCommand = (command: ServeCommand | undefined) => {
    if (command) allCommands.push(command);
  };

  // Dockerfiles: the final stage's CMD / ENTRYPOINT and ENV WEB_CONCURRENCY.
  for (const file of files.ofKind('dockerfile', { includeTests: false })) {
    if (/\.(dev|development|local|test)$|[.-](dev|test)\b/i.test(file.path.slice(file.path.lastIndexOf('/') + 1))) continue;
    const stages = dockerStages(file);
    const last = stages[stages.length - 1];
    if (!last) continue;
    for (const ins of last.instructions) if (ins.keyword === 'ENV') for (const { key, value } of keyValues(ins)) noteEnv(key, value, file.locateLines(ins.startLine, ins.endLine));
    const entry = [...last.instructions].reverse().find((i) => i.keyword === 'ENTRYPOINT');
    const cmd = [...last.instructions].reverse().find((i) => i.keyword === 'CMD');
    const words = [...(entry ? instructionWords(entry) : []), ...(cmd ? instructionWords(cmd) : [])];
    const ins = cmd ?? entry;
    if (!ins || !words.length) continue;
    const at = file.locateLines(ins.startLine, ins.endLine);
    let command = describeServeCommand(words, at, resolveScript(file));
    // `ENTRYPOINT ["./docker-entrypoint.sh"]`: the script's own exec line.
    if (!command) {
      const script = words.find((w) => /\.sh$/.test(w));
      const target = script ? files.get(script.replace(/^\.?\//, '')) ?? files.all.find((f) => f.path.endsWith(`/${script.replace(/^\.?\//, '')}`)) : undefined;
      if (target) command = shellScriptCommand(target, resolveScript(target));
    }
    addCommand(command);
  }

  // Procfile (Heroku, Render, Railway, Dokku): the `web:` process.
  for (const file of files.all) {
    if (!/(^|\/)Procfile$/.test(file.path)) continue;
    const lines = file.text.split('\n');
    lines.forEach((line, i) => {
      const m = /^\s*web\s*:\s*(.+)$/.exec(line);
      if (!m) return;
      const command = describeServeCommand(shellWords(m[1]), file.locateLines(i + 1), resolveScript(file));
      // Heroku's Python buildpack sets WEB_CONCURRENCY for gunicorn from the dyno size.
      if (command && command.server === 'gunicorn' && command.workers === undefined) command.workers = 'env';
      addCommand(command);
    });
  }

  // Shell start scripts at the top of the repo or in scripts/ (start.sh, entrypoint.sh, run.sh).
  for (const file of files.ofKind('text', { containing: ['gunicorn', 'uvicorn', 'hypercorn', 'pm2', 'granian'], includeTests: false })) {
    if (!/(^|\/)(start|run|entrypoint|docker-entrypoint|serve|boot)[\w-]*\.sh$/.test(file.path)) continue;
    addCommand(shellScriptCommand(file, resolveScript(file)));
  }

  // docker-compose: `command:`, `deploy.replicas`, `scale:`, WEB_CONCURRENCY.
  for (const service of composeServices(files)) {
    const { file, node, doc } = service;
    const dev = isDevComposeFile(file);
    const command = yamlGet(node, 'command', doc);
    const words = command?.items ? seqItems(command, doc).map((i) => yamlScalar(i) ?? '') : yamlScalar(command) !== undefined ? shellWords(yamlScalar(command) ?? '') : [];
    if (words.length && command) {
      const described = describeServeCommand(words, locateYaml(file, command), resolveScript(file));
      if (described) addCommand({ ...described, dev: described.dev || dev });
    }
    for (const env of environmentEntries(yamlGet(node, 'environment', doc), doc)) if (!dev) noteEnv(env.key, env.value, locateYaml(file, env.node));
    const replicaNode = yamlPath(node, ['deploy', 'replicas'], doc) ?? yamlGet(node, 'scale', doc);
    const count = Number(yamlScalar(replicaNode));
    if (replicaNode && !dev && count > 1) replicas.push({ what: `${count} compose replicas of service \`${service.name}\``, processes: count, at: locateYaml(file, replicaNode) });
  }

  // Kubernetes: replicas, autoscalers, container command/args and env.
  for (const object of kubernetesObjects(files, { includeTests: false })) {
    if (object.kind === 'HorizontalPodAutoscaler') {
      const max = Number(yamlScalar(yamlPath(object.root, ['spec', 'maxReplicas'], object.doc)));
      const target = yamlScalar(yamlPath(object.root, ['spec', 'scaleTargetRef', 'name'], object.doc)) ?? object.name;
      if (max > 1) replicas.push({ what: `a HorizontalPodAutoscaler scales \`${target}\` up to ${max} replicas`, processes: 'many', at: object.file.locateLines(object.file.position(object.root.range?.[0] ?? 0).line) });
      continue;
    }
    const podSpec = podSpecOf(object);
    if (!podSpec || !/^(Deployment|StatefulSet|ReplicaSet|Rollout|ReplicationController)$/.test(object.kind)) continue;
    const replicaNode = yamlPath(object.root, ['spec', 'replicas'], object.doc);
    const count = replicaNode ? Number(yamlScalar(replicaNode)) : 1;
    if (count > 1 && replicaNode) replicas.push({ what: `${count} Kubernetes replicas of ${object.kind} \`${object.name}\``, processes: count, at: locateYaml(object.file, replicaNode) });
    for (const container of podSpec.containers) {
      if (container.init) continue;
      const words = [...yamlWords(yamlGet(container.node, 'command', object.doc), object.doc), ...yamlWords(yamlGet(container.node, 'args', object.doc), object.doc)];
      if (words.length) addCommand(describeServeCommand(words, locateYaml(object.file, container.node), resolveScript(object.file)));
      for (const env of seqItems(yamlGet(container.node, 'env', object.doc), object.doc))
        noteEnv(yamlScalar(yamlGet(env, 'name', object.doc)) ?? '', yamlScalar(yamlGet(env, 'value', object.doc)), locateYaml(object.file, env));
    }
  }

  // Render blueprints.
  for (const file of files.ofKind('yaml', { containing: ['services'], includeTests: false })) {
    if (!/(^|\/)render\.ya?ml$/.test(file.path) || !file.yaml) continue;
    for (const doc of file.yaml) {
      const services = yamlGet((doc as { contents?: unknown }).contents, 'services', doc);
      for (const service of seqItems(services, doc)) {
        const type = yamlScalar(yamlGet(service, 'type', doc));
        if (type && type !== 'web' && type !== 'pserv') continue;
        const start = yamlGet(service, 'startCommand', doc) ?? yamlGet(service, 'dockerCommand', doc);
        if (start) addCommand(describeServeCommand(shellWords(yamlScalar(start) ?? ''), locateYaml(file, start), resolveScript(file)));
        const instances = yamlGet(service, 'numInstances', doc);
        if (Number(yamlScalar(instances)) > 1 && instances) replicas.push({ what: `${yamlScalar(instances)} Render instances`, processes: Number(yamlScalar(instances)), at: locateYaml(file, instances) });
        const maxInstances = yamlPath(service, ['scaling', 'maxInstances'], doc);
        if (Number(yamlScalar(maxInstances)) > 1 && maxInstances) replicas.push({ what: `Render autoscaling up to ${yamlScalar(maxInstances)} instances`, processes: 'many', at: locateYaml(file, maxInstances) });
        for (const env of seqItems(yamlGet(service, 'envVars', doc), doc)) noteEnv(yamlScalar(yamlGet(env, 'key', doc)) ?? '', yamlScalar(yamlGet(env, 'value', doc)), locateYaml(file, env));
      }
    }
  }

  // Fly.io: `fly deploy` creates two Machines per process group unless told otherwise.
  for (const file of files.ofKind('toml', { includeTests: false })) {
    if (!/(^|\/)fly\.toml$/.test(file.path) || !file.toml) continue;
    const toml = file.toml as Record<string, unknown>;
    const service = (toml.http_service ?? (Array.isArray(toml.services) ? toml.services[0] : undefined)) as Record<string, unknown> | undefined;
    const min = Number(service?.min_machines_running ?? 0);
    const line = lineOf(file, /min_machines_running|\[http_service\]|\[\[services\]\]/) ?? 1;
    if (service) replicas.push({ what: min > 1 ? `Fly.io keeps ${min} machines running` : 'Fly.io (runs two machines per process group by default)', processes: min > 1 ? min : 'many', at: file.locateLines(line) });
    const processes = toml.processes as Record<string, unknown> | undefined;
    const web = typeof processes?.app === 'string' ? processes.app : typeof processes?.web === 'string' ? processes.web : undefined;
    if (web) addCommand(describeServeCommand(shellWords(web), file.locateLines(lineOf(file, /^\s*(app|web)\s*=/) ?? 1), resolveScript(file)));
    const env = toml.env as Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(env ?? {})) noteEnv(key, String(value), file.locateLines(lineOf(file, new RegExp(`^\\s*${key}\\s*=`)) ?? 1));
  }

  // Google App Engine (automatic scaling unless `manual_scaling` says one instance).
  for (const file of files.ofKind('yaml', { containing: ['runtime'], includeTests: false })) {
    if (!/(^|\/)app\.ya?ml$/.test(file.path) || !file.yaml?.[0]) continue;
    const doc = file.yaml[0];
    const root = (doc as { contents?: unknown }).contents;
    const runtime = yamlScalar(yamlGet(root, 'runtime', doc));
    if (!runtime || !/python|nodejs|custom/.test(runtime)) continue;
    const manual = Number(yamlScalar(yamlPath(root, ['manual_scaling', 'instances'], doc)));
    if (!(manual === 1)) replicas.push({ what: manual > 1 ? `${manual} App Engine instances` : 'App Engine automatic scaling', processes: manual > 1 ? manual : 'many', at: file.locateLines(lineOf(file, /^runtime\s*:/) ?? 1) });
    const entrypoint = yamlGet(root, 'entrypoint', doc);
    if (entrypoint) addCommand(describeServeCommand(shellWords(yamlScalar(entrypoint) ?? ''), locateYaml(file, entrypoint), resolveScript(file)));
  }

  // Serverless platforms: every invocation may run in a different instance.
  for (const file of files.all) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (file.isTest || !/^(vercel\.json|netlify\.toml|serverless\.ya?ml|zappa_settings\.json|template\.ya?ml)$/.test(name)) continue;
    if (/^template\.ya?ml$/.test(name) && !/AWS::Serverless::Function|AWS::Lambda::Function/.test(file.text)) continue;
    replicas.push({ what: `a serverless deployment (${name}): instances come and go per request`, processes: 'many', at: file.locateLines(1) });
  }
  for (const file of files.ofKind('python', { containing: ['Mangum'], includeTests: false })) {
    const call = findPyCalls(file.ast, /(^|\.)Mangum$/)[0];
    if (call) replicas.push({ what: '`Mangum(app)`: the app runs on AWS Lambda, one instance per concurrent request', processes: 'many', at: file.locate(call.node) });
  }

  // package.json `start` scripts and PM2 ecosystem files.
  for (const file of files.ofKind('json', { containing: ['"start"'], includeTests: false })) {
    if (!/(^|\/)package\.json$/.test(file.path)) continue;
    const scripts = (file.json as { scripts?: Record<string, unknown> } | undefined)?.scripts;
    const start = typeof scripts?.start === 'string' ? scripts.start : undefined;
    if (start) addCommand(describeServeCommand(shellWords(start), file.locateLines(lineOf(file, /"start"\s*:/) ?? 1), resolveScript(file)));
  }
  for (const file of files.ofKind('js', { containing: ['instances'], includeTests: false })) {
    if (!/(^|\/)ecosystem\.config\.[cm]?js$/.test(file.path)) continue;
    const facts = pm2Config(file);
    const clusterMode = /exec_mode\s*:\s*['"]cluster(_mode)?['"]/.test(file.text) || facts?.workers !== 1;
    if (facts?.workers !== undefined && facts.workers !== 1 && clusterMode)
      evidence.push({ what: `PM2 cluster mode with \`instances: ${facts.workers === 'auto' ? "'max'" : facts.workers}\``, processes: typeof facts.workers === 'number' ? facts.workers : 'many', at: file.locateLines(lineOf(file, /\binstances\s*:/) ?? 1), runtime: 'node' });
  }

  // Python and Node code: `uvicorn.run(app, workers=4)`, `cluster.fork()`.
  for (const file of files.ofKind('python', { containing: ['workers'], includeTests: false })) {
    for (const call of findPyCalls(file.ast, /(^|\.)run$/)) {
      if (!/uvicorn/.test(call.callee) && !/\buvicorn\b/.test(file.text)) continue;
      const value = workersValue(call.keywords.get('workers')?.text());
      if (typeof value === 'number' && value > 1) evidence.push({ what: `\`uvicorn.run(…, workers=${value})\``, processes: value, at: file.locate(call.node), runtime: 'python' });
      if (value === 'auto') evidence.push({ what: '`uvicorn.run(…)` with one worker per CPU', processes: 'many', at: file.locate(call.node), runtime: 'python' });
    }
  }
  for (const file of files.ofKind('python', { includeTests: false })) {
    if (!GUNICORN_CONFIG.test(file.path)) continue;
    const facts = gunicornConfig(file);
    const line = lineOf(file, /^\s*workers\s*=/m) ?? 1;
    if (facts?.workers === 'auto') evidence.push({ what: `\`workers\` from the CPU count in ${file.path}`, processes: 'many', at: file.locateLines(line), runtime: 'python' });
    else if (typeof facts?.workers === 'number' && facts.workers > 1) evidence.push({ what: `\`workers = ${facts.workers}\` in ${file.path}`, processes: facts.workers, at: file.locateLines(line), runtime: 'python' });
  }
  for (const file of files.ofKind('js', { containing: ['fork'], includeTests: false })) {
    if (!/\bcluster\b/.test(file.text)) continue;
    const call = findJsCalls(file.ast, /(^|\.)fork$/).find((c) => /^cluster\.fork$/.test(c.callee));
    if (call) evidence.push({ what: '`cluster.fork()` starts several Node.js worker processes', processes: 'many', at: file.locate(call.node), runtime: 'node' });
  }

  // Worker counts of the production start commands of this runtime.
  const commands = runtime ? allCommands.filter((c) => c.runtime === runtime) : allCommands;
  const production = commands.filter((c) => !c.dev);
  for (const command of production) {
    let workers = command.workers;
    if (workers === undefined && /^(gunicorn|uvicorn|hypercorn|fastapi run|granian)$/.test(command.server) && webConcurrency) workers = webConcurrency.value;
    if (typeof workers === 'number' && workers > 1) evidence.push({ what: `${command.server} with ${workers} worker processes`, processes: workers, at: command.at, runtime: command.runtime });
    else if (workers === 'auto') evidence.push({ what: `${command.server} with one worker process per CPU`, processes: 'many', at: command.at, runtime: command.runtime });
  }
  if (webConcurrency && typeof webConcurrency.value === 'number' && webConcurrency.value > 1 && !evidence.some((e) => e.what.includes('worker')) && runtime !== 'node')
    evidence.push({ what: `\`WEB_CONCURRENCY=${webConcurrency.value}\``, processes: webConcurrency.value, at: webConcurrency.at, runtime: 'python' });
  const relevant = evidence.filter((e) => !runtime || !e.runtime || e.runtime === runtime);
  evidence.length = 0;
  evidence.push(...relevant, ...replicas);

  const sorted = [...commands].sort((a, b) => Number(a.dev) - Number(b.dev));
  if (evidence.length) {
    const perInstance = evidence.filter((e) => !replicas.includes(e)).map((e) => e.processes);
    const instances = replicas.map((e) => e.processes);
    const count = (list: (number | 'many')[]) => (list.some((p) => p === 'many') ? undefined : list.length ? Math.max(...(list as number[])) : 1);
    const workers = count(perInstance);
    const copies = count(instances);
    const processes = workers !== undefined && copies !== undefined ? workers * copies : undefined;
    const first = evidence[0];
    const where = `${first.at.file}:${first.at.startLine ?? 1}`;
    const summary = `${processes ? `${processes} processes` : 'several processes'} serve requests (${first.what}, ${where}${evidence.length > 1 ? `, and ${evidence.length - 1} more` : ''})`;
    return { kind: 'many', processes, evidence, commands: sorted, summary, environment };
  }
  const unknownWorkers = production.some((c) => c.workers === 'env' || (c.workers === undefined && c.server !== 'gunicorn' && c.server !== 'uvicorn' && c.server !== 'daphne' && c.server !== 'node'));
  if (production.length && !unknownWorkers) {
    const first = production[0];
    return {
      kind: 'one',
      processes: 1,
      evidence: production.map((c) => ({ what: `\`${c.text}\``, processes: 1, at: c.at })),
      commands: sorted,
      environment,
      summary: `one process serves requests (\`${first.text}\`, ${first.at.file}:${first.at.startLine ?? 1})`,
    };
  }
  const hint = production[0] ?? sorted[0];
  return {
    kind: 'unknown',
    evidence: [],
    commands: sorted,
    environment,
    summary: hint
      ? `the deployment does not say how many processes serve requests (\`${hint.text}\`, ${hint.at.file}:${hint.at.startLine ?? 1}${hint.workers === 'env' ? ', workers from the environment' : ''})`
      : 'the repository has no deployment configuration that says how many processes serve requests',
  };
}

/** The last server command of a shell script (`exec gunicorn …`), continuation lines joined. */
function shellScriptCommand(file: ParsedFile, resolve: (path: string, kind: 'python' | 'gunicorn-config' | 'pm2-config') => ScriptFacts | undefined): ServeCommand | undefined {
  let found: ServeCommand | undefined;
  const lines = file.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, ' ')}${lines[++i]}`;
    if (/^\s*#/.test(line)) continue;
    const command = describeServeCommand(shellWords(line), file.locateLines(start + 1, i + 1), resolve);
    if (command) found = command;
  }
  return found;
}

function environmentEntries(env: YamlNode | undefined, doc: unknown): { key: string; value: string | undefined; node: YamlNode }[] {
  if (!env) return [];
  if (env.items?.some((i) => i && typeof i === 'object' && 'key' in i))
    return yamlEntries(env, doc).map((e) => ({ key: e.key, value: yamlScalar(e.value), node: e.value ?? env }));
  return seqItems(env, doc).map((item) => {
    const text = yamlScalar(item) ?? '';
    const eq = text.indexOf('=');
    return { key: eq > 0 ? text.slice(0, eq) : text, value: eq > 0 ? text.slice(eq + 1) : undefined, node: item };
  });
}

function yamlWords(node: YamlNode | undefined, doc: unknown): string[] {
  if (!node) return [];
  if (node.items) return seqItems(node, doc).map((i) => yamlScalar(i) ?? '');
  const text = yamlScalar(node);
  return text ? shellWords(text) : [];
}

function locateYaml(file: ParsedFile, node: YamlNode): Location {
  const start = node.range?.[0] ?? 0;
  return file.locateLines(file.position(start).line);
}

function lineOf(file: ParsedFile, pattern: RegExp): number | undefined {
  const m = new RegExp(pattern.source, pattern.flags.includes('m') ? pattern.flags : `${pattern.flags}m`).exec(file.text);
  return m ? file.position(m.index).line : undefined;
}

/**
 * The first file that deploys the service to production, if any: a Dockerfile that is not for
 * development, a non-dev compose file, Kubernetes workloads, a PaaS blueprint (render.yaml,
 * fly.toml, Procfile, app.yaml, vercel.json, serverless.yml). Undefined for a repository that only
 * runs locally.
 */
export function productionDeployment(files: ParsedFiles): { what: string; at: Location } | undefined {
  const name = (f: ParsedFile) => f.path.slice(f.path.lastIndexOf('/') + 1);
  for (const file of files.all) {
    if (file.isTest) continue;
    const base = name(file);
    if (/^(render\.ya?ml|fly\.toml|Procfile|app\.ya?ml|vercel\.json|netlify\.toml|serverless\.ya?ml|railway\.(json|toml)|heroku\.yml)$/.test(base)) {
      if (/^app\.ya?ml$/.test(base) && !/^runtime\s*:/m.test(file.text)) continue;
      return { what: base, at: file.locateLines(1) };
    }
  }
  const dockerfile = files.ofKind('dockerfile', { includeTests: false }).find((f) => !/\.(dev|development|local|test)$|[.-](dev|test)\b/i.test(name(f)));
  if (dockerfile) return { what: dockerfile.path, at: dockerfile.locateLines(1) };
  const compose = composeServices(files).find((s) => !isDevComposeFile(s.file));
  if (compose) return { what: compose.file.path, at: compose.file.locateLines(1) };
  const workload = kubernetesObjects(files, { includeTests: false }).find((o) => /^(Deployment|StatefulSet|Rollout)$/.test(o.kind));
  if (workload) return { what: `${workload.kind} \`${workload.name}\` (${workload.file.path})`, at: workload.file.locateLines(1) };
  return undefined;
}
