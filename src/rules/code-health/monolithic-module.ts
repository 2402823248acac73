import { fileStructure, handWrittenSources, monolithLevel, MONOLITH_THRESHOLDS, nameConcerns, routePrefixes, routesByFile } from '../../facts/code-structure.ts';
import { defineRule } from '../../model/rule.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

/** How many prefixes / concerns the message names. */
const LISTED = 5;

export default defineRule({
  meta: {
    id: 'monolithic-module',
    category: 'code-health',
    title: 'Monolithic module',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Code Structure',
    effortHours: 16,
    messages: {
      monolithRoutes: '`{{file}}` holds {{size}} in one module; split it by route prefix: {{prefixes}}.',
      monolith: '`{{file}}` holds {{size}} in one module; split it by concern: {{concerns}}.',
    },
    why: [
      'A module that holds a whole application (the 130,087-line `server.py` of one reference audit) cannot be reviewed, tested or owned: every change touches the same file, merge conflicts are constant, one import error takes every route down, and neither people nor tools can hold it in their head. Security review misses what it cannot read, and the test suite cannot target one concern.',
      '',
      `Thresholds (highest level crossed wins): low from ${fmt(MONOLITH_THRESHOLDS.low.lines)} lines, ${MONOLITH_THRESHOLDS.low.routes} routes or ${MONOLITH_THRESHOLDS.low.functions} functions; medium from ${fmt(MONOLITH_THRESHOLDS.medium.lines)} lines, ${MONOLITH_THRESHOLDS.medium.routes} routes or ${MONOLITH_THRESHOLDS.medium.functions} functions; high from ${fmt(MONOLITH_THRESHOLDS.high.lines)} lines, ${MONOLITH_THRESHOLDS.high.routes} routes or ${MONOLITH_THRESHOLDS.high.functions} functions. Tests, migrations and generated code are not judged.`,
    ].join('\n'),
    fix: [
      'Split the module along its route prefixes (one router per concern) or, for a module without routes, along the concerns its functions serve; keep the entry module to app creation and wiring. Move one prefix at a time, with its tests, so each step can ship.',
      '',
      'FastAPI:',
      '```python',
      '# app/routers/chat.py',
      'router = APIRouter(prefix="/api/chat", tags=["chat"])',
      '',
      '@router.post("/send")',
      'async def send(message: ChatMessage, user: CurrentUser) -> ChatReply: ...',
      '',
      '# app/main.py: only wiring',
      'app = FastAPI()',
      'for r in (auth.router, chat.router, projects.router):',
      '    app.include_router(r)',
      '```',
      'Express:',
      '```ts',
      "// routes/chat.ts",
      'export const chatRouter = Router();',
      "chatRouter.post('/send', requireAuth, sendMessage);",
      '// app.ts',
      "app.use('/api/chat', chatRouter);",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'server.py': [
          'from fastapi import FastAPI',
          '',
          'app = FastAPI()',
          '',
          ...Array.from({ length: 42 }, (_, i) => `@app.get("/api/${['chat', 'projects', 'auth'][i % 3]}/item${i}")\nasync def item_${i}():\n    return {"item": ${i}}\n`),
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'server.py': [
          'from fastapi import FastAPI',
          '',
          'app = FastAPI()',
          '',
          ...Array.from({ length: 12 }, (_, i) => `@app.get("/api/chat/item${i}")\nasync def item_${i}():\n    return {"item": ${i}}\n`),
        ].join('\n'),
      },
    },
    references: { urls: ['https://fastapi.tiangolo.com/tutorial/bigger-applications/', 'https://expressjs.com/en/guide/routing.html#express-router'], equivalents: ['pylint:C0302 too-many-lines', 'eslint:max-lines'] },
  },
  check({ index, files, report }) {
    const routes = routesByFile(index.routes);
    for (const file of handWrittenSources(files)) {
      const structure = fileStructure(file);
      const fileRoutes = routes.get(file.path) ?? [];
      const counts = { lines: structure.lines, routes: fileRoutes.length, functions: structure.functions };
      const level = monolithLevel(counts);
      // A large file of data (a country table, a fixture dump) is not a god module.
      if (!level || (counts.routes === 0 && counts.functions < 10)) continue;
      const size = [plural(counts.lines, 'line'), ...(counts.routes ? [plural(counts.routes, 'route')] : []), plural(counts.functions, 'function')];
      const data = { file: file.path, size: size.length === 3 ? `${size[0]}, ${size[1]} and ${size[2]}` : size.join(' and '), level: level.level, crossed: level.crossed.join(', ') };
      // The whole file is the finding: anchored on line 1 without a snippet, so its identity survives edits.
      const at = { file: file.path, startLine: 1, endLine: 1 };
      if (fileRoutes.length) {
        const prefixes = routePrefixes(fileRoutes);
        const listed = prefixes.slice(0, LISTED).map((p) => `\`${p.prefix}\` (${plural(p.routes, 'route')})`);
        if (prefixes.length > LISTED) listed.push(`${prefixes.length - LISTED} more prefixes`);
        const related = prefixes.slice(0, LISTED).map((p) => {
          const first = fileRoutes.find((r) => routePrefixes([r])[0].prefix === p.prefix)!;
          return { ...first.at, note: `first of ${plural(p.routes, 'route')} under \`${p.prefix}\`` };
        });
        report({ messageId: 'monolithRoutes', at, data: { ...data, prefixes: listed.join(', ') }, related, severity: level.level });
      } else {
        const concerns = nameConcerns(structure.topLevelNames).filter((c) => c.names > 1);
        const listed = concerns.slice(0, LISTED).map((c) => `\`${c.concern}\` (${plural(c.names, 'definition')})`);
        if (concerns.length > LISTED) listed.push(`${concerns.length - LISTED} more concerns`);
        report({ messageId: 'monolith', at, data: { ...data, concerns: listed.length ? listed.join(', ') : 'the groups of functions that change together' }, severity: level.level });
      }
    }
  },
});
