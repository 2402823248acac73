/**
 * Evidence searches the claims check shares: the first place a pattern occurs in shipped code or
 * configuration, dependencies by name, environment variables the code and configuration read,
 * coverage thresholds, and route matching for documented endpoints.
 */
import type { Location } from '../../model/finding.ts';
import type { FileKind, ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Dependency, RepoIndex, Route } from '../../model/repo-index.ts';

/** The first line (in path order) of shipped files of the given kinds where `pattern` matches. */
export function firstMatch(files: ParsedFiles, kinds: FileKind[], pattern: RegExp, options: { includeTests?: boolean; path?: RegExp } = {}): Location | undefined {
  const candidates = kinds
    .flatMap((k) => files.ofKind(k, { includeTests: options.includeTests ?? false }))
    .filter((f) => !options.path || options.path.test(f.path))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const file of candidates) {
    const m = pattern.exec(file.text);
    if (m) return file.locateLines(file.position(m.index).line);
  }
  return undefined;
}

export function dependencyNamed(index: RepoIndex, pattern: RegExp): Dependency | undefined {
  return index.dependencies.find((d) => pattern.test(d.name));
}

export const dependencyAt = (d: Dependency): Location => ({ file: d.manifest, startLine: d.line, endLine: d.line, snippet: `${d.name}${d.spec ? ` ${d.spec}` : ''}` });

/** Environment variables the project reads, by name, with where (code, compose, Dockerfiles, manifests, workflows). */
export function environmentReads(files: ParsedFiles): Map<string, Location> {
  const out = new Map<string, Location>();
  const add = (name: string, at: Location) => {
    if (!out.has(name)) out.set(name, at);
  };
  const scan = (file: ParsedFile, pattern: RegExp, group = 1) => {
    for (const m of file.text.matchAll(pattern)) add(m[group], file.locateLines(file.position(m.index).line));
  };
  for (const file of files.ofKind('python', { includeTests: false })) {
    scan(file, /(?:getenv|environ\.get|environ\[|environ\.setdefault|env\.(?:str|bool|int|float|list|json|url|db_url|db|cache_url)|\benv|\bconfig|get_env|os\.environ\.get)\s*\(?\s*\[?\s*["']([A-Z][A-Z0-9_]{1,})["']/g);
    // pydantic BaseSettings / dataclass-settings fields: `database_url: str` read as DATABASE_URL (with env_prefix).
    for (const { variable, assign } of settingsFields(file)) {
      add(variable, file.locate(assign));
      const alias = /(validation_alias|alias|env)\s*=\s*["']([A-Za-z0-9_]+)["']/.exec(assign.text());
      if (alias) add(alias[2].toUpperCase(), file.locate(assign));
    }
  }
  for (const file of files.ofKind('js', { includeTests: false })) {
    scan(file, /\b(?:process\.env|import\.meta\.env|Deno\.env\.get\()\s*(?:\.|\[\s*["'`]|\(\s*["'`])([A-Z][A-Z0-9_]{1,})/g);
    // `const { DATABASE_URL, PORT } = process.env`
    for (const m of file.text.matchAll(/\{([^}]{1,400})\}\s*=\s*process\.env\b/g))
      for (const name of m[1].matchAll(/\b([A-Z][A-Z0-9_]{1,})\b/g)) add(name[1], file.locateLines(file.position(m.index).line));
    // zod / envalid schemas: `DATABASE_URL: z.string()`, `PORT: port()`
    if (/process\.env/.test(file.text)) scan(file, /^\s*([A-Z][A-Z0-9_]{2,})\s*:\s*(?:z\.|str\(|num\(|bool\(|port\(|url\(|email\(|host\()/gm);
  }
  for (const file of [...files.ofKind('yaml'), ...files.ofKind('dockerfile'), ...files.ofKind('toml'), ...files.ofKind('text')]) {
    if (file.isTest) continue;
    scan(file, /\$\{?([A-Z][A-Z0-9_]{1,})/g);
    // compose / Kubernetes `environment:` keys and `- name: X` entries, Dockerfile ENV/ARG
    scan(file, /^\s*-?\s*(?:name:\s*)?([A-Z][A-Z0-9_]{2,})\s*[:=]/gm);
    if (file.kind === 'dockerfile') scan(file, /^\s*(?:ENV|ARG)\s+([A-Z][A-Z0-9_]{1,})/gm);
  }
  return out;
}

/**
 * Variables a library, runtime or platform reads by itself, so documenting them without the code
 * reading them is right: the value is what reads them.
 */
export const IMPLICIT_ENV: [RegExp, string][] = [
  [/^(PORT|HOST|NODE_ENV|TZ|LANG|PATH|HOME|PYTHONPATH|PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE|WEB_CONCURRENCY|GUNICORN_CMD_ARGS|UVICORN_\w+|FLASK_APP|FLASK_DEBUG|FLASK_ENV|DJANGO_SETTINGS_MODULE|NEXT_TELEMETRY_DISABLED|CI|DEBUG)$/, 'the runtime or framework'],
  [/^(OPENAI_API_KEY|OPENAI_BASE_URL|OPENAI_ORG_ID|OPENAI_PROJECT_ID)$/, 'the OpenAI client library'],
  [/^ANTHROPIC_API_KEY$/, 'the Anthropic client library'],
  [/^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_REGION|AWS_DEFAULT_REGION|AWS_PROFILE)$/, 'the AWS SDK'],
  [/^(GOOGLE_APPLICATION_CREDENTIALS|GOOGLE_CLOUD_PROJECT|GCLOUD_PROJECT)$/, 'the Google Cloud SDK'],
  [/^(SENTRY_DSN|SENTRY_ENVIRONMENT|SENTRY_RELEASE|SENTRY_TRACES_SAMPLE_RATE)$/, 'the Sentry SDK'],
  [/^(POSTGRES_USER|POSTGRES_PASSWORD|POSTGRES_DB|PGHOST|PGPORT|PGUSER|PGPASSWORD|PGDATABASE|MYSQL_\w+|MONGO_INITDB_\w+|REDIS_PASSWORD)$/, 'the database image or driver'],
  [/^(HF_TOKEN|HUGGING_FACE_HUB_TOKEN|ELEVEN_API_KEY|ELEVENLABS_API_KEY|GROQ_API_KEY|MISTRAL_API_KEY|COHERE_API_KEY|REPLICATE_API_TOKEN|TWILIO_ACCOUNT_SID|TWILIO_AUTH_TOKEN|STRIPE_API_KEY|SENDGRID_API_KEY|LANGCHAIN_\w+|LANGSMITH_\w+)$/, 'the provider SDK'],
  [/^(NEXTAUTH_URL|NEXTAUTH_SECRET|AUTH_SECRET|AUTH_URL|VERCEL_\w+|NETLIFY_\w+|RENDER_\w+|FLY_\w+|RAILWAY_\w+|HEROKU_\w+)$/, 'the framework or hosting platform'],
];

export function implicitReader(name: string): string | undefined {
  return IMPLICIT_ENV.find(([r]) => r.test(name))?.[1];
}

/** Normalised route path: parameters as `{}` (`{id}`, `:id`, `<int:id>`, `[id]`), no trailing slash, lower case. */
export function normaliseRoutePath(path: string): string {
  const p = path
    .split('?')[0]
    .replace(/\{[^}]*\}|<[^>]*>|:[A-Za-z_]\w*|\[\.{0,3}[^\]]*\]/g, '{}')
    .replace(/\/+$/, '')
    .toLowerCase();
  return p || '/';
}

/** Routes that serve a documented `METHOD path`: exact, or with the route's extra prefix (`/api/v1`), or the docs' base path left out. */
export function matchRoutes(routes: readonly Route[], method: string, path: string): { same: Route[]; otherMethod: Route[] } {
  const want = normaliseRoutePath(path);
  const fits = (r: Route) => {
    const have = normaliseRoutePath(r.path);
    return have === want || (want.length > 1 && (have.endsWith(want) || want.endsWith(have)) && have.split('/').length >= 3 && want.split('/').length >= 2 && Math.abs(have.length - want.length) <= 12);
  };
  const matching = routes.filter(fits);
  const same = matching.filter((r) => method === 'ANY' || r.method === method || r.method === 'ANY');
  return { same, otherMethod: same.length ? [] : matching };
}

/** A coverage threshold the build enforces: `--cov-fail-under=80`, `fail_under = 80`, jest `coverageThreshold`, vitest `thresholds`. */
export function enforcedCoverage(files: ParsedFiles): { percent: number; at: Location } | undefined {
  const patterns = [/--cov-fail-under[= ](\d{1,3})/, /\bfail_under\s*=\s*(\d{1,3})/, /\bcoverageThreshold[\s\S]{0,200}?\blines["']?\s*:\s*(\d{1,3})/, /\bthresholds[\s\S]{0,200}?\blines\s*:\s*(\d{1,3})/];
  for (const file of files.all) {
    if (!['yaml', 'toml', 'text', 'json', 'js'].includes(file.kind)) continue;
    for (const pattern of patterns) {
      const m = pattern.exec(file.text);
      if (m) return { percent: Number(m[1]), at: file.locateLines(file.position(m.index).line) };
    }
  }
  return undefined;
}

/**
 * Variables the code cannot start without: `os.environ["X"]`, `env("X")` / `config("X")` without a
 * default, pydantic settings fields without a default, zod/envalid entries that are neither
 * optional nor defaulted. Tests and scripts are left out.
 */
export function requiredEnvironment(files: ParsedFiles): Map<string, Location> {
  const out = new Map<string, Location>();
  const add = (name: string, at: Location) => {
    if (!out.has(name)) out.set(name, at);
  };
  for (const file of files.ofKind('python', { includeTests: false })) {
    if (/(^|\/)(scripts?|bin|tools)\//.test(file.path)) continue;
    for (const m of file.text.matchAll(/\bos\.environ\[\s*["']([A-Z][A-Z0-9_]{1,})["']\s*\]/g)) add(m[1], file.locateLines(file.position(m.index).line));
    for (const m of file.text.matchAll(/\b(?:env|config)\(\s*["']([A-Z][A-Z0-9_]{1,})["']\s*\)/g)) add(m[1], file.locateLines(file.position(m.index).line));
    for (const { variable, assign, type } of settingsFields(file)) {
      // `database_url: str` (no value) or `Field(...)` without a default is required.
      const right = assign.field('right');
      const required = !right || /^Field\(\s*(\.\.\.|\))/.test(right.text());
      if (required && !/Optional\[|\|\s*None/.test(type)) add(variable, file.locate(assign));
    }
  }
  for (const file of files.ofKind('js', { containing: ['process.env'], includeTests: false })) {
    for (const m of file.text.matchAll(/^\s*([A-Z][A-Z0-9_]{2,})\s*:\s*(z\.[\w.()'"`, ]+|str\(\)|num\(\)|url\(\)|port\(\)|bool\(\))\s*,?\s*$/gm)) {
      if (/optional|default|nullish/.test(m[2])) continue;
      add(m[1], file.locateLines(file.position(m.index).line));
    }
  }
  return out;
}

/** Variables an example env file (`.env.example`, `.env.sample`, `.env.template`) or a compose `environment:` lists: documented configuration too. */
export function exampleEnvironment(files: ParsedFiles): Set<string> {
  const out = new Set<string>();
  for (const file of files.ofKind('env')) if (/\.env\.(example|sample|template|dist|defaults)$|(^|\/)example\.env$/.test(file.path)) for (const e of file.env ?? []) out.add(e.key);
  return out;
}

/** Typed fields of pydantic `BaseSettings` classes, with the environment variable each reads (`env_prefix` + the field name, upper case). */
function settingsFields(file: ParsedFile): { variable: string; assign: SyntaxNode; type: string }[] {
  if (!/BaseSettings/.test(file.text) || !file.ast) return [];
  const out: { variable: string; assign: SyntaxNode; type: string }[] = [];
  for (const cls of file.findAll({ kind: 'class_definition' })) {
    if (!/BaseSettings/.test(cls.field('superclasses')?.text() ?? '')) continue;
    const prefix = (/env_prefix\s*=\s*["']([A-Za-z0-9_]*)["']/.exec(cls.text())?.[1] ?? '').toUpperCase();
    for (const stmt of cls.field('body')?.children() ?? []) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
      const name = assign?.field('left')?.text();
      const type = assign?.field('type')?.text();
      if (assign && name && type && /^[a-z_][a-z0-9_]*$/i.test(name)) out.push({ variable: `${prefix}${name}`.toUpperCase(), assign, type });
    }
  }
  return out;
}
