/** What a route handler reaches: chains across modules, singletons, constructors, Depends, nested helpers; JS imports and members. */
import { describe, expect, it } from 'vitest';
import { describeChain, jsCallGraph, pyCallGraph, sitesReachedFromRoutes } from '../../src/facts/call-reach.ts';
import { handlersWithRoutes } from '../../src/facts/routes/route-scope.ts';
import { indexTree } from '../support/route-table.ts';

const PY_APP = {
  'requirements.txt': 'fastapi==0.115.0\n',
  'app/__init__.py': '',
  'app/services.py': [
    'class Brain:',
    '    def __init__(self):',
    '        self.prompt = "hi"',
    '',
    '    def configure(self, prompt):',
    '        self._apply(prompt)',
    '',
    '    def _apply(self, prompt):',
    '        self.prompt = prompt',
    '',
    '',
    'brain = Brain()',
    '',
    '',
    'class Exporter:',
    '    def __init__(self, fmt):',
    '        self.fmt = fmt',
    '',
    '',
    'def get_db():',
    '    yield object()',
    '',
    '',
    'def retry(operation):',
    '    return operation()',
    '',
    '',
    'def fetch_rows():',
    '    def run():',
    '        return load_rows()',
    '    return retry(run)',
    '',
    '',
    'def load_rows():',
    '    return []',
    '',
  ].join('\n'),
  'app/main.py': [
    'from fastapi import Depends, FastAPI',
    '',
    'from app.services import Exporter, brain, fetch_rows, get_db',
    '',
    'app = FastAPI()',
    '',
    '',
    '@app.post("/prompt")',
    'async def set_prompt(text: str, db=Depends(get_db)):',
    '    brain.configure(text)',
    '    Exporter("csv")',
    '    return {"rows": fetch_rows(), "n": len(text)}',
    '',
  ].join('\n'),
};

describe('PyCallGraph', () => {
  it('follows methods of a module-level instance, self calls, constructors, Depends and a nested helper handed to another function', async () => {
    const { files, index } = await indexTree(PY_APP);
    const [handler] = handlersWithRoutes(index.routes, files, 'python');
    const graph = pyCallGraph(files);
    const reached = graph.reach(graph.start(handler.file, handler.fn), { maxDepth: 4 });
    const chains = Object.fromEntries(reached.map((p) => [p.label, describeChain('set_prompt', p.chain)]));
    expect(chains).toEqual({
      set_prompt: 'set_prompt',
      get_db: 'set_prompt → Depends(get_db)',
      'Brain.configure': 'set_prompt → brain.configure',
      'Brain._apply': 'set_prompt → brain.configure → self._apply',
      'Exporter.__init__': 'set_prompt → Exporter',
      fetch_rows: 'set_prompt → fetch_rows',
      retry: 'set_prompt → fetch_rows → retry',
      run: 'set_prompt → fetch_rows → run',
      load_rows: 'set_prompt → fetch_rows → run → load_rows',
    });
    expect(reached.find((p) => p.label === 'get_db')?.kinds).toEqual(['dependency']);
    expect(reached.find((p) => p.label === 'Exporter.__init__')?.kinds).toEqual(['constructor']);
  });

  it('stops at the hop limit and where `follow` says no; resolves each function once', async () => {
    const { files, index } = await indexTree(PY_APP);
    const [handler] = handlersWithRoutes(index.routes, files, 'python');
    const graph = pyCallGraph(files);
    const start = graph.start(handler.file, handler.fn);
    expect(graph.reach(start, { maxDepth: 1 }).map((p) => p.label).sort()).toEqual(['Brain.configure', 'Exporter.__init__', 'fetch_rows', 'get_db', 'set_prompt']);
    expect(graph.reach(start, { follow: (edge) => edge.kind !== 'dependency' }).some((p) => p.label === 'get_db')).toBe(false);
    expect(graph.callees(start)).toBe(graph.callees(start));
  });
});

describe('JsCallGraph and sitesReachedFromRoutes', () => {
  it('follows imported functions and object members from Express handlers, and groups sites by function with every route', async () => {
    const { files, index } = await indexTree({
      'package.json': '{"dependencies":{"express":"^4.21.0"}}\n',
      'src/lib/audit.js': 'export function record(event) {\n  return write(event);\n}\nfunction write(event) {\n  return event;\n}\n',
      'src/app.js': [
        "import express from 'express';",
        "import { record } from './lib/audit.js';",
        'const app = express();',
        "app.post('/a', (req, res) => { record('a'); res.end(); });",
        "app.post('/b', (req, res) => { record('b'); res.end(); });",
        'export default app;',
      ].join('\n'),
    });
    const graph = jsCallGraph(files);
    const [handler] = handlersWithRoutes(index.routes, files, 'js');
    expect(graph.reach(graph.start(handler.file, handler.fn, 'inline handler')).map((p) => describeChain('h', p.chain))).toEqual(['h', 'h → record', 'h → record → write']);
    const sites = sitesReachedFromRoutes<string>(index.routes, files, { js: (path) => (path.label === 'write' ? ['write-site'] : []), key: (s) => s });
    expect(sites).toHaveLength(1);
    expect(sites[0].reachers.map((r) => `${r.routes[0].method} ${r.routes[0].path}`)).toEqual(['POST /a', 'POST /b']);
  });
});
