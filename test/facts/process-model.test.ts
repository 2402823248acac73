/** How many processes serve requests, from inline deployment trees: workers, replicas, platforms, and what stays unknown. */
import { describe, expect, it } from 'vitest';
import { describeServeCommand, processModel } from '../../src/facts/process-model.ts';
import { parseTree } from '../support/route-table.ts';

const at = { file: 'x', startLine: 1 };

describe('describeServeCommand', () => {
  it('reads worker flags of the Python servers in every spelling', () => {
    expect(describeServeCommand(['gunicorn', '-w', '4', 'app:app'], at)?.workers).toBe(4);
    expect(describeServeCommand(['gunicorn', '-w4', 'app:app'], at)?.workers).toBe(4);
    expect(describeServeCommand(['gunicorn', '--workers=3', '-k', 'uvicorn.workers.UvicornWorker', 'app.main:app'], at)?.workers).toBe(3);
    expect(describeServeCommand(['uvicorn', 'app.main:app', '--workers', '2'], at)).toMatchObject({ server: 'uvicorn', workers: 2, dev: false });
    expect(describeServeCommand(['uvicorn', 'app.main:app', '--reload'], at)).toMatchObject({ server: 'uvicorn', workers: undefined, dev: true });
    expect(describeServeCommand(['gunicorn', '--workers', '${WEB_CONCURRENCY:-5}', 'app:app'], at)?.workers).toBe(5);
    expect(describeServeCommand(['gunicorn', '--workers', '$WORKERS', 'app:app'], at)?.workers).toBe('env');
    expect(describeServeCommand(['hypercorn', '-w', '8', 'app:app'], at)?.workers).toBe(8);
  });

  it('looks through shells, wrappers, runners and command chains to the server', () => {
    expect(describeServeCommand(['sh', '-c', 'alembic upgrade head && exec gunicorn -w 3 app:app'], at)).toMatchObject({ server: 'gunicorn', workers: 3 });
    expect(describeServeCommand(['poetry', 'run', 'uvicorn', 'main:app', '--workers', '4'], at)?.workers).toBe(4);
    expect(describeServeCommand(['python', '-m', 'gunicorn', '-w', '2', 'app:app'], at)?.workers).toBe(2);
    expect(describeServeCommand(['opentelemetry-instrument', 'uvicorn', 'main:app'], at)?.server).toBe('uvicorn');
    expect(describeServeCommand(['pm2-runtime', 'start', 'server.js', '-i', 'max'], at)).toMatchObject({ server: 'pm2', workers: 'auto' });
    expect(describeServeCommand(['celery', '-A', 'tasks', 'worker'], at)).toBeUndefined();
  });
});

describe('processModel', () => {
  it('counts gunicorn workers from a Dockerfile CMD', async () => {
    const model = processModel(await parseTree({ Dockerfile: 'FROM python:3.12-slim\nCOPY . .\nCMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "app:app"]\n' }));
    expect(model.kind).toBe('many');
    expect(model.processes).toBe(4);
    expect(model.evidence[0].at).toMatchObject({ file: 'Dockerfile', startLine: 3 });
    expect(model.summary).toMatch(/^4 processes serve requests \(gunicorn with 4 worker processes, Dockerfile:3\)/);
  });

  it('takes workers from WEB_CONCURRENCY and from a gunicorn config file', async () => {
    const env = processModel(await parseTree({ Dockerfile: 'FROM python:3.12\nENV WEB_CONCURRENCY=3\nCMD gunicorn app:app\n' }));
    expect(env).toMatchObject({ kind: 'many', processes: 3 });
    const conf = processModel(await parseTree({ Dockerfile: 'FROM python:3.12\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n', 'gunicorn.conf.py': 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n' }));
    expect(conf.kind).toBe('many');
    expect(conf.processes).toBeUndefined();
  });

  it('multiplies workers by Kubernetes replicas and sees autoscalers', async () => {
    const files = await parseTree({
      'k8s/deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          args: ["uvicorn", "app.main:app", "--workers", "2"]\n',
    });
    expect(processModel(files)).toMatchObject({ kind: 'many', processes: 6 });
    const hpa = await parseTree({
      'k8s/hpa.yaml': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef:\n    name: api\n  minReplicas: 1\n  maxReplicas: 10\n',
    });
    expect(processModel(hpa).evidence[0].what).toMatch(/up to 10 replicas/);
  });

  it('is one process for a single-worker uvicorn or the Flask server started by python app.py', async () => {
    const uvicorn = processModel(await parseTree({ Dockerfile: 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n' }));
    expect(uvicorn.kind).toBe('one');
    const flask = processModel(
      await parseTree({ Dockerfile: 'FROM python:3.12\nCMD ["python", "app.py"]\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="0.0.0.0")\n' }),
    );
    expect(flask.kind).toBe('one');
    expect(flask.summary).toMatch(/one process serves requests \(`python app\.py`/);
  });

  it('is unknown without deployment files, for dev-only commands and for a Procfile gunicorn (the platform sets WEB_CONCURRENCY)', async () => {
    expect(processModel(await parseTree({ 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' })).kind).toBe('unknown');
    expect(processModel(await parseTree({ 'docker-compose.dev.yml': 'services:\n  api:\n    build: .\n    command: uvicorn main:app --reload\n' })).kind).toBe('unknown');
    const procfile = processModel(await parseTree({ Procfile: 'web: gunicorn app:app\n' }));
    expect(procfile.kind).toBe('unknown');
    expect(procfile.summary).toMatch(/workers from the environment/);
  });

  it('sees replicas in compose, Render, Fly.io, serverless configs and PM2 / cluster in Node', async () => {
    expect(processModel(await parseTree({ 'docker-compose.yml': 'services:\n  api:\n    image: api:1\n    command: uvicorn main:app\n    deploy:\n      replicas: 3\n' }))).toMatchObject({ kind: 'many', processes: 3 });
    expect(processModel(await parseTree({ 'render.yaml': 'services:\n  - type: web\n    name: api\n    startCommand: gunicorn app:app\n    numInstances: 2\n' })).kind).toBe('many');
    expect(processModel(await parseTree({ 'fly.toml': 'app = "api"\n[http_service]\n  internal_port = 8000\n' })).kind).toBe('many');
    expect(processModel(await parseTree({ 'vercel.json': '{}\n' })).kind).toBe('many');
    expect(processModel(await parseTree({ 'ecosystem.config.js': "module.exports = { apps: [{ name: 'api', script: 'dist/server.js', instances: 'max', exec_mode: 'cluster' }] };\n" })).kind).toBe('many');
    expect(
      processModel(await parseTree({ 'src/server.js': "import cluster from 'node:cluster';\nif (cluster.isPrimary) { for (let i = 0; i < 4; i++) cluster.fork(); }\n", 'package.json': '{"scripts":{"start":"node src/server.js"}}\n' })).kind,
    ).toBe('many');
    expect(processModel(await parseTree({ 'package.json': '{"scripts":{"start":"node src/server.js"}}\n', 'src/server.js': 'console.log(1)\n' })).kind).toBe('one');
  });

  it('answers per runtime: the Python servers and the Node.js servers of one repository separately', async () => {
    const files = await parseTree({
      'docker-compose.yml': 'services:\n  api:\n    build: ./backend\n    command: uvicorn main:app --reload\n',
      'frontend/package.json': '{"scripts":{"start":"next start"}}\n',
    });
    expect(processModel(files, 'python').kind).toBe('unknown');
    expect(processModel(files, 'node').kind).toBe('one');
  });
});
