/**
 * Feature claims a repository's documentation makes (README files and `docs/**`): security and
 * compliance features ("JWT authentication", "rate limiting", "HIPAA compliant"), capabilities
 * ("WebSocket", "WebRTC", "Redis caching", "multi-tenant"), operations ("Docker", "Kubernetes",
 * "CI/CD", "monitoring", "80% test coverage"), documented endpoints (`GET /api/users`),
 * environment variables and file paths.
 *
 * Precision first: only a fixed vocabulary of checkable features is a claim (marketing words are
 * not); sentences that negate, ask or promise ("no auth yet", "planned", "will support") are not
 * claims; neither are unchecked task-list items or anything under a Roadmap / TODO / Known issues /
 * plan heading.
 */
import type { Location } from '../../model/finding.ts';
import type { MarkdownBlock, ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';

export type ClaimKind =
  | 'jwt'
  | 'oauth'
  | 'authentication'
  | 'all-routes-authenticated'
  | 'rate-limiting'
  | 'websocket'
  | 'webrtc'
  | 'hipaa'
  | 'gdpr'
  | 'soc2'
  | 'e2e-encryption'
  | 'encryption-at-rest'
  | 'test-coverage'
  | 'tests'
  | 'docker'
  | 'kubernetes'
  | 'ci-cd'
  | 'monitoring'
  | 'health-endpoint'
  | 'caching'
  | 'redis'
  | 'multi-tenant'
  | 'endpoint'
  | 'env-var'
  /** Synthetic, one per repository: the documented variables cover the ones the code requires. */
  | 'env-docs'
  | 'file';

export interface DocClaim {
  kind: ClaimKind;
  /** The claim in a few words: "JWT authentication", "OAuth (Google, GitHub)", "GET /api/users". */
  claim: string;
  source: Location;
  /** Kind-specific details: providers, coverage percent, method and path, variable name, file path, monitoring tool, workflow file. */
  detail: { providers?: string[]; percent?: number; method?: string; path?: string; name?: string; file?: string; tool?: string; workflow?: string; term?: string };
}

/** A feature vocabulary entry: the pattern that names it in prose, and how the claim reads. */
interface FeatureTerm {
  kind: ClaimKind;
  pattern: RegExp;
  claim: (match: RegExpExecArray, sentence: string) => string;
  detail?: (match: RegExpExecArray, sentence: string) => DocClaim['detail'];
  /** Only in feature lists, headings and tables, not in running prose (words too common in explanations). */
  listsOnly?: boolean;
}

const PROVIDERS = /\b(google|github|gitlab|microsoft|azure ad|apple|facebook|twitter|linkedin|discord|okta|auth0|slack|keycloak)\b/gi;
const MONITORING_TOOLS: [RegExp, string][] = [
  [/\bsentry\b/i, 'Sentry'],
  [/\bprometheus\b/i, 'Prometheus'],
  [/\bgrafana\b/i, 'Grafana'],
  [/\bopen ?telemetry\b|\botel\b/i, 'OpenTelemetry'],
  [/\bdatadog\b/i, 'Datadog'],
  [/\bnew ?relic\b/i, 'New Relic'],
];

const FEATURES: FeatureTerm[] = [
  { kind: 'all-routes-authenticated', pattern: /\b(all|every)\s+(api\s+)?(endpoints?|routes?|requests?|api calls?)\s+(are\s+|is\s+)?(require\s+|requires\s+)?(authenticat\w*|protected|secured|behind auth\w*)/i, claim: () => 'all endpoints require authentication' },
  { kind: 'jwt', pattern: /\bJWTs?\b|\bjson web tokens?\b/i, claim: () => 'JWT authentication' },
  {
    kind: 'oauth',
    pattern: /\bOAuth\s?2?(\.0)?\b|\bsocial (login|sign[- ]?in)\b|\b(sign[- ]?in|log[- ]?in|login|sign[- ]?up)\b[^.;]{0,60}\b(google|github|gitlab|apple|microsoft|facebook|twitter|linkedin|discord)\b|\bsingle sign[- ]on\b|\bSSO\b|\bOpenID Connect\b|\bOIDC\b/i,
    claim: (_, s) => {
      const providers = providersIn(s);
      return providers.length ? `OAuth (${providers.join(', ')})` : 'OAuth / single sign-on';
    },
    detail: (_, s) => ({ providers: providersIn(s) }),
  },
  { kind: 'authentication', pattern: /\b(user\s+)?authentication\b|\bRBAC\b|\brole[- ]based access( control)?\b/i, claim: (m) => (/rbac|role/i.test(m[0]) ? 'role-based access control' : 'authentication'), listsOnly: true },
  { kind: 'rate-limiting', pattern: /\brate[- ]?limit(s|ed|ing|er)?\b|\bthrottl(e|ed|es|ing)\b/i, claim: () => 'rate limiting' },
  { kind: 'websocket', pattern: /\bweb\s?sockets?\b|\bsocket\.io\b/i, claim: () => 'WebSocket support' },
  { kind: 'webrtc', pattern: /\bWebRTC\b/i, claim: () => 'WebRTC' },
  { kind: 'hipaa', pattern: /\bHIPAA\b/, claim: () => 'HIPAA compliance' },
  { kind: 'gdpr', pattern: /\bGDPR\b/, claim: () => 'GDPR compliance' },
  { kind: 'soc2', pattern: /\bSOC\s?2\b/i, claim: () => 'SOC 2 compliance' },
  { kind: 'e2e-encryption', pattern: /\bend[- ]to[- ]end[- ]encrypt\w*|\bE2EE\b/i, claim: () => 'end-to-end encryption' },
  { kind: 'encryption-at-rest', pattern: /\bencrypt(ed|ion|s)?\s+(data\s+)?at rest\b|\bat[- ]rest encryption\b/i, claim: () => 'encryption at rest' },
  {
    kind: 'test-coverage',
    pattern: /\b(\d{1,3}(?:\.\d+)?)\s?%\s*(?:(?:unit|test|code|line)\s+)*coverage\b|\bcoverage\s*(?:of|is|at|above|over|:|≥|>=)?\s*(\d{1,3}(?:\.\d+)?)\s?%/i,
    claim: (m) => `${m[1] ?? m[2]}% test coverage`,
    detail: (m) => ({ percent: Number(m[1] ?? m[2]) }),
  },
  { kind: 'tests', pattern: /\b(fully|well|thoroughly|extensively|comprehensively)[- ]tested\b|\b(comprehensive|extensive|full|complete) (unit |integration |automated )?test(s| suite| coverage)\b|\btest[- ]driven\b/i, claim: () => 'a test suite' },
  { kind: 'docker', pattern: /\bdocker(?:ized|ised)?\b|\bdocker[- ]compose\b|\bcontaineri[sz]ed\b/i, claim: () => 'Docker' },
  { kind: 'kubernetes', pattern: /\bkubernetes\b|\bk8s\b|\bhelm charts?\b|\bkubectl\b/i, claim: () => 'Kubernetes deployment' },
  { kind: 'ci-cd', pattern: /\bCI\s?\/\s?CD\b|\bcontinuous (integration|deployment|delivery)\b|\bgithub actions\b|\bgitlab[- ]ci\b|\bcircleci\b|\bjenkins\b/i, claim: () => 'CI/CD pipeline' },
  {
    kind: 'monitoring',
    pattern: /\bmonitoring\b|\bobservability\b|\berror tracking\b|\bsentry\b|\bprometheus\b|\bgrafana\b|\bopen ?telemetry\b|\bdatadog\b|\bnew ?relic\b|\bAPM\b/i,
    claim: (m) => {
      const tool = MONITORING_TOOLS.find(([r]) => r.test(m[0]))?.[1];
      return tool ? `${tool} monitoring` : 'monitoring';
    },
    detail: (m) => ({ tool: MONITORING_TOOLS.find(([r]) => r.test(m[0]))?.[1] }),
  },
  { kind: 'health-endpoint', pattern: /\bhealth[- ]?(check|checks|endpoint|probe)s?\b|\breadiness (probe|endpoint)\b|\bliveness (probe|endpoint)\b/i, claim: () => 'health-check endpoint' },
  { kind: 'redis', pattern: /\bredis\b/i, claim: (_, s) => (/cach/i.test(s) ? 'Redis caching' : 'Redis') },
  { kind: 'caching', pattern: /\b(response |api |query |result |in-memory |distributed )?cach(e|ed|ing)\b/i, claim: () => 'caching', listsOnly: true },
  { kind: 'multi-tenant', pattern: /\bmulti[- ]?tenan(t|cy|ted)\b|\btenant isolation\b/i, claim: () => 'multi-tenancy' },
];

/** A sentence that denies, asks, hedges into the future or lists a gap is not a claim. */
const NEGATION =
  /\b(no|not|none|without|lacks?|lacking|missing|never|isn'?t|aren'?t|doesn'?t|don'?t|won'?t|cannot|can'?t|yet|todo|tbd|planned|plan to|coming soon|will (be|add|support|have|use|get)|future|someday|eventually|wip|work in progress|in progress|disabled|removed|deprecated|unsupported|instead of|rather than|if you (need|want)|consider (adding|using)|recommend(ed)? (adding|using)|should (add|use|implement)|needs? to be|to be (added|implemented|done)|not yet|stub|placeholder|mock(ed)?|fake)\b/i;
/** Sections about plans, gaps and history: nothing in them is a claim about the code as it is. */
const NON_CLAIM_SECTION =
  /roadmap|\btodo\b|to-do|\bplann?ed\b|\bfuture\b|coming soon|next steps|known (issues|limitations|problems|gaps)|limitations|not (yet )?(supported|implemented)|wish ?list|\bideas?\b|backlog|changelog|release notes|\bhistory\b|action plan|\bfix(es)?\b|remediation|migration guide|troubleshoot|\bfaq\b|\baudit\b|\bissues?\b|risks?|\bgaps?\b|\bmissing\b|\bphase \d|\bweek \d|success criteria|\bblockers?\b|what('s| is) (missing|next)|contributing|security (report|policy|disclosure)|vulnerabilit/i;

const DOC_FILE = /(^|\/)readme[^/]*\.mdx?$/i;
const DOCS_DIR = /(^|\/)docs?\/.+\.mdx?$/i;

/** README files and documents under docs/ that describe the project (not tests, not generated rule pages). */
export function claimDocuments(files: ParsedFiles): ParsedFile[] {
  return files
    .ofKind('markdown')
    .filter((f) => !f.isTest && (DOC_FILE.test(f.path) || DOCS_DIR.test(f.path)) && !/(^|\/)(changelog|license|code_of_conduct|contributing)[^/]*$/i.test(f.path))
    .sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1));
}
const depth = (p: string) => p.split('/').length;

const cache = new WeakMap<ParsedFiles, DocClaim[]>();

/** Every claim of the documentation, in document order, one per kind and subject per document. */
export function extractClaims(files: ParsedFiles): DocClaim[] {
  const cached = cache.get(files);
  if (cached) return cached;
  const out: DocClaim[] = [];
  for (const doc of claimDocuments(files)) {
    const seen = new Set<string>();
    const add = (claim: DocClaim) => {
      const key = `${claim.kind}\0${claim.claim.toLowerCase()}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(claim);
    };
    for (const block of doc.markdown ?? []) {
      if (block.checked === false || block.section.some((h) => NON_CLAIM_SECTION.test(h)) || (block.kind === 'heading' && NON_CLAIM_SECTION.test(block.text))) continue;
      const at = (line = block.line, endLine = block.endLine) => doc.locateLines(line, Math.min(endLine, line + 2));
      if (block.kind === 'code') {
        for (const c of codeBlockClaims(block, doc.path)) add({ ...c, source: at(c.line, c.line) });
        continue;
      }
      if (block.kind === 'html') continue;
      for (const c of badgeClaims(block)) add({ ...c, source: at(block.line, block.line) });
      for (const c of endpointClaims(block)) add({ ...c, source: at(c.line, c.line) });
      for (const c of pathClaims(block, doc.path)) add({ ...c, source: at(c.line, c.line) });
      for (const c of envTableClaims(block)) add({ ...c, source: at(block.line, block.line) });
      const isList = block.kind === 'listItem' || block.kind === 'heading' || block.kind === 'tableRow';
      for (const sentence of sentencesOf(block.text)) {
        if (NEGATION.test(sentence) || /\?\s*$/.test(sentence)) continue;
        const kinds = new Set<ClaimKind>();
        for (const term of FEATURES) {
          if (term.listsOnly && !isList) continue;
          // "JWT authentication", "OAuth login": the specific claim says it; a generic "authentication" would repeat it.
          if (term.kind === 'authentication' && (kinds.has('jwt') || kinds.has('oauth') || kinds.has('all-routes-authenticated'))) continue;
          const m = term.pattern.exec(sentence);
          if (!m) continue;
          // A docker claim from prose only when it speaks of running or shipping the project in containers.
          if (term.kind === 'docker' && !isList && !/\b(run|runs|start|deploy|ship|build|image|container|compose|dockeri[sz]ed|up)\b/i.test(sentence)) continue;
          kinds.add(term.kind);
          add({ kind: term.kind, claim: term.claim(m, sentence), detail: { ...(term.detail?.(m, sentence) ?? {}), term: m[0] }, source: at() });
        }
      }
    }
  }
  cache.set(files, out);
  return out;
}

function providersIn(sentence: string): string[] {
  const names = new Map<string, string>();
  for (const m of sentence.matchAll(PROVIDERS)) {
    const key = m[1].toLowerCase();
    names.set(key, key === 'github' ? 'GitHub' : key === 'gitlab' ? 'GitLab' : key === 'linkedin' ? 'LinkedIn' : key === 'azure ad' ? 'Azure AD' : key[0].toUpperCase() + key.slice(1));
  }
  return [...names.values()];
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z`*_(])|\s+[—–]\s+|;\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Shields-style badges that carry a number (`coverage-87%25-green`) and CI badges that name a workflow file. */
function badgeClaims(block: MarkdownBlock): Omit<DocClaim, 'source'>[] {
  const out: Omit<DocClaim, 'source'>[] = [];
  for (const link of block.links) {
    if (!link.image) continue;
    const url = decodeURIComponentSafe(link.url);
    const coverage = /coverage[-_/ :]+(\d{1,3}(?:\.\d+)?)\s?%/i.exec(url) ?? /coverage\D{0,3}(\d{1,3}(?:\.\d+)?)\s?%/i.exec(link.text);
    if (coverage) out.push({ kind: 'test-coverage', claim: `${coverage[1]}% test coverage (badge)`, detail: { percent: Number(coverage[1]) } });
    const workflow = /\/actions\/workflows\/([\w.-]+\.ya?ml)\/badge\.svg/i.exec(url);
    if (workflow) out.push({ kind: 'ci-cd', claim: `CI workflow \`${workflow[1]}\` (badge)`, detail: { workflow: workflow[1] } });
  }
  return out;
}

function decodeURIComponentSafe(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

const METHOD_PATH = /\b(GET|POST|PUT|PATCH|DELETE)\s+(\/[\w\-./{}:<>[\]*]*)/g;
const CURL = /\bcurl\b[^\n]*?(?:-X\s*(GET|POST|PUT|PATCH|DELETE)\b)?[^\n]*?\s["']?https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\$\{?\w+\}?|\{\{?\w+\}?\}|api\.example\.com|example\.com)(?::\d+)?(\/[\w\-./{}:<>[\]]*)/g;

/** `GET /api/users` in inline code, table rows or list items; `curl -X POST http://localhost:8000/api/x` in code. */
function endpointClaims(block: MarkdownBlock): (Omit<DocClaim, 'source'> & { line: number })[] {
  const out: (Omit<DocClaim, 'source'> & { line: number })[] = [];
  const push = (method: string, path: string, line: number) => {
    const clean = path.replace(/[.,;:)]+$/, '');
    if (clean.length < 2 || /\/\.\.\.|\/\*$/.test(clean)) return;
    out.push({ kind: 'endpoint', claim: `${method} ${clean}`, detail: { method, path: clean }, line });
  };
  for (const code of block.inlineCode) for (const m of code.text.matchAll(METHOD_PATH)) push(m[1], m[2], code.line);
  // A table row, or a row that lost its table (a paragraph of `| GET | /x |` cells).
  const cells = block.kind === 'tableRow' ? block.cells : block.kind === 'paragraph' && /^\|.*\|$/.test(block.text) ? block.text.slice(1, -1).split('|') : undefined;
  if (cells) {
    const method = cells.find((c) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(c.trim()));
    const path = cells.find((c) => /^\/[\w\-./{}:<>[\]]*$/.test(c.trim()));
    if (method && path) push(method.trim(), path.trim(), block.line);
    for (const cell of cells) for (const m of cell.matchAll(METHOD_PATH)) push(m[1], m[2], block.line);
    return out;
  }
  if (block.kind === 'listItem' || block.kind === 'paragraph') {
    for (const m of block.text.matchAll(METHOD_PATH)) if (!block.inlineCode.some((c) => c.text.includes(m[0].trim()))) push(m[1], m[2], block.line);
    // A bare path in inline code where the text speaks of endpoints or webhooks: `/voice/incoming`.
    if (/\b(endpoints?|routes?|webhooks?|api|urls?|callbacks?)\b/i.test(block.text))
      for (const code of block.inlineCode) {
        const path = code.text.trim();
        if (/^\/[\w-]+(\/[\w\-{}:<>]+)*\/?$/.test(path) && !/^\/(var|etc|usr|tmp|opt|home|dev|proc|srv|mnt|bin|lib|app|data|root)(\/|$)/.test(path) && !out.some((o) => o.detail.path === path))
          out.push({ kind: 'endpoint', claim: path, detail: { method: 'ANY', path }, line: code.line });
      }
  }
  return out;
}

/** Code blocks: endpoints called with curl / HTTP examples, `KEY=value` lines of env examples, docker/kubectl commands, project layout listings. */
function codeBlockClaims(block: MarkdownBlock, docPath: string): (Omit<DocClaim, 'source'> & { line: number })[] {
  const out: (Omit<DocClaim, 'source'> & { line: number })[] = [];
  const lines = block.text.split('\n');
  const layout = !block.lang && block.section.some((h) => /layout|structure|files|directories|folders|tree|organi[sz]ation/i.test(h));
  const envBlock = /^(env|dotenv|sh|bash|shell|console|ini|properties|text|)$/i.test(block.lang ?? '') && block.section.some((h) => /env|config|setting|variable|setup|install|getting started|quick ?start/i.test(h));
  lines.forEach((line, i) => {
    const at = block.line + 1 + i;
    for (const m of line.matchAll(CURL)) out.push({ kind: 'endpoint', claim: `${m[1] ?? (/\s(-d|--data|--json|-F)\b/.test(line) ? 'POST' : 'GET')} ${m[2]}`, detail: { method: m[1] ?? (/\s(-d|--data|--json|-F)\b/.test(line) ? 'POST' : 'GET'), path: m[2] }, line: at });
    const http = /^\s*(GET|POST|PUT|PATCH|DELETE)\s+(\/[\w\-./{}:<>[\]]*)(\s+HTTP\/[\d.]+)?\s*$/.exec(line);
    if (http) out.push({ kind: 'endpoint', claim: `${http[1]} ${http[2]}`, detail: { method: http[1], path: http[2] }, line: at });
    const env = /^\s*(?:export\s+)?([A-Z][A-Z0-9_]{2,})=/.exec(line);
    if (env && (envBlock || /^(env|dotenv)$/i.test(block.lang ?? ''))) out.push({ kind: 'env-var', claim: `environment variable \`${env[1]}\``, detail: { name: env[1] }, line: at });
    // Commands that only work with the project's container or cluster files.
    if (/^\s*(\$\s*)?(docker[- ]compose\s+(up|build|run)|docker\s+compose\s+(up|build|run)|docker\s+build\b)/.test(line)) out.push({ kind: 'docker', claim: 'Docker', detail: {}, line: at });
    if (/^\s*(\$\s*)?(kubectl\s+apply|helm\s+(install|upgrade))\b/.test(line)) out.push({ kind: 'kubernetes', claim: 'Kubernetes deployment', detail: {}, line: at });
    // A project layout listing: `app/main.py   entry point`
    if (layout) {
      const path = /^\s*([\w.-]+(?:\/[\w.-]+)*\/?)(\s{2,}|\s+#|\s*$)/.exec(line)?.[1];
      if (path && (path.includes('/') || FILE_EXTENSION.test(path)) && !NOT_A_REPO_PATH.test(path) && !/^\.{1,2}$/.test(path))
        out.push({ kind: 'file', claim: `\`${path}\``, detail: { file: path, name: docPath }, line: at });
    }
  });
  return out;
}

/** Tables that list environment variables: a header cell about variables/settings, a first cell written like `DATABASE_URL`. */
function envTableClaims(block: MarkdownBlock): Omit<DocClaim, 'source'>[] {
  if (block.kind !== 'tableRow' || block.header || !block.cells?.length) return [];
  const name = block.cells[0].replace(/^`|`$/g, '').trim();
  if (!/^[A-Z][A-Z0-9_]{2,}$/.test(name) || !block.section.some((h) => /env|config|setting|variable/i.test(h))) return [];
  return [{ kind: 'env-var', claim: `environment variable \`${name}\``, detail: { name } }];
}

const FILE_EXTENSION = /\.(py|ts|tsx|js|jsx|mjs|cjs|json|ya?ml|toml|md|sh|sql|ini|cfg|html|css|txt|lock)$/i;
const BARE_FILES = /^(Dockerfile|Makefile|Procfile|Jenkinsfile|docker-compose\.ya?ml|compose\.ya?ml|\.env\.example|\.env\.sample|requirements[\w.-]*\.txt|package\.json|pyproject\.toml|render\.ya?ml|fly\.toml|vercel\.json|netlify\.toml|app\.ya?ml|railway\.(json|toml)|[\w-]+\.(py|ts|js|sh|sql))$/;
/** Paths that name a placeholder, something generated at run time, or something outside the repository. */
const NOT_A_REPO_PATH = /[<>{}*$~\s]|\.\.\.|^\/|^[a-z]+:|(^|\/)(path\/to|your[-_]|my[-_]project|example\/|foo|bar)|(^|\/)(node_modules|dist|build|venv|\.venv|coverage|htmlcov|__pycache__|\.next)(\/|$)|(^|\/)\.env$|\.log$/i;

/** Repository paths the docs name in inline code or relative links: `backend/core/webrtc_handler.py`, `[guide](docs/deploy.md)`. */
function pathClaims(block: MarkdownBlock, docPath: string): (Omit<DocClaim, 'source'> & { line: number })[] {
  const out: (Omit<DocClaim, 'source'> & { line: number })[] = [];
  const candidates = [
    // `python scripts/migrate.py data/app.db`: each word of a command that looks like a path.
    ...block.inlineCode.flatMap((c) => (/\s/.test(c.text.trim()) ? c.text.trim().split(/\s+/).filter((w) => w.includes('/')) : [c.text.trim()]).map((text) => ({ text, line: c.line }))),
    ...block.links.filter((l) => !l.image && !/^(https?:|mailto:|#)/i.test(l.url)).map((l) => ({ text: l.url.split('#')[0].trim(), line: l.line })),
  ];
  for (const { text, line } of candidates) {
    const path = text.replace(/^\.\//, '');
    if (!path || NOT_A_REPO_PATH.test(path)) continue;
    const name = path.split('/').pop() ?? '';
    const looksLikeFile = (path.includes('/') && FILE_EXTENSION.test(name)) || BARE_FILES.test(name) || (path.includes('/') && path.endsWith('/'));
    if (!looksLikeFile) continue;
    out.push({ kind: 'file', claim: `\`${path}\``, detail: { file: path, name: docPath }, line });
  }
  return out;
}
