import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TOOL_VERSION } from '../audit.ts';
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { writeFileAtomic } from '../ledger/atomic-file.ts';
import { auditWithLedger } from '../ledger/audit-with-ledger.ts';
import { diffHitsThreshold, diffResults } from '../ledger/diff.ts';
import { LedgerInputError } from '../ledger/errors.ts';
import { HISTORY_FILE, historySteps, readHistory } from '../ledger/history.ts';
import { readResultFile } from '../ledger/result-file.ts';
import type { ToolDiagnostic } from '../model/finding.ts';
import { renderDiffText } from '../report/diff-text.ts';
import { renderHistoryText } from '../report/history-text.ts';
import { checkOsvDatabaseDir, OsvDatabaseError } from '../facts/osv-sources.ts';
import { FORMATS, PLANNED_FORMATS } from '../report/index.ts';
import { renderTerminal } from '../report/terminal.ts';
import { registry } from '../rules/index.ts';
import { EXIT, exitCodeFor, type FailOn } from './exit-code.ts';
import { explainRule, listRules } from './rules-command.ts';
import { runTriage, type TriageCliOptions } from './triage-command.ts';

/** A problem with how shipgate was called: exit code 2 with the message. */
class UsageError extends Error {}

interface AuditCliOptions {
  format?: string;
  out?: string;
  failOn?: FailOn;
  config?: string;
  only?: string;
  color: boolean;
  /** Undefined unless --git-history or --no-git-history was given. */
  gitHistory?: boolean;
  /** Undefined unless --history or --no-history was given. */
  history?: boolean;
  baseline?: string;
  changedSince?: string;
  osvDb?: string;
  online?: boolean;
  profile?: 'hipaa' | 'gdpr';
}

const FAIL_ON_CHOICES = ['critical', 'high', 'medium', 'low', 'none'];

export async function main(argv: string[]): Promise<number> {
  const io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) };
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('shipgate')
    .description('Production-readiness auditor for web-app repositories.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run shipgate --help for usage)');

  program
    .command('audit')
    .description('Audit a repository and print the verdict; --format/--out write reports.')
    .argument('[path]', 'repository to audit', '.')
    .option('-f, --format <formats>', `comma-separated report formats: ${Object.keys(FORMATS).join(', ')} or all`)
    .option('-o, --out <dir>', 'write each report format as a file in this folder')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an open finding is at or above this severity (only new ones with --baseline/--changed-since)').choices(FAIL_ON_CHOICES),
    )
    .option('-c, --config <file>', 'config file (default: shipgate.config.{json,yaml,yml}, package.json "shipgate" or pyproject.toml [tool.shipgate] in the repository, first found)')
    .option('--only <rules>', 'run only these comma-separated rule ids', parseRuleList)
    .option('--no-color', 'disable colours (also when NO_COLOR is set or output is not a terminal)')
    .option('--git-history', 'scan every commit of every branch for secrets (default: only when the history is short)')
    .option('--no-git-history', 'do not scan the git history')
    .option('--baseline <result.json>', 'report as new only findings not in this earlier JSON result (pull requests)')
    .option('--changed-since <ref>', 'report as new only findings in files changed since this git ref, plus uncommitted changes')
    .option('--history', 'record the audit in .shipgate/history.jsonl and report progress (the default; overrides `history: false`)')
    .option('--no-history', 'neither read nor write .shipgate/history.jsonl')
    // Dependencies and compliance (issue 5): advisories offline or online, and a compliance profile.
    .option('--osv-db <dir>', 'check installed package versions against a folder of OSV advisory records (an unpacked osv.dev export)')
    .option('--online', 'ask the OSV API (api.osv.dev, or $SHIPGATE_OSV_API_URL) about the installed package versions; the only option that uses the network')
    .addOption(new Option('--profile <profile>', 'run the compliance checks of a profile (default: suggested when the code handles health or personal data)').choices(['hipaa', 'gdpr']))
    .action(async (target: string, options: AuditCliOptions) => {
      exitCode = await runAudit(target, options, io);
    });

  program
    .command('triage')
    .description('Mark a finding accepted, false-positive or wont-fix (with a reason) in .shipgate/triage.yaml.')
    .argument('<finding>', 'finding id from the latest audit (CRIT-003) or fingerprint (or a unique prefix)')
    .argument('[path]', 'repository', '.')
    .addOption(new Option('--as <status>', 'the decision').choices(['accepted', 'false-positive', 'wont-fix']))
    .option('--reason <text>', 'why (required; reviewers read it)')
    .option('--until <YYYY-MM-DD>', 'the decision expires after this day and the finding is open again')
    .option('--by <name>', 'who decided (default: git config user.name)')
    .option('--remove', 'delete the entry: the finding is open again')
    .option('--fresh', 'resolve the id through a new audit instead of the latest recorded one')
    .option('-c, --config <file>', 'config file for a fresh audit')
    .action(async (finding: string, repo: string, options: TriageCliOptions) => {
      const info = await stat(path.resolve(repo)).catch(() => undefined);
      if (!info?.isDirectory()) throw new UsageError(`${repo}: not a directory`);
      exitCode = await runTriage(finding, repo, options, io.out);
    });

  program
    .command('history')
    .description('Show the recorded audits of a repository (.shipgate/history.jsonl): score, grade, verdict, fixed and new per audit.')
    .argument('[path]', 'repository', '.')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (repo: string, options: { format: 'text' | 'json' }) => {
      const root = path.resolve(repo);
      const info = await stat(root).catch(() => undefined);
      if (!info?.isDirectory()) throw new UsageError(`${repo}: not a directory`);
      const read = await readHistory(root);
      for (const d of read.diagnostics) io.err(`shipgate: ${d.file ? `${d.file}: ` : ''}${d.message}\n`);
      const steps = historySteps(read.records);
      io.out(
        options.format === 'json'
          ? `${JSON.stringify(steps.map(({ record: { findings: _f, ...r }, fixed, added }) => ({ ...r, ...(fixed === undefined ? {} : { fixed, new: added }) })), null, 2)}\n`
          : renderHistoryText(path.basename(root), HISTORY_FILE, steps),
      );
    });

  program
    .command('diff')
    .description('Compare two JSON results: fixed, new and still-open findings, score and grade change.')
    .argument('<before.json>', 'the earlier result (shipgate audit --format json)')
    .argument('<after.json>', 'the later result')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a new open finding is at or above this severity').choices(FAIL_ON_CHOICES))
    .action(async (before: string, after: string, options: { format: 'text' | 'json'; failOn?: FailOn }) => {
      const [a, b] = [await readResultFile(before, 'diff:'), await readResultFile(after, 'diff:')];
      const diff = diffResults(a, before, b, after);
      io.out(options.format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : renderDiffText(diff));
      exitCode = diffHitsThreshold(diff, options.failOn) ? EXIT.thresholdHit : EXIT.ok;
    });

  program
    .command('rules')
    .description('List every rule with its id, severity and title.')
    .action(() => {
      io.out(listRules(registry));
    });

  program
    .command('explain')
    .description('Explain a rule: what it finds, why it matters, how to fix it.')
    .argument('<rule>', 'rule id')
    .action((id: string) => {
      const text = explainRule(registry, id);
      if (!text) throw new UsageError(`unknown rule "${id}" (see \`shipgate rules\`)`);
      io.out(text);
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander already printed the message
    }
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof LedgerInputError || error instanceof OsvDatabaseError) {
      io.err(`shipgate: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`shipgate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}

function parseRuleList(value: string): string {
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Set(registry.map((r) => r.meta.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new InvalidArgumentError(`unknown rule id "${unknown[0]}" (see \`shipgate rules\`)`);
  return ids.join(',');
}

function parseFormats(value: string | undefined): string[] {
  if (!value) return [];
  const names = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (names.includes('all')) return Object.keys(FORMATS);
  for (const name of names) {
    if (FORMATS[name]) continue;
    if (PLANNED_FORMATS.includes(name)) throw new UsageError(`--format ${name} is not available in this version yet; available: ${Object.keys(FORMATS).join(', ')}, all`);
    throw new UsageError(`--format: unknown format "${name}"; available: ${Object.keys(FORMATS).join(', ')}, all`);
  }
  return [...new Set(names)];
}

async function runAudit(target: string, options: AuditCliOptions, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  const formats = parseFormats(options.format);
  if (formats.length > 1 && !options.out) throw new UsageError('several --format values need --out DIR to write them to');
  const root = path.resolve(target);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${target}: not a directory`);

  const knownIds = new Set(registry.map((r) => r.meta.id));
  const loaded = await loadConfig(root, options.config, knownIds);
  const { config } = loaded;
  const diagnostics: ToolDiagnostic[] = [];
  if (loaded.ignored.length)
    diagnostics.push({
      kind: 'config',
      message: `configuration read from ${loaded.label}; also found and not read: ${loaded.ignored.join(', ')} (one source is used: --config, shipgate.config.json/.yaml/.yml, package.json "shipgate", pyproject.toml [tool.shipgate], in that order)`,
    });
  const color = options.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
  if (options.osvDb) await checkOsvDatabaseDir(path.resolve(options.osvDb), options.osvDb);
  else if (config.osvDb)
    await checkOsvDatabaseDir(path.resolve(root, config.osvDb), config.osvDb).catch((error: Error) => {
      throw new ConfigError(`osvDb in the config: ${error.message.replace(/^--osv-db /, '')}`);
    });
  const online = options.online ? { ...(process.env.SHIPGATE_OSV_API_URL ? { url: process.env.SHIPGATE_OSV_API_URL } : {}) } : undefined;
  const { report, history } = await auditWithLedger({
    root,
    config,
    only: options.only?.split(','),
    gitHistory: options.gitHistory,
    useHistory: options.history ?? config.history,
    historyLimit: config.historyLimit,
    baselineFile: options.baseline,
    changedSinceRef: options.changedSince,
    diagnostics,
    osvDb: options.osvDb,
    online,
    profile: options.profile,
  });

  const written: string[] = [];
  if (options.out) {
    const outDir = path.resolve(options.out);
    await mkdir(outDir, { recursive: true });
    for (const name of formats) {
      const format = FORMATS[name];
      const file = path.join(outDir, format.fileName);
      await writeFileAtomic(file, format.render(report));
      written.push(path.relative(process.cwd(), file) || file);
    }
  }
  if (formats.length === 1 && !options.out) {
    // The report alone goes to stdout so scripts can pipe it; the summary only to an interactive stderr.
    io.out(FORMATS[formats[0]].render(report));
    if (process.stderr.isTTY) io.err(renderTerminal(report, { color: options.color && !process.env.NO_COLOR, history }));
  } else {
    io.out(renderTerminal(report, { color, written, history }));
  }
  return exitCodeFor(report, options.failOn ?? config.failOn);
}
