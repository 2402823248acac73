import { joinWords } from '../../parse/syntax.ts';
import type { Severity } from '../../model/rule.ts';
import { defineRule } from '../../model/rule.ts';
import { processModel } from '../../facts/process-model.ts';
import { reacherLabels, sharedState, type SharedState } from '../../facts/shared-state.ts';

/**
 * State shared by the concurrent requests of a process: module-level instances whose attributes
 * handlers set (directly or through the instance's methods), names rebound with `global`, class
 * attributes, and — when one process serves requests, so `in-memory-store-per-process` has
 * nothing to say — module-level collections. The analysis is `facts/shared-state.ts`.
 */

export default defineRule({
  meta: {
    id: 'module-state-mutated-in-handler',
    category: 'concurrency',
    title: 'Module-level state written by request handlers',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Shared State',
    effortHours: 3,
    messages: {
      sharedCollection: 'Module-level {{type}} `{{name}}` is written by {{writers}}: concurrent requests of the process race on it{{growth}}.',
      sharedObjectAttribute:
        'Module-level `{{name}}` ({{type}} instance) is modified by {{writers}}, which change {{attributes}}: one object shared by every request of a process, so one request\'s data leaks into the next.',
      globalRebound: 'Module-level `{{name}}` is reassigned by {{writers}}: one value shared by every request of a process and by none of the other workers.',
      classAttributeWritten: 'Class attribute `{{name}}` ({{type}}) is changed by {{writers}}: one value shared by every instance and every request of the process, not one per object.',
      lockedCollection: 'Module-level {{type}} `{{name}}` is written by {{writers}} under a lock: safe within this one process{{growth}}.',
      unboundedCollection: 'Module-level {{type}} `{{name}}` is added to by {{writers}} and nothing ever removes its entries: it grows with every request until the process runs out of memory or restarts.',
    },
    why: [
      'State that lives at module level — or on a module-level object, or on a class — is shared by every request the process serves. When a handler writes per-request data there (a system prompt, the caller of a phone call, a conversation history), concurrent requests overwrite each other: one user\'s prompt or data leaks into another user\'s request, and check-then-write sequences race. The write does not have to be in the handler: `handle_call → agent_brain.start_call → self.current_system_prompt = …` is the same defect one call deeper, and a mutable class attribute (`hits: dict = {}`) is shared by every instance even when each request builds its own.',
      '',
      'When several processes serve requests, each has its own copy as well: that case is reported by `in-memory-store-per-process` for collections used as stores. Here a collection is reported when one process serves requests (threads still race on it), and in Node.js when it only ever grows.',
    ].join('\n'),
    fix: [
      'Keep per-request data on the request or in an object created for it (`CallSession(call_sid)`, `request.state`, Flask `g`, a `contextvars.ContextVar`); keep shared data in a store every worker sees (the database, Redis), keyed by user or session. A process-wide object should be created once at start-up and only read by handlers.',
      '',
      '```python',
      'class CallSession:',
      '    def __init__(self, call_sid: str, agent: dict):',
      '        self.call_sid = call_sid',
      '        self.brain = AgentBrain(system_prompt=agent["system_prompt"])  # one brain per call',
      '',
      '@voice_bp.post("/incoming")',
      'def incoming_call():',
      '    session = CallSession(request.form["CallSid"], load_agent(request.form["To"]))',
      '    redis_client.hset(f"call:{session.call_sid}", mapping={"agent_id": session.brain.agent_id})',
      '    ...',
      '```',
      '',
      'Where one process-wide counter is the design, guard it with a lock (`threading.Lock`, `asyncio.Lock`); the finding then drops to info.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\n\nclass Assistant:\n    def __init__(self):\n        self.system_prompt = "You are helpful."\n\n    def configure(self, prompt: str):\n        self.system_prompt = prompt\n\n\nassistant = Assistant()\n\n\n@app.put("/assistant/prompt")\nasync def set_prompt(prompt: str):\n    assistant.configure(prompt)\n    return {"ok": True}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\n\nclass Assistant:\n    def __init__(self, system_prompt: str):\n        self.system_prompt = system_prompt\n\n\n@app.post("/assistant/reply")\nasync def reply(prompt: str, text: str):\n    assistant = Assistant(prompt)\n    return {"prompt": assistant.system_prompt, "text": text}\n',
      },
    },
    references: {
      cwe: [362, 567],
      urls: ['https://fastapi.tiangolo.com/deployment/concepts/#replication-processes-and-memory'],
      equivalents: ['pylint:W0603 (global-statement, partial)'],
    },
  },
  check({ index, files, report }) {
    const states = sharedState(index.routes, files);
    for (const state of states) {
      // A singleton holding per-request data: its collection attributes belong to the same finding.
      const members = state.kind === 'instance' && state.writes.some((w) => w.how === 'attribute') ? states.filter((m) => m.owner === state.key) : [];
      const writes = [...state.writes, ...members.flatMap((m) => m.writes)];
      if (!writes.length) continue;
      const labels = reacherLabels(writes.flatMap((w) => w.reachers));
      const related = writes.map((w) => w.file.locate(w.node, `written by ${joinWords(reacherLabels(w.reachers), 'routes')}`));
      const data = { name: state.name, type: state.type, writers: joinWords(labels, 'routes'), growth: '' };
      const allLocked = writes.every((w) => w.locked);
      let severity: Severity = /cache|memo/i.test(state.name) ? 'medium' : 'high';
      if (allLocked) severity = 'info';

      if (state.scope === 'class') {
        report({ messageId: 'classAttributeWritten', at: state.at, data, related, severity: allLocked ? 'info' : 'high' });
        continue;
      }
      if (state.scope === 'module' && writes.some((w) => w.how === 'rebind')) {
        report({ messageId: 'globalRebound', at: state.at, data, related, severity });
        continue;
      }
      if (state.scope === 'module' && state.kind === 'instance' && writes.some((w) => w.how === 'attribute')) {
        const attributes = unique([...state.writes.map((w) => (w.attribute ? `${state.name}.${w.attribute}` : '')).filter(Boolean), ...members.map((m) => m.name)]);
        report({ messageId: 'sharedObjectAttribute', at: state.at, data: { ...data, attributes: joinWords(attributes, 'attributes') }, related, severity });
        continue;
      }
      // Collections: with several processes (or an unknown number) they are `in-memory-store-per-process`'s finding.
      if (state.kind !== 'collection' || state.scope !== 'module' || processModel(files, state.runtime).kind !== 'one') continue;
      if (state.runtime === 'node') {
        // One Node.js process runs one request at a time: the risk left is memory that only grows.
        if (state.grows) report({ messageId: 'unboundedCollection', at: state.at, data, related, severity: 'medium' });
        continue;
      }
      const growth = state.grows ? '; nothing ever removes its entries, so it grows until the process restarts' : '';
      if (allLocked) report({ messageId: 'lockedCollection', at: state.at, data: { ...data, growth }, related, severity: 'info' });
      else report({ messageId: 'sharedCollection', at: state.at, data: { ...data, growth }, related, severity });
    }
  },
});

const unique = (items: string[]) => [...new Set(items)];


export type { SharedState };
