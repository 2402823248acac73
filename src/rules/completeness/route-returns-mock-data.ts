import { mockEvidence, type MockEvidence } from '../../facts/mock-data.ts';
import { reachedFunctions } from '../../facts/route-reach.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';

/** Routes that exist to show sample data. */
const DEMO_ROUTE = /(^|\/)(mock|mocks|demo|demos|example|examples|sample|samples|fixtures?|playground|sandbox|test|tests)(\/|$)/i;
/** Folders whose code is sample data by design. */
const DEMO_FILE = /(^|\/)(mocks?|fakes?|fixtures?|samples?|examples?|demo|stubs?)\//i;

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

export default defineRule({
  meta: {
    id: 'route-returns-mock-data',
    category: 'completeness',
    title: 'Route serves hard-coded or mock data',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Implementation Completeness',
    effortHours: 6,
    messages: {
      constantResult: '{{route}} ({{path}}) returns a hard-coded result (`{{detail}}`) instead of computing it{{also}}.',
      randomResult: '{{route}} ({{path}}) makes up its result with a random number (`{{detail}}`){{also}}.',
      mockCall: '{{route}} ({{path}}) serves data from `{{detail}}` on every request{{also}}.',
      mockComment: '{{route}} ({{path}}) returns a value its own comment calls placeholder data ("{{detail}}"){{also}}.',
    },
    why: [
      'The endpoint answers 200 with data that looks real — a quality score of 0.85, a match confidence, an analytics series — but nothing was measured. Clients, dashboards and customers act on it; nobody notices until the numbers are compared with reality, and then every decision taken on them is suspect.',
      '',
      'It is also a claim the product cannot back: a feature listed as done that is a placeholder, which a due-diligence review reads as "reality does not match the claims".',
    ].join('\n'),
    fix: [
      'Implement the computation, or make the endpoint fail honestly until it exists (501 / feature flag off), and mark demo data as demo in the response.',
      '',
      '```python',
      'async def assess_quality(pack: ActorPack) -> QualityReport:',
      '    embeddings = await face_embeddings(pack.images)',
      '    consistency = float(np.mean(cosine_similarity(embeddings)))',
      '    return QualityReport(score=round(consistency, 3), images=len(embeddings))',
      '',
      '# until then',
      'raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED, "quality assessment is not available yet")',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import FastAPI',
          '',
          'app = FastAPI()',
          '',
          '',
          'def assess_quality(pack_id: str) -> dict:',
          '    return {"quality_score": 0.87, "consistency": 0.91, "status": "ok"}',
          '',
          '',
          '@app.get("/packs/{pack_id}/quality")',
          'async def quality(pack_id: str):',
          '    return assess_quality(pack_id)',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import FastAPI',
          '',
          'from scoring import consistency_of',
          '',
          'app = FastAPI()',
          '',
          '',
          'def assess_quality(pack_id: str) -> dict:',
          '    score = consistency_of(pack_id)',
          '    return {"quality_score": score, "status": "ok"}',
          '',
          '',
          '@app.get("/packs/{pack_id}/quality")',
          'async def quality(pack_id: str):',
          '    return assess_quality(pack_id)',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [684, 1164], urls: ['https://cwe.mitre.org/data/definitions/684.html'] },
  },
  check({ index, files, report }) {
    const found = new Map<string, { evidence: MockEvidence; file: (typeof reached)[number]['file']; reach: (typeof reached)[number] }>();
    const reached = reachedFunctions(index, files);
    for (const reach of reached) {
      if (DEMO_FILE.test(reach.file.path)) continue;
      const routes = reach.routes.filter((r) => !DEMO_ROUTE.test(r.path) && !/^(OPTIONS|HEAD)$/.test(r.method));
      if (!routes.length) continue;
      const [first] = mockEvidence(reach.file, reach.fn);
      if (!first) continue;
      found.set(`${reach.file.path}:${first.node.range().start.index}`, { evidence: first, file: reach.file, reach: { ...reach, routes } });
    }
    for (const { evidence, file, reach } of found.values()) {
      const [route, ...others] = reach.routes;
      const also = others.length ? `; also ${others.slice(0, 3).map(routeLabel).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}` : '';
      report({
        messageId: evidence.kind,
        at: file.locate(evidence.node),
        data: { route: routeLabel(route), path: reach.path.join(' → '), detail: evidence.detail, also },
        related: [{ ...route.at, note: `route ${routeLabel(route)}` }, ...reach.chain],
        confidence: evidence.kind === 'mockComment' ? 'low' : evidence.kind === 'constantResult' ? 'medium' : 'high',
      });
    }
  },
});
