/**
 * Times the git-history secret scan on a generated repository (not a test: it prints figures).
 *
 *   npx tsx scripts/bench-git-history.ts [--commits 10000] [--runs 3]
 *
 * The repository (`.bench/history-<commits>`, reused when present) is written with `git
 * fast-import`: every commit edits two to four files of a small multi-language service (Python,
 * TypeScript, YAML, JSON, Markdown, shell), about 30 changed lines a commit, and one commit in
 * 200 adds a provider key, a private-key block or a generated password that a later commit
 * removes. The scan reads `git log --all -p` exactly as an audit does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { scanGitHistory } from '../src/facts/git-history.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} takes a positive whole number`);
    process.exit(2);
  }
  return value;
};
const commits = flag('commits', 10_000);
const runs = flag('runs', 3);
const repo = path.resolve(import.meta.dirname, `../.bench/history-${commits}`);

/** Deterministic pseudo-random numbers (mulberry32), so the repository is the same on every machine. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: T[]) => list[Math.floor(next() * list.length)],
    token: (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function lineFor(file: string, r: ReturnType<typeof random>, n: number): string {
  const word = r.pick(['orders', 'users', 'billing', 'invoice', 'session', 'token_ttl', 'retry', 'cache', 'report', 'export']);
  if (file.endsWith('.py')) return r.pick([`def ${word}_${n}(request):`, `    return {"${word}": ${n}}`, `    logger.info("${word} %s", ${n})`, `${word.toUpperCase()}_LIMIT = ${n}`, `    if password_reset_enabled and ${word}:`]);
  if (file.endsWith('.ts')) return r.pick([`export const ${word}${n} = ${n};`, `  const token = await getToken('${word}');`, `router.get('/${word}/${n}', handler);`, `  // TODO: ${word} pagination`]);
  if (file.endsWith('.yaml')) return r.pick([`  ${word}_${n}: ${n}`, `    replicas: ${n % 7}`, `  api_key_header: X-${word}`, `    image: registry.example/${word}:${n}`]);
  if (file.endsWith('.json')) return r.pick([`  "${word}${n}": ${n},`, `  "tokenTtl": ${n},`, `  "${word}": "${word}-${n}",`]);
  if (file.endsWith('.md')) return r.pick([`- ${word}: rotate the token every ${n} days`, `The ${word} service keeps ${n} entries.`, `| ${word} | ${n} |`]);
  return r.pick([`echo "${word} ${n}"`, `export ${word.toUpperCase()}_PORT=${8000 + (n % 100)}`, `curl -s https://internal.example/${word}/${n}`]);
}

function secretLine(r: ReturnType<typeof random>): string {
  return r.pick([
    `OPENAI_API_KEY = "sk-proj-${r.token(ALNUM, 48)}"`,
    `GITHUB_TOKEN = "ghp_${r.token(ALNUM, 36)}"`,
    `db_password = "${r.token(ALNUM, 18)}"`,
    `STRIPE_KEY = "sk_live_${r.token(ALNUM, 24)}"`,
  ]);
}

function generate(): void {
  const r = random(42);
  const files = ['app/api.py', 'app/models.py', 'app/settings.py', 'web/src/client.ts', 'web/src/routes.ts', 'deploy/values.yaml', 'config/app.json', 'docs/ops.md', 'scripts/deploy.sh'];
  const contents = new Map(files.map((f) => [f, Array.from({ length: 120 }, (_, i) => lineFor(f, r, i))]));
  const chunks: string[] = [];
  const blob = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let removeAt = -1;
  let planted: { file: string; index: number } | undefined;
  for (let c = 1; c <= commits; c++) {
    const date = 1_600_000_000 + c * 3600;
    const touched = new Set<string>();
    for (let k = r.int(2, 4); k > 0; k--) {
      const file = r.pick(files);
      const lines = contents.get(file)!;
      for (let j = r.int(5, 12); j > 0; j--) lines[r.int(0, lines.length - 1)] = lineFor(file, r, c * 13 + j);
      if (lines.length < 400) for (let j = r.int(0, 4); j > 0; j--) lines.push(lineFor(file, r, c * 7 + j));
      touched.add(file);
    }
    if (c % 200 === 0 && !planted) {
      const file = 'app/settings.py';
      const lines = contents.get(file)!;
      planted = { file, index: r.int(0, lines.length - 1) };
      lines[planted.index] = secretLine(r);
      touched.add(file);
      removeAt = c + r.int(1, 30);
    }
    if (c === removeAt && planted) {
      contents.get(planted.file)![planted.index] = 'OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]';
      touched.add(planted.file);
      planted = undefined;
    }
    chunks.push(`commit refs/heads/main\nmark :${c}\ncommitter Bench Author <bench@example.invalid> ${date} +0000\n${blob(`change ${c}`)}`);
    if (c > 1) chunks.push(`from :${c - 1}\n`);
    for (const file of [...touched].sort()) chunks.push(`M 100644 inline ${file}\n${blob(`${contents.get(file)!.join('\n')}\n`)}`);
    chunks.push('\n');
  }
  mkdirSync(repo, { recursive: true });
  execFileSync('git', ['-C', repo, 'init', '-q']);
  const result = spawnSync('git', ['-C', repo, 'fast-import', '--quiet'], { input: chunks.join(''), maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr}`);
  execFileSync('git', ['-C', repo, 'checkout', '-q', 'main']);
}

if (!existsSync(path.join(repo, '.git'))) {
  const started = performance.now();
  generate();
  console.log(`generated ${repo} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const times: number[] = [];
let last;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  last = await scanGitHistory(repo);
  times.push((performance.now() - started) / 1000);
}
times.sort((a, b) => a - b);
console.log(`${last!.commits} commits, ${last!.secrets.length} distinct secrets found; scan ${times.map((t) => t.toFixed(1)).join(' / ')} s (median ${times[Math.floor(times.length / 2)].toFixed(1)} s)`);
