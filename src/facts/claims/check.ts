/**
 * Each documented claim checked against the code: VERIFIED with the evidence (file:line),
 * CONTRADICTED with the evidence that it is not so (the rate limiter is a placeholder, the OAuth
 * provider raises NotImplementedError, the endpoint is not in the route table, the coverage report
 * says 31%, the file does not exist), or UNKNOWN when the code cannot tell (a HIPAA BAA, a
 * coverage figure no report records). Findings of other rules are evidence too.
 */
import type { ClaimCheck } from '../../model/audit-report.ts';
import type { Finding, Location } from '../../model/finding.ts';
import type { ParsedFiles } from '../../model/parsed-file.ts';
import type { RepoIndex, Route } from '../../model/repo-index.ts';
import type { Severity } from '../../model/rule.ts';
import { placeholderJsRateLimiter, rateLimiterFacts } from '../rate-limits.ts';
import { resolveReferencedPath } from '../referenced-paths.ts';
import { dirOf } from '../repo-paths.ts';
import { coverageCommand, testInventory } from '../test-inventory.ts';
import { isPublicByDesign } from '../routes/guard-names.ts';
import { extractClaims, type ClaimKind, type DocClaim } from './extract.ts';
import {
  dependencyAt,
  dependencyNamed,
  enforcedCoverage,
  environmentReads,
  exampleEnvironment,
  firstMatch,
  implicitReader,
  matchRoutes,
  normaliseRoutePath,
  requiredEnvironment,
} from './evidence.ts';

export interface CheckedClaim extends ClaimCheck {
  kind: ClaimKind;
  /** The words that made the claim (`JWT`, `rate limited`), to point at them in the line. */
  term?: string;
}

export interface ClaimInput {
  index: RepoIndex;
  files: ParsedFiles;
  /** Findings of the rules that ran (raw or final): evidence for or against claims. */
  findings: readonly Finding[];
}

/** How serious a contradicted claim is: promising compliance or security that is not there misleads users and buyers. */
export const CONTRADICTED_SEVERITY: Record<ClaimKind, Severity> = {
  hipaa: 'high',
  gdpr: 'high',
  soc2: 'high',
  'e2e-encryption': 'high',
  'encryption-at-rest': 'high',
  jwt: 'high',
  authentication: 'high',
  'all-routes-authenticated': 'high',
  oauth: 'medium',
  'rate-limiting': 'medium',
  'multi-tenant': 'medium',
  'test-coverage': 'medium',
  tests: 'medium',
  websocket: 'medium',
  webrtc: 'medium',
  monitoring: 'medium',
  endpoint: 'medium',
  caching: 'low',
  redis: 'low',
  docker: 'low',
  kubernetes: 'low',
  'ci-cd': 'low',
  'health-endpoint': 'low',
  file: 'low',
  'env-var': 'low',
  'env-docs': 'low',
};

type Verdict = Pick<ClaimCheck, 'status' | 'notes' | 'evidence'>;
const verified = (notes: string, ...evidence: (Location | undefined)[]): Verdict => ({ status: 'VERIFIED', notes, evidence: evidence.filter((e): e is Location => !!e) });
const contradicted = (notes: string, ...evidence: (Location | undefined)[]): Verdict => ({ status: 'CONTRADICTED', notes, evidence: evidence.filter((e): e is Location => !!e) });
const unknown = (notes: string, ...evidence: (Location | undefined)[]): Verdict => ({ status: 'UNKNOWN', notes, evidence: evidence.filter((e): e is Location => !!e) });
const at = (l: Location | undefined) => (l ? `\`${l.file}${l.startLine ? `:${l.startLine}` : ''}\`` : '');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const routeName = (r: Route) => `\`${r.method} ${r.path}\``;
const listRoutes = (rs: Route[]) => rs.slice(0, 3).map(routeName).join(', ') + (rs.length > 3 ? ` and ${rs.length - 3} more` : '');
const ofRule = (findings: readonly Finding[], ruleId: string, messageIds?: string[]) => findings.filter((f) => f.ruleId === ruleId && f.status !== 'false-positive' && (!messageIds || messageIds.includes(f.messageId)));

const cache = new WeakMap<readonly Finding[], WeakMap<ParsedFiles, CheckedClaim[]>>();

/** Every claim of the documentation with its status, in document order. */
export function checkClaims(input: ClaimInput): CheckedClaim[] {
  const byFiles = cache.get(input.findings)?.get(input.files);
  if (byFiles) return byFiles;
  const ctx = new ClaimContext(input);
  const claims = extractClaims(input.files);
  const docOrder = new Map<string, number>();
  for (const c of claims) if (!docOrder.has(c.source.file)) docOrder.set(c.source.file, docOrder.size);
  // Document order: by document, then line (the synthetic env-docs claim sits at the first documented variable).
  const ordered = [...claims, ...envDocsClaim(claims)]
    .map((claim, i) => ({ claim, i }))
    .sort((a, b) => (docOrder.get(a.claim.source.file) ?? 0) - (docOrder.get(b.claim.source.file) ?? 0) || (a.claim.source.startLine ?? 0) - (b.claim.source.startLine ?? 0) || a.i - b.i)
    .map(({ claim }) => claim);
  const out = ordered.map((claim): CheckedClaim => {
    let verdict: Verdict;
    try {
      verdict = ctx.check(claim);
    } catch (error) {
      verdict = unknown(`could not be checked: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { kind: claim.kind, claim: claim.claim, source: claim.source, ...verdict, ...(claim.detail.term ? { term: claim.detail.term } : {}) };
  });
  if (!cache.has(input.findings)) cache.set(input.findings, new WeakMap());
  cache.get(input.findings)!.set(input.files, out);
  return out;
}

class ClaimContext {
  private envReads?: Map<string, Location>;
  constructor(private readonly input: ClaimInput) {}

  private get routes() {
    return this.input.index.routes.filter((r) => !this.input.files.get(r.at.file)?.isTest);
  }

  check(claim: DocClaim): Verdict {
    switch (claim.kind) {
      case 'jwt':
        return this.jwt();
      case 'oauth':
        return this.oauth(claim.detail.providers ?? []);
      case 'authentication':
        return /role/i.test(claim.claim) ? this.rbac() : this.authentication();
      case 'all-routes-authenticated':
        return this.allRoutesAuthenticated();
      case 'rate-limiting':
        return this.rateLimiting();
      case 'websocket':
        return this.websocket();
      case 'webrtc':
        return this.code(/\bRTCPeerConnection\b|\baiortc\b|\blivekit\b|\bmediasoup\b|simple-peer|@daily-co|agora-rtc|twilio-video|\bpion\b|\bjanus\b/i, 'WebRTC', 'no WebRTC library or `RTCPeerConnection` is used anywhere in the code');
      case 'hipaa':
        return this.compliance('HIPAA', 'HIPAA compliance also depends on business associate agreements, hosting and procedures that code cannot show');
      case 'gdpr':
        return this.gdpr();
      case 'soc2':
        return unknown('SOC 2 is an audit of the organisation\'s controls; the code cannot show it');
      case 'e2e-encryption':
        return this.e2e();
      case 'encryption-at-rest':
        return this.encryptionAtRest();
      case 'test-coverage':
        return this.coverage(claim.detail.percent ?? 0);
      case 'tests':
        return this.tests();
      case 'docker':
        return this.docker();
      case 'kubernetes':
        return this.kubernetes();
      case 'ci-cd':
        return this.ci(claim.detail.workflow);
      case 'monitoring':
        return this.monitoring(claim.detail.tool);
      case 'health-endpoint':
        return this.health();
      case 'redis':
        return this.redis();
      case 'caching':
        return this.caching();
      case 'multi-tenant':
        return this.multiTenant();
      case 'endpoint':
        return this.endpoint(claim.detail.method ?? 'GET', claim.detail.path ?? '/', claim.source);
      case 'env-var':
        return this.envVar(claim.detail.name ?? '');
      case 'env-docs':
        return this.envDocs(claim.detail.name?.split(',') ?? []);
      case 'file':
        return this.file(claim.detail.file ?? '', claim.detail.name ?? '');
    }
  }

  /** A pattern in shipped Python/JS code: VERIFIED where found, else CONTRADICTED with `absent`. */
  private code(pattern: RegExp, what: string, absent: string): Verdict {
    const found = firstMatch(this.input.files, ['python', 'js'], pattern);
    return found ? verified(`${what} is used at ${at(found)}`, found) : contradicted(absent);
  }

  private jwt(): Verdict {
    const { findings, files } = this.input;
    const unverified = ofRule(findings, 'jwt-verification-disabled', ['signatureDisabled', 'noneAlgorithm', 'unverifiedClaims']);
    if (unverified.length) return contradicted(`tokens are read without verifying their signature at ${at(unverified[0].location)}`, unverified[0].location);
    const verify = firstMatch(
      files,
      ['python', 'js'],
      /\bjwt\.(decode|verify)\s*\(|\bjwtVerify\s*\(|\bjose\.jwt\.decode\s*\(|@jwt_required|\bjwt_required\s*\(|JWTAuthentication\b|\bverify_jwt_in_request\b|\bexpressjwt\s*\(|\bexpressJwt\s*\(|passport-jwt|JwtStrategy|AuthJWT\b/,
    );
    if (!verify) {
      const lib = dependencyNamed(this.input.index, /^(pyjwt|python-jose|jsonwebtoken|jose|flask-jwt-extended|djangorestframework-simplejwt|fastapi-jwt-auth|passport-jwt|express-jwt|@nestjs\/jwt)$/);
      return contradicted(lib ? `\`${lib.name}\` is a dependency, but no code verifies a JWT` : 'no JWT library is used and no token is verified anywhere in the code', lib && dependencyAt(lib));
    }
    const routes = this.routes;
    if (!routes.length) return unknown(`tokens are verified at ${at(verify)}; no routes were found to tell which ones require them`, verify);
    const guarded = routes.filter((r) => r.guards.length);
    if (!guarded.length) return contradicted(`tokens are verified at ${at(verify)}, but none of the ${plural(routes.length, 'route')} requires authentication`, verify);
    return verified(`tokens are verified at ${at(verify)}; ${guarded.length} of ${plural(routes.length, 'route')} require authentication`, verify, guarded[0].guards[0]?.at);
  }

  private oauth(providers: string[]): Verdict {
    const { files, index } = this.input;
    const delegated = dependencyNamed(index, /^(@clerk\/[\w-]+|clerk-backend-api|@auth0\/[\w-]+|auth0-python|@supabase\/supabase-js|supabase|firebase-admin|firebase|@aws-amplify\/auth|aws-amplify|@okta\/[\w-]+|@kinde-oss\/[\w-]+|stytch|@workos-inc\/node|workos)$/);
    const stubs = this.oauthStubs();
    const library = firstMatch(
      files,
      ['python', 'js'],
      /\b(authlib|oauthlib|requests_oauthlib|social_core|social_django|allauth|fastapi_sso|flask_dance|OAuth2Session|passport-(google|github|facebook|twitter|microsoft|apple|oauth2|azure)|GoogleProvider|GitHubProvider|GithubProvider|AzureADProvider|AppleProvider|next-auth\/providers|@auth\/core\/providers|arctic|simple-oauth2|openid-client)\b/,
    );
    const names = providers.length ? providers : [];
    if (names.length) {
      const results = names.map((p) => {
        const stub = stubs.find((s) => new RegExp(p.replace(/\s+/g, '.?'), 'i').test(s.name));
        if (stub) return { p, state: 'stub' as const, at: stub.at };
        const used = firstMatch(files, ['python', 'js', 'yaml', 'env'], new RegExp(`\\b${p.replace(/\s+/g, '[ _-]?')}\\b[\\s\\S]{0,200}\\b(oauth|client_id|clientId|provider|authorize|callback|sso|openid)|\\b(oauth|provider|sso)[\\s\\S]{0,200}\\b${p.replace(/\s+/g, '[ _-]?')}\\b`, 'i'));
        return { p, state: used ? ('found' as const) : ('missing' as const), at: used };
      });
      const stubbed = results.filter((r) => r.state === 'stub');
      if (stubbed.length)
        return contradicted(
          `the ${stubbed.map((r) => r.p).join(', ')} provider${stubbed.length === 1 ? ' raises NotImplementedError or is a stub' : 's raise NotImplementedError or are stubs'} (${stubbed.map((r) => at(r.at)).join(', ')})`,
          ...stubbed.map((r) => r.at),
        );
      if (delegated && results.some((r) => r.state === 'missing')) return unknown(`sign-in is delegated to \`${delegated.name}\`; its providers are configured in that service, not in the code`, dependencyAt(delegated));
      const missing = results.filter((r) => r.state === 'missing');
      if (missing.length) return contradicted(`no OAuth client or configuration for ${missing.map((r) => r.p).join(', ')} was found in the code`, library);
      return verified(`OAuth configuration for ${names.join(', ')} at ${results.map((r) => at(r.at)).join(', ')}`, ...results.map((r) => r.at));
    }
    if (stubs.length) return contradicted(`the OAuth code is a stub: ${stubs.map((s) => `\`${s.name}\` at ${at(s.at)}`).slice(0, 3).join(', ')}`, ...stubs.map((s) => s.at).slice(0, 3));
    if (library) return verified(`an OAuth / OpenID client is used at ${at(library)}`, library);
    if (delegated) return unknown(`sign-in is delegated to \`${delegated.name}\`; its providers are configured in that service`, dependencyAt(delegated));
    return contradicted('no OAuth or OpenID Connect client library or provider configuration is used anywhere in the code');
  }

  /** Functions and classes about OAuth or a sign-in provider that only raise NotImplementedError or are stubs (route-stub findings count too). */
  private oauthStubs(): { name: string; at: Location }[] {
    const out: { name: string; at: Location }[] = [];
    for (const f of ofRule(this.input.findings, 'route-stub-not-implemented'))
      if (/oauth|google|github|microsoft|apple|sso|provider|login/i.test(`${f.message} ${f.location.snippet ?? ''}`)) out.push({ name: f.message, at: f.location });
    for (const file of this.input.files.ofKind('python', { containing: ['NotImplementedError'], includeTests: false })) {
      if (!/oauth|provider|sso|social/i.test(file.path + file.text.slice(0, 2000))) continue;
      for (const fn of file.findAll({ kind: 'function_definition' })) {
        const raise = fn.find({ rule: { kind: 'raise_statement', regex: 'NotImplementedError' } });
        if (!raise) continue;
        let owner = fn.parent();
        while (owner && owner.kind() !== 'class_definition' && owner.kind() !== 'module') owner = owner.parent();
        const name = `${owner?.kind() === 'class_definition' ? `${owner.field('name')?.text()}.` : ''}${fn.field('name')?.text()}`;
        // An abstract base method is meant to raise; a concrete provider's is not.
        if (owner?.kind() === 'class_definition' && /^(Base|Abstract)|Base$|Interface$/.test(owner.field('name')?.text() ?? '')) continue;
        out.push({ name, at: file.locate(raise) });
      }
    }
    return out;
  }

  private authentication(): Verdict {
    const routes = this.routes;
    if (!routes.length) return unknown('no routes were found to check');
    const guarded = routes.filter((r) => r.guards.length);
    if (!guarded.length) return contradicted(`none of the ${plural(routes.length, 'route')} requires authentication`);
    return verified(`${guarded.length} of ${plural(routes.length, 'route')} require authentication (e.g. \`${guarded[0].guards[0].name}\` on ${routeName(guarded[0])})`, guarded[0].guards[0].at);
  }

  private rbac(): Verdict {
    const missing = ofRule(this.input.findings, 'admin-route-missing-role-check');
    if (missing.length) return contradicted(`${plural(missing.length, 'admin route')} check only that the caller is logged in, not their role (${at(missing[0].location)})`, missing[0].location);
    const roleGuard = this.routes.flatMap((r) => r.guards).find((g) => /role|admin|staff|superuser|permission|scope/i.test(g.name));
    if (roleGuard) return verified(`role checks guard routes (\`${roleGuard.name}\` at ${at(roleGuard.at)})`, roleGuard.at);
    const inCode = firstMatch(this.input.files, ['python', 'js'], /\b(has_perm|has_permission|require_role|requireRole|roles_required|@roles|hasRole|checkRole|is_admin|isAdmin|permission_classes|PermissionRequired)\b/);
    return inCode ? verified(`role checks at ${at(inCode)}`, inCode) : contradicted('no role or permission check was found on any route');
  }

  private allRoutesAuthenticated(): Verdict {
    const routes = this.routes;
    if (!routes.length) return unknown('no routes were found to check');
    const open = routes.filter((r) => !r.guards.length && !isPublicByDesign(r.path, r.handler.name));
    if (open.length) return contradicted(`${plural(open.length, 'route')} run without authentication: ${listRoutes(open)}`, ...open.slice(0, 3).map((r) => r.at));
    return verified(`every one of the ${plural(routes.length, 'route')} requires authentication or is public by design (health, login)`);
  }

  private rateLimiting(): Verdict {
    const limiter = rateLimiterFacts(this.input.index, this.input.files);
    const placeholder = limiter.placeholder?.at ?? placeholderJsRateLimiter(this.input.files);
    if (placeholder) return contradicted(`the rate limiter at ${at(placeholder)} is a placeholder that lets every request through`, placeholder);
    const missing = ofRule(this.input.findings, 'rate-limit-missing', ['noRateLimitAnywhere', 'noRateLimitAuth', 'noRateLimitPaidApi']);
    if (missing.length) return contradicted(`nothing in the application rate-limits requests (${missing[0].message.replace(/\.$/, '')})`, missing[0].location);
    if (limiter.name && limiter.at) return verified(`requests are rate limited: ${limiter.name} (${at(limiter.at)})`, limiter.at);
    return unknown('no rate limiter was found in the code or the proxy configuration; it may sit in front of the service (API gateway, CDN)');
  }

  private websocket(): Verdict {
    const ws = this.routes.filter((r) => r.method === 'WEBSOCKET');
    const stubbed = ofRule(this.input.findings, 'route-stub-not-implemented').filter((f) => ws.some((r) => f.data.route === `${r.method} ${r.path}`));
    if (stubbed.length) return contradicted(`the WebSocket endpoint is a stub (${at(stubbed[0].location)})`, stubbed[0].location);
    if (ws.length) return verified(`WebSocket route${ws.length === 1 ? '' : 's'} ${listRoutes(ws)}`, ws[0].at);
    return this.code(/@\w+\.websocket\s*\(|\bWebSocket\b\s*[,)]|\bwebsocket_route\b|AsyncWebsocketConsumer|WebsocketConsumer|\bSocketIO\s*\(|\bflask_sock\b|websockets\.serve|new\s+WebSocketServer|new\s+WebSocket\.Server|\bsocket\.io\b|from\s+["']ws["']|require\(["']ws["']\)|new\s+Server\s*\([^)]*\)\s*;?\s*\n?[\s\S]{0,80}io\.on\(/, 'A WebSocket server', 'no WebSocket endpoint or server is defined anywhere in the code');
  }

  private compliance(name: string, residual: string): Verdict {
    const against = this.complianceContradictions();
    if (against.length)
      return contradicted(`the code contradicts it: ${against.map((f) => `${f.title.toLowerCase()} (${at(f.location)})`).slice(0, 3).join('; ')}${against.length > 3 ? ` and ${against.length - 3} more` : ''}`, ...against.slice(0, 3).map((f) => f.location));
    return unknown(`no contradiction found in the code; ${residual}`);
  }

  /** Findings that a regulated-data claim cannot survive: personal data in logs, open routes, committed secrets, compliance findings. */
  private complianceContradictions(): Finding[] {
    const f = this.input.findings.filter((x) => x.status === 'open' || x.status === undefined);
    const serious = f.filter(
      (x) =>
        x.category === 'compliance' ||
        x.ruleId === 'sensitive-data-logged' ||
        x.ruleId === 'tls-verification-disabled' ||
        (x.ruleId === 'route-missing-auth' && (x.severity === 'critical' || x.severity === 'high')) ||
        (x.ruleId === 'env-file-tracked' && x.messageId !== 'notIgnored') ||
        (x.ruleId === 'hardcoded-secret' && x.severity === 'critical'),
    );
    const byRule = new Map<string, Finding>();
    for (const x of serious) if (!byRule.has(x.ruleId)) byRule.set(x.ruleId, x);
    return [...byRule.values()];
  }

  private gdpr(): Verdict {
    const verdict = this.compliance('GDPR', 'lawful basis, records of processing and processor agreements cannot be seen in code');
    if (verdict.status === 'CONTRADICTED') return verdict;
    const personal = firstMatch(this.input.files, ['python', 'js'], /\b(email|phone|first_name|last_name|full_name|date_of_birth|address)\b\s*[:=]/);
    if (!personal) return verdict;
    const erasure = this.routes.find((r) => r.method === 'DELETE' && /(user|account|me|profile|customer|member|gdpr|data)/i.test(r.path));
    const gdprRoute = this.routes.find((r) => /gdpr|erase|erasure|forget|export|data-request|dsar/i.test(r.path));
    if (!erasure && !gdprRoute) return contradicted(`personal data is stored (${at(personal)}), but no route deletes or exports a user's data (right to erasure, Art. 17; access, Art. 15)`, personal);
    return unknown(`erasure/export route ${routeName((erasure ?? gdprRoute)!)}; lawful basis, records of processing and processor agreements cannot be seen in code`, (erasure ?? gdprRoute)!.at);
  }

  private e2e(): Verdict {
    const crypto = firstMatch(this.input.files, ['js', 'python'], /\bcrypto\.subtle\.(encrypt|deriveKey|generateKey)\b|\blibsodium\b|\btweetnacl\b|\bnacl\.|\bopenpgp\b|@signalapp|\bolm\b|matrix-js-sdk|\bcrypto_box\b|\bsealed_box\b/i);
    if (crypto) return unknown(`client-side encryption is used at ${at(crypto)}; whether keys stay off the server cannot be told from the code`, crypto);
    const client = this.input.files.ofKind('js', { includeTests: false }).some((f) => f.language === 'tsx' || /\.jsx$/.test(f.path) || /(^|\/)(frontend|web|client|mobile|app)\//.test(f.path));
    return client
      ? contradicted('no encryption library or WebCrypto call is used in the client or server code: messages travel and are stored as sent')
      : unknown('the clients are not in this repository; end-to-end encryption would happen there');
  }

  private encryptionAtRest(): Verdict {
    const field = firstMatch(
      this.input.files,
      ['python', 'js', 'yaml', 'text'],
      /\b(EncryptedType|StringEncryptedType|EncryptedTextField|EncryptedCharField|encrypted_fields|django_cryptography|pgp_sym_encrypt|pgcrypto|Fernet\s*\(|AESGCM\s*\(|kms_key_id|KmsKeyId|ServerSideEncryption|storage_encrypted\s*=\s*true|encrypted\s*[:=]\s*true)\b/i,
    );
    return field ? verified(`encryption at rest is configured at ${at(field)}`, field) : unknown('no field- or storage-level encryption in the code; disk encryption is usually a setting of the database or cloud provider');
  }

  private coverage(claimed: number): Verdict {
    const inventory = testInventory(this.input.index, this.input.files);
    const report = inventory.coverage;
    if (report) {
      const where: Location = { file: report.reports[0].file };
      const files = report.reports.map((r) => `\`${r.file}\``).join(', ');
      return report.percent + 0.5 >= claimed
        ? verified(`the coverage report records ${report.percent}% (${files})`, where)
        : contradicted(`the coverage report records ${report.percent}%, not ${claimed}% (${files})`, where);
    }
    const tests = inventory.tests;
    if (!tests.length) return contradicted('there are no test files in the repository');
    const enforced = enforcedCoverage(this.input.files);
    if (enforced && enforced.percent >= claimed) return verified(`the build fails below ${enforced.percent}% coverage (${at(enforced.at)})`, enforced.at);
    return unknown(
      `${plural(tests.length, 'test file')} exist but no coverage report is committed${enforced ? ` and the enforced threshold is ${enforced.percent}% (${at(enforced.at)})` : ''}; run ${coverageCommand(inventory)} to measure it`,
      enforced?.at,
    );
  }

  private tests(): Verdict {
    const tests = testInventory(this.input.index, this.input.files).tests;
    if (!tests.length) return contradicted('there are no test files in the repository');
    return verified(`${plural(tests.length, 'test file')} (e.g. \`${tests[0].file}\`)`, { file: tests[0].file });
  }

  private docker(): Verdict {
    const dockerfile = this.input.files.ofKind('dockerfile')[0];
    const compose = this.input.files.ofKind('yaml').find((f) => /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(f.path));
    const found = dockerfile ?? compose;
    return found ? verified(`\`${found.path}\``, { file: found.path }) : contradicted('there is no Dockerfile or compose file in the repository');
  }

  private kubernetes(): Verdict {
    const manifest =
      this.input.files.ofKind('yaml').find((f) => /(^|\/)(Chart|kustomization)\.ya?ml$/.test(f.path)) ??
      this.input.files.ofKind('yaml', { containing: ['apiVersion'] }).find((f) => /^\s*kind:\s*(Deployment|StatefulSet|Service|Ingress|CronJob|Pod)\b/m.test(f.text));
    return manifest ? verified(`Kubernetes manifests (\`${manifest.path}\`)`, { file: manifest.path }) : contradicted('there are no Kubernetes manifests, Helm charts or kustomizations in the repository');
  }

  private ci(workflow?: string): Verdict {
    const ciFiles = this.input.files.all.filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)\.gitlab-ci\.ya?ml$|^\.circleci\/config\.ya?ml$|(^|\/)Jenkinsfile$|(^|\/)azure-pipelines\.ya?ml$|(^|\/)bitbucket-pipelines\.ya?ml$|(^|\/)\.travis\.ya?ml$|^\.drone\.ya?ml$|^\.buildkite\//.test(f.path));
    if (workflow) {
      const file = ciFiles.find((f) => f.path === `.github/workflows/${workflow}`);
      return file ? verified(`\`${file.path}\``, { file: file.path }) : contradicted(`the badge points at \`.github/workflows/${workflow}\`, which is not in the repository`);
    }
    return ciFiles.length ? verified(`\`${ciFiles[0].path}\``, { file: ciFiles[0].path }) : contradicted('there is no CI configuration (GitHub Actions, GitLab CI, CircleCI, Jenkins …) in the repository');
  }

  private monitoring(tool?: string): Verdict {
    const { files, index } = this.input;
    const checks: Record<string, { init: RegExp; dep: RegExp }> = {
      Sentry: { init: /\bsentry_sdk\.init\s*\(|\bSentry\.init\s*\(|withSentryConfig|@sentry\/nextjs/, dep: /^(sentry-sdk|@sentry\/[\w-]+)$/ },
      Prometheus: { init: /\bprometheus_client\b|Instrumentator\s*\(|\bPrometheusMiddleware\b|\bmake_asgi_app\s*\(|\bprom-client\b|collectDefaultMetrics|django_prometheus|express-prom-bundle/, dep: /^(prometheus-client|prometheus-fastapi-instrumentator|starlette-exporter|prom-client|django-prometheus|express-prom-bundle)$/ },
      OpenTelemetry: { init: /\bopentelemetry\b|@opentelemetry\//, dep: /^(opentelemetry-[\w-]+|@opentelemetry\/[\w-]+)$/ },
      Datadog: { init: /\bddtrace\b|\bdd-trace\b|\bdatadog\b/, dep: /^(ddtrace|dd-trace|datadog)$/ },
      'New Relic': { init: /\bnewrelic\b/, dep: /^newrelic$/ },
    };
    const find = (name: string) => firstMatch(files, ['python', 'js'], checks[name].init);
    if (tool === 'Grafana') {
      const grafana = firstMatch(files, ['yaml', 'json'], /grafana/i);
      return grafana ? verified(`Grafana configuration at ${at(grafana)}`, grafana) : contradicted('no Grafana dashboards, provisioning or service are in the repository');
    }
    if (tool && checks[tool]) {
      const used = find(tool);
      if (used) return verified(`${tool} is set up at ${at(used)}`, used);
      const dep = dependencyNamed(index, checks[tool].dep);
      return contradicted(dep ? `\`${dep.name}\` is a dependency, but the code never initialises ${tool}` : `${tool} is not used anywhere in the code`, dep && dependencyAt(dep));
    }
    for (const name of Object.keys(checks)) {
      const used = find(name);
      if (used) return verified(`${name} is set up at ${at(used)}`, used);
    }
    const metricsRoute = this.routes.find((r) => /(^|\/)metrics\/?$/.test(r.path));
    if (metricsRoute) return verified(`metrics are served at ${routeName(metricsRoute)}`, metricsRoute.at);
    return contradicted('no error tracking, metrics or tracing (Sentry, Prometheus, OpenTelemetry, Datadog, New Relic) is set up in the code');
  }

  private health(): Verdict {
    const routes = this.routes;
    const health = routes.find((r) => /(^|\/)(health|healthz|healthcheck|ready|readyz|live|livez|ping|status)\/?$/i.test(r.path));
    if (health) return verified(`${routeName(health)}`, health.at);
    return routes.length ? contradicted(`none of the ${plural(routes.length, 'route')} is a health check`) : unknown('no routes were found to check');
  }

  private redis(): Verdict {
    const { files, index } = this.input;
    const client = firstMatch(files, ['python', 'js'], /\bredis_url\b|\bREDIS_URL\b|\bstorage_uri\b|RATELIMIT_STORAGE_UR[IL]|CACHE_REDIS_URL|\bredis\.(Redis|StrictRedis|from_url|asyncio)\b|\bfrom\s+redis\b|\bimport\s+redis\b|\baioredis\b|\bRedis\.from_url\s*\(|new\s+Redis\s*\(|from\s+["']ioredis["']|require\(["']ioredis["']\)|createClient\s*\(|@upstash\/redis|django_redis|RedisCache|redis:\/\//);
    if (client) return verified(`Redis is used (${at(client)})`, client);
    const service = firstMatch(files, ['yaml'], /^\s*image:\s*["']?redis\b/m);
    const dep = dependencyNamed(index, /^(redis|ioredis|aioredis|django-redis|@upstash\/redis)$/);
    if (service || dep) return contradicted(`Redis is ${service ? `a compose service (${at(service)})` : `a dependency (\`${dep!.name}\`)`}, but no code connects to it`, service ?? (dep && dependencyAt(dep)));
    return contradicted('no Redis client is used anywhere in the code');
  }

  private caching(): Verdict {
    const cache = firstMatch(
      this.input.files,
      ['python', 'js'],
      /@(functools\.)?(lru_cache|cache|cached)\b|\bcachetools\b|\bfastapi_cache\b|\bflask_caching\b|\bCache\s*\(|@cache_page\b|\bcache\.(get|set|get_or_set)\s*\(|\bredis\.(Redis|from_url)|\bsetex\s*\(|new\s+(NodeCache|LRUCache|Keyv)\s*\(|\bunstable_cache\b|revalidate\s*[:=]\s*\d|Cache-Control/,
    );
    return cache ? verified(`caching at ${at(cache)}`, cache) : contradicted('no cache (Redis, memcached, an in-process cache or cache headers) is used anywhere in the code');
  }

  private multiTenant(): Verdict {
    const hardcoded = ofRule(this.input.findings, 'tenant-id-hardcoded');
    if (hardcoded.length) return contradicted(`the tenant is hard-coded or taken from the request instead of the authenticated user (${at(hardcoded[0].location)})`, hardcoded[0].location);
    const column = firstMatch(this.input.files, ['python', 'js', 'text'], /\b(tenant_id|tenantId|organization_id|organisation_id|org_id|orgId|workspace_id|workspaceId|account_id)\b\s*(=|:|\bColumn|\bForeignKey|\bmodels\.|String|Int|@|\s+(uuid|int|bigint|text|varchar)\b)/i);
    if (!column) return contradicted('no model or query carries a tenant (tenant_id, organization_id, workspace_id …)');
    return verified(`data is keyed by tenant (${at(column)})`, column);
  }

  private endpoint(method: string, path: string, source: Location): Verdict {
    const routes = this.routes;
    if (!routes.length) return unknown('no routes were found to compare with (framework not recognised or routes built dynamically)');
    const { same, otherMethod } = matchRoutes(routes, method, path);
    const provider = /openai|stripe|twilio|github api|slack|elevenlabs|anthropic|sendgrid|google api/i.test(source.snippet ?? '');
    if (same.length) {
      const route = same[0];
      const stub = ofRule(this.input.findings, 'route-stub-not-implemented').find((f) => f.data.route === `${route.method} ${route.path}` || f.related.some((r) => r.file === route.at.file && r.startLine === route.at.startLine));
      if (stub) return contradicted(`${routeName(route)} exists but is not implemented (${at(stub.location)})`, stub.location);
      return verified(`${routeName(route)} at ${at(route.at)}`, route.at);
    }
    if (method === 'ANY') {
      const prefix = normaliseRoutePath(path);
      const under = routes.filter((r) => normaliseRoutePath(r.path).startsWith(`${prefix}/`));
      if (under.length) return verified(`${plural(under.length, 'route')} under \`${path}\` (e.g. ${routeName(under[0])})`, under[0].at);
    }
    if (provider) return unknown('the document may describe a third-party API here');
    if (otherMethod.length) return contradicted(`the path is served only as ${[...new Set(otherMethod.map((r) => r.method))].join(', ')} (${at(otherMethod[0].at)})`, otherMethod[0].at);
    const builtin = this.builtinPath(path);
    if (builtin) return builtin;
    // A fixed path the code names but the route table does not hold (mounted sub-apps, routes built at run time): not provably absent.
    if (!/[{<:[]/.test(path) && path.length > 2) {
      const escaped = path.replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const named = firstMatch(this.input.files, ['python', 'js'], new RegExp(`["'\`]${escaped}/?["'\`]`));
      if (named) return unknown(`\`${path}\` appears in the code at ${at(named)}, but not as a route the route table holds (mounted or built at run time)`, named);
    }
    return contradicted(`no route \`${method === 'ANY' ? path : `${method} ${path}`}\` is in the route table (${plural(routes.length, 'route')} found)`);
  }

  /** Paths a framework serves by itself: FastAPI's `/docs`, `/redoc`, `/openapi.json`; Next.js pages (`app/<path>/page.tsx`, `pages/<path>.tsx`). */
  private builtinPath(path: string): Verdict | undefined {
    const { index, files } = this.input;
    const clean = normaliseRoutePath(path);
    if (index.domains.has('fastapi') && /^\/(docs|redoc|openapi\.json)$/.test(clean)) {
      const disabled = firstMatch(files, ['python'], new RegExp(`${clean === '/openapi.json' ? 'openapi_url' : clean === '/docs' ? 'docs_url' : 'redoc_url'}\\s*=\\s*None`));
      return disabled ? contradicted(`FastAPI's ${clean} is turned off at ${at(disabled)}`, disabled) : verified(`FastAPI serves ${clean} by default`);
    }
    if (index.domains.has('nextjs')) {
      const segments = clean.split('/').filter(Boolean);
      const page = files.all.find((f) => {
        const m = /(?:^|\/)(?:src\/)?(app|pages)\/(.*?)(?:\/?(page|index))?\.[jt]sx?$/.exec(f.path);
        if (!m || (m[1] === 'app' && m[3] !== 'page')) return false;
        const parts = m[2].split('/').filter((p) => p && !/^\(.*\)$/.test(p));
        return parts.length === segments.length && parts.every((p, i) => p.toLowerCase() === segments[i] || (/^\[.*\]$/.test(p) && segments[i] === '{}'));
      });
      if (page) return verified(`the Next.js page \`${page.path}\``, { file: page.path });
    }
    return undefined;
  }

  private envVar(name: string): Verdict {
    this.envReads ??= environmentReads(this.input.files);
    const read = this.envReads.get(name);
    if (read) return verified(`read at ${at(read)}`, read);
    const implicit = implicitReader(name);
    if (implicit) return unknown(`not read by the project's code; ${implicit} reads it from the environment`);
    return contradicted('no code or configuration reads this variable');
  }

  /** The variables the code requires that neither the docs nor an example env file mention. */
  private envDocs(documented: string[]): Verdict {
    const known = new Set([...documented, ...exampleEnvironment(this.input.files)]);
    const required = [...requiredEnvironment(this.input.files)];
    const missing = required.filter(([name]) => !known.has(name));
    if (!required.length) return unknown('no variable is read without a default, so there is nothing the documentation must list');
    if (!missing.length) return verified(`all ${plural(required.length, 'variable')} the code requires are documented`);
    return contradicted(
      `the code requires ${missing.map(([n]) => `\`${n}\``).slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}, which neither the docs nor an example env file list (${at(missing[0][1])})`,
      ...missing.slice(0, 5).map(([, l]) => l),
    );
  }

  private file(path: string, docPath: string): Verdict {
    // The same lookup as every other path docs and configuration reference (referenced-file-missing).
    const found = resolveReferencedPath(this.input.index, { kind: 'doc-path', target: path, match: 'suffix', base: dirOf(docPath) });
    return found ? verified(`\`${found}\``, { file: found }) : contradicted(`\`${path}\` does not exist in the repository`);
  }
}

/**
 * When the documentation lists environment variables, one more claim: the list is complete. It
 * sits where the first variable is documented and knows every documented name.
 */
function envDocsClaim(claims: DocClaim[]): DocClaim[] {
  const vars = claims.filter((c) => c.kind === 'env-var');
  if (!vars.length) return [];
  return [{ kind: 'env-docs', claim: 'the documented environment variables cover what the code requires', source: vars[0].source, detail: { name: vars.map((v) => v.detail.name).join(',') } }];
}
