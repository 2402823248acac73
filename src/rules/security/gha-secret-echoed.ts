import { ghaLocate, readGithubWorkflows, scriptLines, type GhaScalar, type ScriptLine } from '../../facts/github-actions.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { defineRule, type ReportInput } from '../../model/rule.ts';

type MessageId = 'secretPrinted' | 'secretTransformed' | 'secretTraced' | 'secretOnCommandLine';

/** Commands whose standard output is the data they were given (or a transformation of it). */
const PRINTERS = new Set(['echo', 'printf', 'cat', 'base64', 'base32', 'xxd', 'od', 'hexdump', 'rev', 'tr', 'sed', 'cut', 'awk', 'jq', 'head', 'tail', 'tee', 'fold', 'sort', 'nl', 'yq', 'envsubst', 'env', 'printenv']);
/** Printers that pass the text through unchanged, so the log's masking still applies. */
const VERBATIM = new Set(['echo', 'printf', 'cat', 'tee', 'sort']);
const SHELL_KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', '(', 'time', 'sudo', 'exec', 'command', 'builtin']);
const SECRET_EXPRESSION = /\$\{\{[^}]*?(?<![\w.-])(secrets(?:\.[\w-]+|\[[^\]]*\])?)/;
const PASSWORD_FLAG = /(?:^|\s)(?:-p|--password|--passwd|--token|--api-key|--apikey|--auth-token|--client-secret|--secret)(?:=|\s+|(?=["']?\$))["']?$/;

export default defineRule({
  meta: {
    id: 'gha-secret-echoed',
    category: 'security',
    title: 'Secret printed to the GitHub Actions log',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['github-actions'],
    scorecard: 'Secrets Management',
    effortHours: 0.5,
    messages: {
      secretPrinted: 'Step `{{step}}` in job `{{job}}` prints {{secret}} to the workflow log{{how}}.',
      secretTransformed:
        'Step `{{step}}` in job `{{job}}` prints a transformed copy of {{secret}} with `{{how}}`, which the log\'s secret masking does not recognise.',
      secretTraced: 'Step `{{step}}` in job `{{job}}` turns on shell tracing (`{{how}}`) while it handles {{secret}}, so every command is echoed with the secret expanded.',
      secretOnCommandLine: 'Step `{{step}}` in job `{{job}}` passes {{secret}} as a command-line argument to `{{command}}`, where the process list and shell traces show it.',
    },
    why: [
      'Workflow logs are readable by everyone who can read the repository — for a public repository, by anyone — and are kept for 90 days by default. GitHub masks a secret in the log only when the exact value appears: a secret piped through `base64`, `rev`, `sed` or `cut`, a substring, a value with a trailing newline in a multi-line secret, or a JSON secret printed field by field goes to the log in clear. Shell tracing (`set -x`) prints every expanded command, and arguments on a command line are visible to every process on a self-hosted runner.',
    ].join('\n'),
    fix: [
      'Never print a secret, not even to debug. Pass it to the tool through an environment variable or standard input, and mask derived values before any use:',
      '',
      '```yaml',
      '- name: Log in to the registry',
      '  env:',
      '    REGISTRY_TOKEN: ${{ secrets.REGISTRY_TOKEN }}',
      '  run: |',
      '    echo "$REGISTRY_TOKEN" | docker login ghcr.io -u "$GITHUB_ACTOR" --password-stdin',
      '    ENCODED=$(printf %s "$REGISTRY_TOKEN" | base64 -w0)',
      '    echo "::add-mask::$ENCODED"',
      '```',
      'Rotate any secret that has appeared in a log.',
    ].join('\n'),
    examples: {
      bad: {
        '.github/workflows/deploy.yml':
          'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n        run: echo "$DEPLOY_KEY" | base64\n',
      },
      good: {
        '.github/workflows/deploy.yml':
          'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n        run: echo "$DEPLOY_KEY" | ssh-add -\n',
      },
    },
    references: {
      cwe: [532, 214],
      owasp: ['A09:2021'],
      urls: ['https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#using-secrets-in-a-workflow'],
    },
  },
  check({ files, report }) {
    for (const workflow of readGithubWorkflows(files, ['secrets'])) {
      const file = workflow.file;
      for (const job of workflow.jobs) {
        const secretFiles = new Map<string, string>();
        for (const step of job.steps) {
          if (!step.run) continue;
          const shell = step.shell ?? job.shell ?? workflow.shell ?? 'bash';
          if (!/^(bash|sh)\b/.test(shell)) continue;
          const secretEnv = new Map<string, string>();
          for (const env of [workflow.env, job.env, step.env])
            for (const [name, value] of env) {
              const ref = SECRET_EXPRESSION.exec(value.value)?.[1];
              if (ref) secretEnv.set(name, ref);
              else secretEnv.delete(name);
            }
          const emit = (messageId: MessageId, line: ScriptLine, secret: string, how: string, extra: Record<string, string> = {}, override: Partial<ReportInput<MessageId>> = {}) =>
            report({
              messageId,
              at: ghaLocate(file, line.start, line.end, ['jobs', job.id, 'steps', step.index, 'run']),
              data: { step: step.label, job: job.id, secret, how, ...extra },
              ...override,
            });
          checkScript(file, step.run, shell, secretEnv, secretFiles, emit);
        }
      }
    }
  },
});

type Emit = (messageId: MessageId, line: ScriptLine, secret: string, how: string, extra?: Record<string, string>, override?: Partial<ReportInput<MessageId>>) => void;

function checkScript(file: ParsedFile, run: GhaScalar, shell: string, secretEnv: Map<string, string>, secretFiles: Map<string, string>, emit: Emit): void {
  const lines = logicalLines(scriptLines(file, run));
  const tracing = /\s-\w*x/.test(shell) ? { line: lines[0], how: shell } : undefined;
  let traced = tracing;
  let reportedTrace = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.text.startsWith('#')) continue;
    const heredoc = /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(line.text.replace(/<<</g, ''));
    let body: ScriptLine[] = [];
    if (heredoc) {
      const endIndex = lines.findIndex((l, j) => j > i && l.text === heredoc[1]);
      const last = endIndex < 0 ? lines.length : endIndex;
      body = lines.slice(i + 1, last);
      i = last;
    }
    const xtrace = /(?:^|[;&|]\s*)set\s+(?:-[a-wyzA-Z]*x[a-zA-Z]*|-o\s+xtrace)\b/.exec(line.text);
    if (xtrace) traced = { line, how: xtrace[0].replace(/^[;&|]\s*/, '').trim() };
    if (/(?:^|[;&|]\s*)set\s+\+[a-z]*x/.test(line.text)) traced = undefined;

    for (const pipeline of splitCommands(line.text)) {
      const stages = pipeline.map((s) => s.trim()).filter(Boolean);
      if (!stages.length) continue;
      const first = commandWords(stages[0]);
      const last = commandWords(stages[stages.length - 1]);
      const redirect = stdoutRedirect(stages[stages.length - 1]);
      const toLog = !redirect && PRINTERS.has(last[0] ?? '');
      // What enters the pipeline.
      let secret: string | undefined;
      let transformed = false;
      if ((first[0] === 'echo' || first[0] === 'printf') && !/::add-mask::/.test(stages[0])) {
        const found = secretIn(stages[0], secretEnv);
        if (found) ({ secret, transformed } = found);
      } else if (first[0] === 'cat' && !heredoc) {
        const path = first.slice(1).find((w) => secretFiles.has(unquote(w)));
        if (path) secret = `the file \`${unquote(path)}\` written from ${secretFiles.get(unquote(path))}`;
      } else if (first[0] === 'cat' && heredoc && stages.length === 1) {
        const hit = body.map((b) => ({ b, found: secretIn(b.text, secretEnv) })).find((x) => x.found);
        if (hit?.found && toLog) {
          emit('secretPrinted', hit.b, hit.found.secret, ' through a `cat` here-document', {}, { severity: 'medium' });
          continue;
        }
      } else if (first[0] === 'env' || first[0] === 'printenv') {
        if (first.length === 1 && secretEnv.size && toLog)
          emit('secretPrinted', line, describeEnv(secretEnv), ` with \`${first[0]}\``, {}, { severity: 'medium', confidence: 'medium' });
        else if (first[0] === 'printenv' && first[1] && secretEnv.has(first[1]) && toLog) emit('secretPrinted', line, `\`${secretEnv.get(first[1])}\``, ' with `printenv`', {}, { severity: 'medium' });
        continue;
      }
      const hereString = /<<<\s*(\S+)/.exec(stages[0]);
      if (!secret && hereString) {
        const found = secretIn(hereString[1], secretEnv);
        if (found) ({ secret, transformed } = found);
      }
      if (secret) {
        const changes = stages.length > 1 && stages.slice(1).some((s) => !VERBATIM.has(commandWords(s)[0] ?? '')) || (!!hereString && !VERBATIM.has(first[0] ?? ''));
        if (toLog && (transformed || changes)) emit('secretTransformed', line, secret, truncate(stages.join(' | '), 80));
        else if (toLog) emit('secretPrinted', line, secret, '', {}, { severity: 'medium' });
        else if (redirect && stages.length === 1 && (first[0] === 'echo' || first[0] === 'printf') && !redirect.startsWith('$')) secretFiles.set(redirect, secret);
        continue;
      }
      // A secret as a password argument.
      for (const stage of stages) {
        const words = commandWords(stage);
        if (!words.length || words[0] === 'echo' || words[0] === 'printf') continue;
        const found = passwordArgument(stage, secretEnv);
        if (found) emit('secretOnCommandLine', line, found, '', { command: words.slice(0, 2).join(' ') }, { severity: 'medium', confidence: 'medium' });
      }
    }
    if (traced && !reportedTrace) {
      const found = secretIn(line.text, secretEnv, true);
      if (found && !/::add-mask::/.test(line.text)) {
        emit('secretTraced', traced.line, found.secret, traced.how, {}, { severity: 'medium' });
        reportedTrace = true;
      }
    }
  }
}

/** Joins `\` continuations, keeping the first line's start and the last line's end. */
function logicalLines(lines: ScriptLine[]): ScriptLine[] {
  const out: ScriptLine[] = [];
  let pending: ScriptLine | undefined;
  for (const line of lines) {
    const merged: ScriptLine = pending ? { text: `${pending.text.slice(0, -1)} ${line.text}`, start: pending.start, end: line.end } : line;
    if (merged.text.endsWith('\\')) pending = merged;
    else {
      out.push(merged);
      pending = undefined;
    }
  }
  if (pending) out.push(pending);
  return out;
}

/** Splits a line into commands (`;`, `&&`, `||`, `&`) and each command into pipeline stages, outside quotes and `$( )`. */
function splitCommands(text: string): string[][] {
  const commands: string[][] = [];
  let stages: string[] = [];
  let current = '';
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') current += text[i++] ?? '';
      current += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      depth++;
      current += c + text[++i];
      continue;
    } else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (depth === 0) {
      if (c === '#' && /(?:^|\s)$/.test(current)) break; // a comment runs to the end of the line
      if ((c === '&' && text[i + 1] === '&') || (c === '|' && text[i + 1] === '|')) {
        stages.push(current);
        commands.push(stages);
        stages = [];
        current = '';
        i++;
        continue;
      }
      if (c === ';' || (c === '&' && text[i - 1] !== '>' && text[i + 1] !== '>')) {
        stages.push(current);
        commands.push(stages);
        stages = [];
        current = '';
        continue;
      }
      if (c === '|') {
        stages.push(current);
        current = '';
        continue;
      }
    }
    current += c;
  }
  stages.push(current);
  commands.push(stages);
  return commands;
}

/** The words of a command with shell keywords and leading `VAR=value` assignments dropped. */
function commandWords(stage: string): string[] {
  const words = stage.trim().split(/\s+/).filter(Boolean);
  while (words.length && (SHELL_KEYWORDS.has(words[0]) || /^[A-Za-z_]\w*=/.test(words[0]))) words.shift();
  if (words.length) words[0] = words[0].replace(/^.*\//, '');
  return words;
}

/** Where the stage's standard output is redirected (a file name), if anywhere but the log. */
function stdoutRedirect(stage: string): string | undefined {
  const unquoted = stage.replace(/'[^']*'/g, "''").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const re = /(?:^|[^\d&>])(?:1)?(&?>>?)\s*("?[^\s;|&]+"?)/g;
  for (let m = re.exec(unquoted); m; m = re.exec(unquoted)) {
    const target = stage.slice(m.index).match(/&?>>?\s*("?[^\s;|&]+"?)/)?.[1] ?? m[2];
    const clean = unquote(target);
    if (/^&[12]$|^\/dev\/(?:stderr|stdout|tty)$/.test(clean)) continue;
    if (/^&/.test(clean)) continue;
    return clean;
  }
  return undefined;
}

/** A secret referenced in the text: `${{ secrets.X }}` or an environment variable set from one (not inside single quotes). */
function secretIn(text: string, secretEnv: Map<string, string>, anyUse = false): { secret: string; transformed: boolean } | undefined {
  const expression = SECRET_EXPRESSION.exec(text);
  if (expression) return { secret: `\`${expression[1]}\``, transformed: false };
  const unquoted = text.replace(/'[^']*'/g, "''");
  const re = /\$(?:\{(#?)([A-Za-z_]\w*)([^}]*)\}|([A-Za-z_]\w*))/g;
  for (let m = re.exec(unquoted); m; m = re.exec(unquoted)) {
    const name = m[2] ?? m[4];
    const ref = secretEnv.get(name);
    if (!ref) continue;
    const modifier = m[3] ?? '';
    if (!anyUse && (m[1] === '#' || /^:?\+/.test(modifier))) continue; // length or "is set" test
    return { secret: `\`${ref}\` (via \`$${name}\`)`, transformed: /^(?::\s*-?\d|\/|#|%|\^|,)/.test(modifier) };
  }
  return undefined;
}

function passwordArgument(stage: string, secretEnv: Map<string, string>): string | undefined {
  const re = /\$\{\{[^}]*?(?<![\w.-])secrets\.[\w-]+[^}]*\}\}|\$\{?([A-Za-z_]\w*)\}?/g;
  for (let m = re.exec(stage); m; m = re.exec(stage)) {
    const isExpression = m[0].startsWith('${{');
    if (!isExpression && !secretEnv.has(m[1])) continue;
    if (!PASSWORD_FLAG.test(stage.slice(0, m.index))) continue;
    return isExpression ? `\`${SECRET_EXPRESSION.exec(m[0])?.[1] ?? 'a secret'}\`` : `\`${secretEnv.get(m[1])}\` (via \`$${m[1]}\`)`;
  }
  return undefined;
}

function describeEnv(secretEnv: Map<string, string>): string {
  const names = [...secretEnv.keys()].slice(0, 3).map((n) => `\`$${n}\``);
  return `the secret environment variable${secretEnv.size > 1 ? 's' : ''} ${names.join(', ')}${secretEnv.size > 3 ? ' …' : ''}`;
}

function unquote(word: string): string {
  return word.replace(/^["']|["']$/g, '');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
