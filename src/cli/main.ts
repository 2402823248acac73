import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { audit, TOOL_VERSION } from '../audit.ts';
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { FORMATS, PLANNED_FORMATS } from '../report/index.ts';
import { renderTerminal } from '../report/terminal.ts';
import { registry } from '../rules/index.ts';
import { EXIT, exitCodeFor, type FailOn } from './exit-code.ts';
import { explainRule, listRules } from './rules-command.ts';

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
}

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
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an open finding is at or above this severity').choices(['critical', 'high', 'medium', 'low', 'none']))
    .option('-c, --config <file>', 'config file (default: shipgate.config.{json,yaml} in the repository)')
    .option('--only <rules>', 'run only these comma-separated rule ids', parseRuleList)
    .option('--no-color', 'disable colours (also when NO_COLOR is set or output is not a terminal)')
    .option('--git-history', 'scan every commit of every branch for secrets (default: only when the history is short)')
    .option('--no-git-history', 'do not scan the git history')
    .action(async (target: string, options: AuditCliOptions) => {
      exitCode = await runAudit(target, options, io);
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
    if (error instanceof UsageError || error instanceof ConfigError) {
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
  const { config } = await loadConfig(root, options.config, knownIds);
  const color = options.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
  const report = await audit({ root, config, only: options.only?.split(','), gitHistory: options.gitHistory });

  const written: string[] = [];
  if (options.out) {
    const outDir = path.resolve(options.out);
    await mkdir(outDir, { recursive: true });
    for (const name of formats) {
      const format = FORMATS[name];
      const file = path.join(outDir, format.fileName);
      await writeAtomically(file, format.render(report));
      written.push(path.relative(process.cwd(), file) || file);
    }
  }
  if (formats.length === 1 && !options.out) {
    // The report alone goes to stdout so scripts can pipe it; the summary only to an interactive stderr.
    io.out(FORMATS[formats[0]].render(report));
    if (process.stderr.isTTY) io.err(renderTerminal(report, { color: options.color && !process.env.NO_COLOR }));
  } else {
    io.out(renderTerminal(report, { color, written }));
  }
  return exitCodeFor(report, options.failOn ?? config.failOn);
}

/** Write to a temp file and rename, so a crash never leaves a half-written report. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}
