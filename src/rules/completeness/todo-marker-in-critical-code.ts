import { codeMarkers, securityTopicOf } from '../../facts/code-markers.ts';
import { reachedFunctions, type ReachedFunction } from '../../facts/route-reach.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { codeSpanText } from '../../parse/syntax.ts';

/** Markers that say the code around them is not finished, not just that it could be better. */
const UNFINISHED = /implement|not (yet )?(done|finished|wired|handled|supported)|placeholder|stub|mock|fake|dummy|hard-?coded|temporar|for now|remove (this|before)|replace (this|with)|quick (fix|hack)|workaround|broken|doesn'?t work|does not work|\bwip\b/i;
/** Security-sounding words that are not about a gap (`# TODO: rename the auth module`). */
const NOT_A_GAP = /\b(rename|refactor|move|clean ?up|tidy|typo|docstring|comment|docs?|test(s|ing)?|log(ging)?|format|lint|i18n|translat)\b/i;

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

export default defineRule({
  meta: {
    id: 'todo-marker-in-critical-code',
    category: 'completeness',
    title: 'Unfinished-work marker in security code or a request handler',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Implementation Completeness',
    effortHours: 2,
    messages: {
      securityGap: '{{kind}} about {{topic}} in shipped code{{where}}: "{{text}}".',
      unfinishedHandler: '{{kind}} in {{where}}: "{{text}}" — the route runs code its author marked unfinished.',
    },
    why: [
      'A `TODO: verify signature`, `FIXME: check the user owns this` or `HACK: skip auth for the demo` is the author writing down a known hole. The code shipped anyway: the check it describes is missing in production until someone reads the comment again, and attackers read source (leaked, open-sourced, decompiled) for exactly these notes.',
      '',
      'Markers in request handlers that say "placeholder", "mock" or "implement" mean the route serves an unfinished feature. Not every TODO is a finding: only those about security, money or personal data, and unfinished work on a route\'s path, are reported; `report.metrics.todoMarkers` counts all of them.',
    ].join('\n'),
    fix: [
      'Do what the comment says (and add a test that proves it), or open a ticket and replace the comment with a link to it if the gap is accepted for now — then record the accepted risk with `# shipgate-ignore: todo-marker-in-critical-code -- <ticket>`.',
      '',
      '```python',
      '# before',
      '# TODO: verify the Svix signature',
      'event = await request.json()',
      '',
      '# after',
      'event = Webhook(settings.clerk_webhook_secret).verify(await request.body(), dict(request.headers))',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import FastAPI, Request',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/webhooks/clerk")',
          'async def clerk_webhook(request: Request):',
          '    # TODO: verify the svix signature before trusting the payload',
          '    event = await request.json()',
          '    return {"type": event["type"]}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import FastAPI, Request',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.get("/reports")',
          'async def reports(request: Request):',
          '    # TODO: add pagination once reports exceed a page',
          '    return {"reports": []}',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [546, 1164], urls: ['https://cwe.mitre.org/data/definitions/546.html'] },
  },
  check({ index, files, report }) {
    const markers = codeMarkers(files);
    if (!markers.length) return;
    // The route-reached function each marker sits in, if any.
    const reached = reachedFunctions(index, files);
    const byFile = new Map<string, ReachedFunction[]>();
    for (const r of reached) byFile.set(r.file.path, [...(byFile.get(r.file.path) ?? []), r]);
    const containing = (file: string, index_: number) =>
      (byFile.get(file) ?? []).filter((r) => r.fn.range().start.index <= index_ && index_ <= r.fn.range().end.index).sort((a, b) => b.fn.range().start.index - a.fn.range().start.index)[0];

    for (const marker of markers) {
      if (!marker.text && marker.kind !== 'placeholder') continue;
      const fn = containing(marker.file.path, marker.node.range().start.index);
      const route = fn?.routes[0];
      const where = fn && route ? `${fn.isHandler ? 'the handler of' : `\`${fn.label}\`, run by`} ${routeLabel(route)}` : undefined;
      const text = codeSpanText(marker.text || marker.node.text(), 90).replace(/"/g, "'");
      const topic = securityTopicOf(marker.text);
      if (topic && !NOT_A_GAP.test(marker.text)) {
        report({
          messageId: 'securityGap',
          at: marker.at,
          data: { kind: marker.kind, topic, where: where ? ` (${where})` : '', text },
          ...(route ? { related: [{ ...route.at, note: `route ${routeLabel(route)}` }] } : {}),
          severity: route && /signature|authentication|authorization/.test(topic) ? 'high' : 'medium',
        });
        continue;
      }
      if (!where) continue;
      if (marker.kind === 'FIXME' || marker.kind === 'XXX' || marker.kind === 'HACK' || marker.kind === 'placeholder' || UNFINISHED.test(marker.text))
        report({
          messageId: 'unfinishedHandler',
          at: marker.at,
          data: { kind: marker.kind, where, text },
          related: [{ ...route!.at, note: `route ${routeLabel(route!)}` }],
          severity: 'low',
        });
    }
  },
});
