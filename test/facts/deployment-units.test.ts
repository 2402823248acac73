/** Deployable units for compound rules: compose services and their code folders, ports on every interface, env files, 0.0.0.0 binds. */
import { describe, expect, it } from 'vitest';
import { deploymentUnits, sameUnit, unitOf } from '../../src/facts/deployment-units.ts';
import { indexTree } from '../support/index-tree.ts';

describe('deployment units', () => {
  it('maps compose services to their code folders with their public ports and env files', async () => {
    const { files } = await indexTree({
      'docker-compose.yml': [
        'services:',
        '  api:',
        '    build: ./backend',
        '    env_file: [.env, backend/.env.prod]',
        '    ports:',
        '      - "8000:8000"',
        '      - "127.0.0.1:9090:9090"',
        '  web:',
        '    image: node:20',
        '    volumes: ["./frontend:/app", "./nginx.conf:/etc/nginx/nginx.conf"]',
        '    ports:',
        '      - target: 3000',
        '        published: 3000',
        '        host_ip: 127.0.0.1',
        '  worker:',
        '    build:',
        '      context: ./backend',
        '      dockerfile: Dockerfile.worker',
        '  db:',
        '    image: postgres:16',
        '    ports: ["5432:5432"]',
      ].join('\n'),
      'docker-compose.override.yml': 'services:\n  api:\n    ports: ["8001:8000"]\n',
      'backend/app/main.py': 'import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("app.main:app", host="0.0.0.0", port=8000)\n',
      'frontend/app/page.tsx': 'export default function Page() { return null; }\n',
      'scripts/seed.py': 'print(1)\n',
    });
    const units = deploymentUnits(files);
    // Deepest folders first, so a file belongs to the most specific unit; the repository last.
    expect(units.map((u) => `${u.name} ${u.dir || '.'} ${u.exposures.length} [${u.envFiles.join(', ')}]`)).toEqual([
      'web frontend/ 0 []',
      'api backend/ 2 [.env, backend/.env.prod]',
      'worker backend/ 0 []',
      '(repository) . 0 []',
    ]);
    const api = units.find((u) => u.name === 'api')!;
    expect(api.exposures.map((e) => `${e.file}:${e.startLine} ${e.note}`)).toEqual([
      'docker-compose.yml:6 service `api` publishes port `8000:8000` on every interface of the host',
      'backend/app/main.py:4 `uvicorn.run("app.main:app", host="0.0.0.0", port=8000)` listens on every interface',
    ]);
    expect(unitOf(units, 'backend/app/main.py').name).toBe('api');
    expect(unitOf(units, 'scripts/seed.py').name).toBe('(repository)');
    expect(sameUnit(units, 'backend/app/main.py', 'frontend/app/page.tsx')).toBe(false);
  });

  it('is one unit, the repository, without compose', async () => {
    const { files } = await indexTree({ 'app.py': 'from flask import Flask\n\napp = Flask(__name__)\napp.run(host="127.0.0.1")\n' });
    expect(deploymentUnits(files).map((u) => [u.name, u.exposures.length])).toEqual([['(repository)', 0]]);
  });
});
