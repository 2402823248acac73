/**
 * Throughput benchmark: the full `audit()` in-process on a synthetic repository.
 *
 *   npm run bench [-- --lines N | --repo DIR] [-- --runs K] [-- --phases] [-- --only id,id | --skip-rules id,id]
 *
 * Prints files, lines of code (non-blank), wall time, lines per second, peak RSS and findings
 * per run, the median of the runs, and the machine. `--phases` adds one more, instrumented pass
 * that times discover / parse / index / rules and lists the slowest rules; `--only` / `--skip-rules`
 * choose the rules (to see what the rest costs). Not a test: nothing is asserted.
 */
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { audit } from '../src/audit.ts';
import { defaultConfig, fileSizeLimits } from '../src/config/schema.ts';
import { discoverFiles } from '../src/discover/discover-files.ts';
import { runRules } from '../src/engine/run-rules.ts';
import { selectRules } from '../src/engine/select-rules.ts';
import { buildRepoIndex } from '../src/facts/build-repo-index.ts';
import { parseFiles } from '../src/parse/parse-files.ts';
import { registry } from '../src/rules/index.ts';
import { DEFAULT_LINES, ensureBenchRepo, parseCount, readFlag } from './generate-bench-repo.ts';

interface RunResult {
  files: number;
  lines: number;
  seconds: number;
  peakRssMb: number;
  findings: number;
}

const MB = 1024 * 1024;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function runOnce(root: string, only?: string[]): Promise<RunResult> {
  // Sample RSS every 50 ms; synchronous stretches (parsing, rules) can starve the timer, so the
  // kernel's high-water mark (maxRSS, in KB, whole process lifetime) is read as well.
  let sampled = process.memoryUsage().rss;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 50);
  const started = process.hrtime.bigint();
  try {
    const report = await audit({ root, only });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    sampled = Math.max(sampled, process.memoryUsage().rss);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    return {
      files: report.summary.filesAudited,
      lines: report.summary.linesOfCode.total,
      seconds,
      peakRssMb: Math.max(sampled, maxRss) / MB,
      findings: report.findings.length,
    };
  } finally {
    clearInterval(timer);
  }
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/**
 * Between runs: collect the previous run's garbage and let the event loop drain. Freeing millions
 * of syntax-node handles (native finalizers) otherwise lands in the next run's timing; the time
 * it takes is printed, as it is a real cost of the run before.
 */
async function settle(): Promise<number> {
  const started = performance.now();
  collectGarbage();
  let quietTurns = 0;
  while (quietTurns < 20 && performance.now() - started < 120_000) {
    const turn = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
    quietTurns = performance.now() - turn < 2 ? quietTurns + 1 : 0;
  }
  collectGarbage();
  return (performance.now() - started) / 1000;
}

function describeRun(label: string, r: RunResult): string {
  return [
    label.padEnd(8),
    `${fmt(r.files)} files`,
    `${fmt(r.lines)} lines`,
    `${fmt(r.seconds, 2)} s`,
    `${fmt(r.lines / r.seconds)} lines/s`,
    `peak RSS ${fmt(r.peakRssMb)} MB`,
    `${fmt(r.findings)} findings`,
  ].join(' · ');
}

/** The first steps of audit() (src/audit.ts), timed one by one; per-rule times come from the outcomes. */
async function timePhases(root: string, only?: string[]): Promise<void> {
  const config = defaultConfig();
  const lap = (() => {
    let last = performance.now();
    return (label: string) => {
      const now = performance.now();
      console.log(`  ${label.padEnd(10)} ${fmt((now - last) / 1000, 2)} s`);
      last = now;
    };
  })();
  console.log('phases (one instrumented pass):');
  const discovery = await discoverFiles(root, { ...fileSizeLimits(config), ignore: config.ignore });
  lap('discover');
  const parsed = await parseFiles(discovery.files);
  lap('parse');
  const index = buildRepoIndex(path.resolve(root), parsed.files, { tracked: discovery.gitTracked, trackedButIgnored: discovery.gitTrackedButIgnored });
  lap('index');
  const run = runRules(selectRules(registry, config, index.domains, only), { index, files: parsed.files });
  lap('rules');
  const slowest = [...run.outcomes].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  console.log('slowest rules:');
  for (const o of slowest) console.log(`  ${fmt(o.durationMs / 1000, 2).padStart(7)} s  ${o.ruleId} (${o.status}, ${o.findings.length} findings)`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rawLines = readFlag(argv, '--lines');
  const rawRuns = readFlag(argv, '--runs');
  const lines = rawLines === undefined ? DEFAULT_LINES : parseCount(rawLines, '--lines');
  const runs = rawRuns === undefined ? 1 : parseCount(rawRuns, '--runs');
  const ids = (flag: string) => {
    const list = (readFlag(argv, flag) ?? '').split(',').filter(Boolean);
    const unknown = list.filter((id) => !registry.some((r) => r.meta.id === id));
    if (unknown.length) throw new Error(`${flag}: unknown rule id ${unknown.join(', ')}`);
    return list;
  };
  const skipped = new Set(ids('--skip-rules'));
  const chosen = ids('--only');
  const only = chosen.length ? chosen.filter((id) => !skipped.has(id)) : skipped.size ? registry.map((r) => r.meta.id).filter((id) => !skipped.has(id)) : undefined;

  // `--repo DIR` times an existing repository instead of the generated one.
  const given = readFlag(argv, '--repo');
  const repo = given
    ? { root: path.resolve(given), files: 0, reused: true }
    : ensureBenchRepo(lines, (m) => console.log(m));
  const cpus = os.cpus();
  console.log(`repository: ${path.relative(process.cwd(), repo.root)}${given ? ' (given with --repo)' : ` (${fmt(repo.files)} files, ${repo.reused ? 'reused' : 'generated'})`}`);
  console.log(
    `machine:    ${cpus[0]?.model.trim() ?? 'unknown CPU'} · ${cpus.length} cores · ${fmt(os.totalmem() / 1024 ** 3, 1)} GB RAM · Node ${process.version} · ${process.platform} ${process.arch}`,
  );
  // Other processes skew wall time; the load average says how much.
  console.log(`load:       ${os.loadavg().map((l) => fmt(l, 2)).join(' / ')} (1 / 5 / 15 min)`);
  console.log(`rules:      ${only ? `${only.length} of ${registry.length}: ${only.length <= 3 ? only.join(', ') : `all but ${[...skipped].join(', ')}`}` : `all ${registry.length}`}`);

  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    if (i > 0) console.log(`  (cleanup after run ${i}: ${fmt(await settle(), 2)} s, not timed)`);
    const result = await runOnce(repo.root, only);
    results.push(result);
    console.log(describeRun(`run ${i + 1}/${runs}`, result));
  }
  if (runs > 1) {
    const seconds = median(results.map((r) => r.seconds));
    const last = results[results.length - 1];
    console.log(
      describeRun('median', {
        files: last.files,
        lines: last.lines,
        seconds,
        peakRssMb: median(results.map((r) => r.peakRssMb)),
        findings: last.findings,
      }),
    );
  }
  if (runs > 1) console.log('(peak RSS is the process high-water mark, so runs after the first include earlier runs)');
  if (argv.includes('--phases')) {
    console.log(`  (cleanup: ${fmt(await settle(), 2)} s, not timed)`);
    await timePhases(repo.root, only);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
