/**
 * What the repository documents: the README (its headings and code blocks: setup, run, test,
 * deploy, configuration), API documentation (an OpenAPI schema served by the framework or
 * committed, or hand-written API docs), a deployment guide, a security policy, a changelog (or
 * release tooling that writes one), and architecture notes (ARCHITECTURE.md, ADRs, diagrams).
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { Route } from '../model/repo-index.ts';
import { findPyCalls, pyQualifiedName } from '../parse/python-syntax.ts';
import { jsQualifiedName } from './routes/js-modules.ts';
import { findJsCalls } from '../parse/js-syntax.ts';
import { baseName, documentHeadings, sectionText, signalAt, signalOfFile, sortSignals, type Signal } from './operations/signals.ts';

export type ReadmeTopic = 'setup' | 'run' | 'test' | 'deploy' | 'configuration';

export interface ReadmeFacts {
  file: ParsedFile;
  /** Non-blank lines. */
  lines: number;
  headings: { text: string; line: number }[];
  codeBlocks: number;
  /** Topics it covers, each with the heading or code line that shows it. */
  topics: Map<ReadmeTopic, Location>;
}

export interface DocumentationFacts {
  /** The root README (or the only README when the root has none). */
  readme?: ReadmeFacts;
  /** OpenAPI schemas served by the framework or committed; hand-written API docs. */
  apiDocs: (Signal & { served: boolean; generated: boolean })[];
  /** Deployment guides: docs files and README sections about deploying. */
  deployGuides: (Signal & { lines: number })[];
  securityPolicy: (Signal & { lines: number })[];
  changelog: (Signal & { entries: number })[];
  architecture: Signal[];
}

const TOPIC_HEADINGS: [ReadmeTopic, RegExp][] = [
  ['setup', /\b(install(ation|ing)?|set ?up|getting started|quick ?start|prerequisites|requirements|bootstrap|local development|development setup)\b/i],
  ['run', /\b(run(ning)?|usage|start(ing)?( the)?( app| server| locally)?|local development|develop(ment)?|serve)\b/i],
  ['test', /\btest(s|ing)?\b/i],
  ['deploy', /\b(deploy(ment|ing)?|production|hosting|release|shipping|operations|kubernetes|helm|fly\.io|render|heroku)\b/i],
  ['configuration', /\b(config(uration)?|environment( variables)?|env vars?|settings|secrets)\b/i],
];
const TOPIC_COMMANDS: [ReadmeTopic, RegExp][] = [
  ['setup', /\b(pip\s+install|uv\s+(sync|pip\s+install)|poetry\s+install|pipenv\s+install|npm\s+(ci|install)|pnpm\s+install|yarn(\s+install)?$|cp\s+\.env\.example|python\s+-m\s+venv)\b/m],
  ['run', /\b(uvicorn|gunicorn|flask\s+run|manage\.py\s+runserver|npm\s+(run\s+)?(dev|start)|pnpm\s+(dev|start)|yarn\s+(dev|start)|docker[\s-]compose\s+up|python\s+\S+\.py|fastapi\s+(dev|run)|next\s+dev|node\s+\S+\.js)\b/],
  ['test', /\b(pytest|npm\s+(run\s+)?test|pnpm\s+test|yarn\s+test|manage\.py\s+test|vitest|jest|tox|make\s+test)\b/],
  ['deploy', /\b(fly\s+deploy|flyctl\s+deploy|kubectl\s+apply|helm\s+(upgrade|install)|vercel\s+(--prod|deploy)|git\s+push\s+heroku|gcloud\s+run\s+deploy|railway\s+up|terraform\s+apply|docker\s+push)\b/],
  ['configuration', /^\s*[A-Z][A-Z0-9_]{2,}=/m],
];

export function readDocumentation(files: ParsedFiles): DocumentationFacts {
  const facts: DocumentationFacts = { apiDocs: [], deployGuides: [], securityPolicy: [], changelog: [], architecture: [] };
  const markdown = files.ofKind('markdown').filter((f) => !f.isTest);
  const readmes = files.all.filter((f) => /^readme(\.(md|mdx|rst|txt|markdown))?$/i.test(baseName(f.path)) && !f.isTest);
  const readme = readmes.find((f) => !f.path.includes('/')) ?? (readmes.length === 1 ? readmes[0] : undefined);
  if (readme) facts.readme = readReadme(readme);
  readApiDocs(files, facts);
  for (const file of markdown) {
    const path = file.path.toLowerCase();
    const name = baseName(path);
    const nonBlank = file.text.split('\n').filter((l) => l.trim()).length;
    if (/(^|\/)(docs?|documentation|runbooks?|ops|operations)\/(.*\/)?[^/]*(deploy|release|production|hosting|operations|runbook|infrastructure)[^/]*\.(md|mdx|rst)$/.test(path) || /^(deploy(ment|ing)?|production|operations|runbook|hosting)\.(md|mdx|rst)$/.test(name))
      facts.deployGuides.push({ ...signalOfFile(file.path, 'deploy-doc', `deployment guide ${file.path}`), lines: nonBlank });
    if (/^security\.(md|rst|txt)$/.test(name) && /^(|\.github\/|docs\/)security\.(md|rst|txt)$/.test(path)) facts.securityPolicy.push({ ...signalOfFile(file.path, 'security-policy', `security policy ${file.path}`), lines: nonBlank });
    if (/^(changelog|changes|history|news|releases|release-notes)\.(md|mdx|rst|txt)$/.test(name) && !/node_modules/.test(path)) {
      const entries = (file.text.match(/^#{1,3}\s*\[?v?\d+\.\d+(\.\d+)?|^#{1,3}\s*\[?unreleased\]?/gim) ?? []).length;
      facts.changelog.push({ ...signalOfFile(file.path, 'changelog', `${file.path}${entries ? ` (${entries} release${entries === 1 ? '' : 's'})` : ''}`), entries });
    }
    if (/^architecture\.(md|mdx|rst)$/.test(name) || /(^|\/)docs?\/(.*\/)?[^/]*(architecture|design|overview)[^/]*\.(md|mdx|rst)$/.test(path) || /(^|\/)(adr|adrs|decisions|architecture-decisions)\//.test(path))
      facts.architecture.push(signalOfFile(file.path, /(^|\/)(adr|adrs|decisions)/.test(path) ? 'adr' : 'architecture-doc', /(^|\/)(adr|adrs|decisions)/.test(path) ? `architecture decision record ${file.path}` : `architecture notes ${file.path}`));
    if (/(^|\/)api(-|_)?(docs?|reference)?\.(md|mdx|rst)$/.test(path) || /(^|\/)docs?\/api(\/|[^/]*\.(md|mdx|rst)$)/.test(path))
      facts.apiDocs.push({ ...signalOfFile(file.path, 'api-markdown', `hand-written API documentation ${file.path}`), served: false, generated: false });
  }
  for (const file of files.all) {
    if (/(^|\/)\.well-known\/security\.txt$/.test(file.path)) facts.securityPolicy.push({ ...signalOfFile(file.path, 'security-txt', `security.txt ${file.path}`), lines: file.lineCount });
    if (/(^|\/)\.changeset\/config\.json$|(^|\/)release-please-config\.json$|(^|\/)\.releaserc(\.(json|ya?ml|js|cjs))?$|(^|\/)release\.config\.[cm]?js$|(^|\/)\.release-please-manifest\.json$/.test(file.path))
      facts.changelog.push({ ...signalOfFile(file.path, 'release-tooling', `release notes generated by ${file.path}`), entries: 0 });
    if (/(^|\/)pyproject\.toml$/.test(file.path) && /^\[tool\.towncrier\]/m.test(file.text)) facts.changelog.push({ ...signalOfFile(file.path, 'release-tooling', `towncrier writes the changelog (${file.path})`), entries: 0 });
    if (/(^|\/)docs?\/.*\.(mmd|puml|plantuml|drawio|excalidraw|c4)$/.test(file.path)) facts.architecture.push(signalOfFile(file.path, 'diagram', `architecture diagram ${file.path}`));
  }
  // README sections about deployment and architecture.
  if (facts.readme) {
    const file = facts.readme.file;
    for (const h of facts.readme.headings) {
      const body = sectionText(file, h.line);
      const lines = body.split('\n').filter((l) => l.trim()).length;
      if (/\b(deploy(ment|ing)?|production|hosting)\b/i.test(h.text) && lines >= 1) facts.deployGuides.push({ ...signalAt(file, 'readme-deploy', `README section "${h.text}"`, h.line), lines });
      if (/\b(architecture|design|how it works|overview of the code|project structure|components)\b/i.test(h.text) && lines >= 3) facts.architecture.push(signalAt(file, 'readme-architecture', `README section "${h.text}"`, h.line));
    }
  }
  facts.apiDocs = sortSignals(facts.apiDocs);
  facts.deployGuides = sortSignals(facts.deployGuides);
  facts.securityPolicy = sortSignals(facts.securityPolicy);
  facts.changelog = sortSignals(facts.changelog);
  facts.architecture = sortSignals(facts.architecture);
  return facts;
}

function readReadme(file: ParsedFile): ReadmeFacts {
  const headings = documentHeadings(file).map(({ text, line }) => ({ text, line }));
  const topics = new Map<ReadmeTopic, Location>();
  for (const h of headings) for (const [topic, re] of TOPIC_HEADINGS) if (!topics.has(topic) && re.test(h.text)) topics.set(topic, { ...file.locateLines(h.line), note: `${topic}: "${h.text}"` });
  // Commands in code blocks: parsed blocks for Markdown, fences read line by line otherwise.
  const code: { text: string; line: number }[] = [];
  let codeBlocks = 0;
  if (file.markdown) {
    for (const block of file.markdown.filter((b) => b.kind === 'code')) {
      codeBlocks++;
      block.text.split('\n').forEach((text, i) => code.push({ text, line: block.line + 1 + i }));
    }
  } else {
    let fenced = false;
    file.text.split('\n').forEach((text, i) => {
      if (/^\s*(```|~~~)/.test(text)) {
        if (!fenced) codeBlocks++;
        fenced = !fenced;
      } else if (fenced || /^(\s{4}|\t)\S/.test(text)) code.push({ text, line: i + 1 });
    });
  }
  for (const { text, line } of code)
    for (const [topic, re] of TOPIC_COMMANDS) if (!topics.has(topic) && re.test(text)) topics.set(topic, { ...file.locateLines(line), note: `${topic}: \`${text.trim().slice(0, 60)}\`` });
  return { file, lines: file.text.split('\n').filter((l) => l.trim()).length, headings, codeBlocks, topics };
}

function readApiDocs(files: ParsedFiles, facts: DocumentationFacts): void {
  const push = (file: ParsedFile, line: number, kind: string, label: string, served = true) => facts.apiDocs.push({ ...signalAt(file, kind, label, line), served, generated: true });
  for (const file of files.ofKind('python', { containing: ['FastAPI', 'NinjaAPI', 'Swagger', 'Api(', 'OpenAPI', 'spectacular', 'get_schema_view', 'APISpec'], includeTests: false })) {
    if (!file.ast) continue;
    for (const call of findPyCalls(file.ast, /(FastAPI|NinjaAPI|Swagger|Api|OpenAPI|APISpec|get_schema_view|SpectacularAPIView\.as_view|SpectacularSwaggerView\.as_view)$/)) {
      const qualified = pyQualifiedName(file.ast, call.callee);
      const line = call.node.range().start.line + 1;
      if (/^fastapi\.(applications\.)?FastAPI$/.test(qualified)) {
        const keyword = (name: string) => call.keywords.get(name)?.text();
        const openapi = keyword('openapi_url');
        if (openapi === 'None') continue;
        const docs = keyword('docs_url');
        const redoc = keyword('redoc_url');
        const literal = (v: string | undefined) => (v && /^["'][^"']*["']$/.test(v) ? v.slice(1, -1) : undefined);
        const conditional = [docs, openapi].some((v) => v !== undefined && v !== 'None' && !literal(v));
        const where = docs === undefined ? '/docs' : literal(docs) ?? (docs === 'None' ? (redoc === undefined ? '/redoc' : literal(redoc) ?? '/openapi.json (schema only)') : '/docs');
        push(file, line, 'fastapi-openapi', `FastAPI serves its OpenAPI schema and docs at ${where}${conditional ? ' outside production' : ''} (${file.path}:${line})`);
      } else if (/^ninja\.NinjaAPI$/.test(qualified)) push(file, line, 'ninja-openapi', `Django Ninja serves OpenAPI docs (${file.path}:${line})`);
      else if (/^flasgger\.Swagger$/.test(qualified)) push(file, line, 'flasgger', `Flasgger serves Swagger docs (${file.path}:${line})`);
      else if (/^(flask_smorest|flask_restx|flask_restplus)\.Api$/.test(qualified)) push(file, line, 'flask-openapi', `${qualified.split('.')[0]} serves OpenAPI docs (${file.path}:${line})`);
      else if (/^flask_openapi3\.OpenAPI$/.test(qualified)) push(file, line, 'flask-openapi', `flask-openapi3 serves OpenAPI docs (${file.path}:${line})`);
      else if (/^drf_yasg\.views\.get_schema_view$|^rest_framework\.schemas\.get_schema_view$/.test(qualified)) push(file, line, 'drf-openapi', `DRF schema view (${file.path}:${line})`);
      else if (/^drf_spectacular\.views\.Spectacular(API|Swagger|Redoc)View\.as_view$/.test(qualified)) push(file, line, 'drf-spectacular', `drf-spectacular serves the OpenAPI schema (${file.path}:${line})`);
      else if (/^apispec\.APISpec$/.test(qualified)) push(file, line, 'apispec', `apispec builds an OpenAPI spec (${file.path}:${line})`, false);
    }
  }
  for (const file of files.ofKind('js', { containing: ['swagger', 'Swagger', 'openapi', 'OpenAPI'], includeTests: false })) {
    if (!file.ast) continue;
    for (const call of findJsCalls(file.ast, /(setup|serve|createDocument|swagger|Swagger|register|OpenAPIHono|swaggerUI|doc|createSwaggerSpec|swaggerJSDoc|swaggerJsdoc)$/)) {
      const qualified = jsQualifiedName(file, call.callee);
      const line = call.node.range().start.line + 1;
      if (/^swagger-ui-express\.(setup|serve)$/.test(qualified)) push(file, line, 'swagger-ui', `swagger-ui-express serves API docs (${file.path}:${line})`);
      else if (/^@nestjs\/swagger\.SwaggerModule\.(setup|createDocument)$/.test(qualified)) push(file, line, 'nest-swagger', `@nestjs/swagger serves API docs (${file.path}:${line})`);
      else if (/^@fastify\/swagger(-ui)?$/.test(qualified) || /register$/.test(call.callee) && /@fastify\/swagger/.test(file.text) && /swagger/i.test(call.node.text())) push(file, line, 'fastify-swagger', `@fastify/swagger serves API docs (${file.path}:${line})`);
      else if (/^@hono\/swagger-ui\.swaggerUI$|^@hono\/zod-openapi\.OpenAPIHono$/.test(qualified)) push(file, line, 'hono-openapi', `Hono OpenAPI docs (${file.path}:${line})`);
      else if (/^(swagger-jsdoc|next-swagger-doc\.createSwaggerSpec)$/.test(qualified)) push(file, line, 'swagger-jsdoc', `OpenAPI spec generated from JSDoc (${file.path}:${line})`, false);
    }
  }
  for (const file of [...files.ofKind('yaml'), ...files.ofKind('json')]) {
    if (file.isTest || /(^|\/)(node_modules|\.github)\//.test(file.path)) continue;
    const m = /^\s*["']?(openapi|swagger)["']?\s*:\s*["']?(\d+(\.\d+)*)/m.exec(file.text);
    if (m && /^(\s*["']?(openapi|swagger)["']?\s*:)/m.test(file.text.slice(0, 400)) && /paths/.test(file.text)) facts.apiDocs.push({ ...signalAt(file, 'openapi-file', `committed ${m[1] === 'swagger' ? 'Swagger' : 'OpenAPI'} ${m[2]} spec ${file.path}`, file.position(m.index).line), served: false, generated: false });
  }
  for (const file of files.ofKind('python', { containing: ['drf_spectacular', 'drf_yasg'], includeTests: false })) {
    if (!/INSTALLED_APPS/.test(file.text)) continue;
    const m = /["'](drf_spectacular|drf_yasg)["']/.exec(file.text);
    if (m) facts.apiDocs.push({ ...signalAt(file, 'drf-openapi', `${m[1]} installed (${file.path})`, file.position(m.index).line), served: false, generated: true });
  }
}

/** Routes that serve an API (JSON for programs), not HTML pages, files, webhooks or health probes: the ones API documentation is for. */
export function apiRoutes(routes: Route[]): Route[] {
  return routes.filter((r) => {
    if (r.method === 'WEBSOCKET' || /^\/?(healthz?|readyz?|livez?|ping|metrics|status)\/?$/i.test(r.path.replace(/^\/api/, ''))) return false;
    if (/webhook|callback|\/hooks?\//i.test(r.path) || /webhook|callback/i.test(r.handler.name)) return false;
    const body = r.handler.node?.text() ?? '';
    if (/\brender_template\(|\brender\(\s*request\b|TemplateResponse\(|HTMLResponse\b|\bres\.render\(|\brender_to_response\(|\bTemplateView\b|\bredirect\(/.test(body)) return false;
    if (/\bsend_file\(|\bsend_from_directory\(|\bFileResponse\(|\bStreamingResponse\(|\bres\.(sendFile|download)\(/.test(body)) return false;
    // Callbacks a provider calls (TwiML for Twilio, signed webhook events) are not an API clients integrate with.
    if (/\b(VoiceResponse|MessagingResponse)\(|text\/xml|construct_event\(|X-Twilio-Signature|svix/i.test(body)) return false;
    // Flask and plain Django views answer HTML unless they build JSON.
    if (r.framework === 'flask') return /\bjsonify\(|\breturn\s+[{[]|json\s*=|mimetype=["']application\/json/.test(body);
    if (r.framework === 'django') return /JsonResponse\(|\bResponse\(|serializer|ViewSet|APIView|@api_view/.test(body) || !body;
    return true;
  });
}
