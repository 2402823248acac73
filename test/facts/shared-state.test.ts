/** Shared state written by route handlers: what counts, who writes it, through which chain, and what stays out. */
import { describe, expect, it } from 'vitest';
import { reacherLabels, sharedState } from '../../src/facts/shared-state.ts';
import { indexTree } from '../support/route-table.ts';

const APP = {
  'requirements.txt': 'flask==3.0.3\n',
  'app.py': [
    'import threading',
    'from collections import deque',
    '',
    'from flask import Flask, g, request',
    '',
    'app = Flask(__name__)',
    'sessions = {}',
    'recent = deque(maxlen=50)',
    'counters = {"hits": 0}',
    'lock = threading.Lock()',
    'local = threading.local()',
    'PLANS = {"free": 1}',
    '',
    '',
    'class Agent:',
    '    def __init__(self):',
    '        self.prompt = ""',
    '        self.history = []',
    '',
    '    def start(self, prompt):',
    '        self.prompt = prompt',
    '        self.history.append(prompt)',
    '',
    '',
    'agent = Agent()',
    '',
    '',
    'class Limiter:',
    '    hits = {}',
    '',
    '    def allow(self, key):',
    '        self.hits[key] = self.hits.get(key, 0) + 1',
    '        return True',
    '',
    '',
    '@app.post("/login")',
    'def login():',
    '    sessions[request.json["token"]] = request.json["email"]',
    '    recent.append(request.json["email"])',
    '    with lock:',
    '        counters["hits"] += 1',
    '    g.user = request.json["email"]',
    '    local.user = request.json["email"]',
    '    Limiter().allow(request.remote_addr)',
    '    return ""',
    '',
    '',
    '@app.get("/me")',
    'def me():',
    '    return sessions.get(request.headers["X-Token"], PLANS["free"])',
    '',
    '',
    '@app.post("/logout")',
    'def logout():',
    '    sessions.pop(request.headers["X-Token"], None)',
    '    return ""',
    '',
    '',
    '@app.post("/calls")',
    'def call():',
    '    agent.start(request.json["prompt"])',
    '    return ""',
    '',
  ].join('\n'),
};

describe('sharedState', () => {
  it('finds collections, singletons written through their methods, and class attributes, with routes and chains', async () => {
    const { files, index } = await indexTree(APP);
    const states = Object.fromEntries(sharedState(index.routes, files).map((s) => [s.name, s]));
    expect(Object.keys(states).sort()).toEqual(['Limiter.hits', 'agent', 'agent.history', 'counters', 'recent', 'sessions']);

    const sessions = states.sessions;
    expect(sessions).toMatchObject({ kind: 'collection', type: 'dict', scope: 'module', bounded: false, removedSomewhere: true, grows: false });
    expect(reacherLabels(sessions.writes.flatMap((w) => w.reachers))).toEqual(['POST /login (login)', 'POST /logout (logout)']);
    expect(reacherLabels(sessions.reads.flatMap((r) => r.reachers))).toContain('GET /me (me)');

    expect(states.recent).toMatchObject({ type: 'deque', bounded: true });
    expect(states.counters.writes.every((w) => w.locked)).toBe(true);
    expect(states.counters.grows).toBe(false);

    expect(states.agent).toMatchObject({ kind: 'instance', type: 'Agent', scope: 'module' });
    expect(states.agent.writes.map((w) => w.attribute)).toEqual(['prompt']);
    expect(reacherLabels(states.agent.writes[0].reachers)).toEqual(['POST /calls (call → agent.start)']);
    expect(states['agent.history']).toMatchObject({ scope: 'singleton-member', owner: states.agent.key, grows: true });

    expect(states['Limiter.hits']).toMatchObject({ scope: 'class', kind: 'collection' });
    expect(reacherLabels(states['Limiter.hits'].writes[0].reachers)).toEqual(['POST /login (login → Limiter().allow)']);
  });

  it('leaves out request-scoped contexts, thread-locals, constants read by handlers and state no handler reaches', async () => {
    const { files, index } = await indexTree(APP);
    const names = sharedState(index.routes, files).map((s) => s.name);
    for (const name of ['g', 'local', 'PLANS', 'lock', 'app']) expect(names).not.toContain(name);
  });
});
