/**
 * Questions Dockerfile rules share: which build stage ships (the final one, and the stages it is
 * built `FROM`), what an instruction's flags and words are (the parser drops `--flags` and splits
 * quoted values), what build context a Dockerfile has and which `.dockerignore` applies to it.
 */
import { DEV_ONLY_NAME } from './django-settings.ts';
import { dirOf, joinPath, normalisePath } from './repo-paths.ts';
import { isComposeFile } from './frameworks.ts';
import type { DockerInstruction, ParsedFile, ParsedFiles } from '../model/parsed-file.ts';

export interface DockerStage {
  index: number;
  from: DockerInstruction;
  /** The base image as written (`python:3.12-slim`, `builder`, `${BASE}`). */
  image: string;
  /** `AS <name>`, lower-cased. */
  alias?: string;
  /** The instructions after `FROM`, up to the next `FROM`. */
  instructions: DockerInstruction[];
}

export function dockerStages(file: ParsedFile): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const ins of file.dockerfile ?? []) {
    if (ins.keyword === 'FROM') {
      const words = instructionWords(ins);
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({ index: stages.length, from: ins, image: words[0] ?? '', alias: as >= 0 ? words[as + 1]?.toLowerCase() : undefined, instructions: [] });
    } else if (stages.length) stages[stages.length - 1].instructions.push(ins);
  }
  return stages;
}

/** The stage an image is built from (`FROM builder`), when its base is an earlier stage. */
export function parentStage(stages: DockerStage[], stage: DockerStage): DockerStage | undefined {
  const image = stage.image.toLowerCase();
  return stages.slice(0, stage.index).find((s) => s.alias === image) ?? (/^\d+$/.test(image) ? stages[Number(image)] : undefined);
}

/** The text after the keyword, continuation lines joined and comment lines inside them dropped. */
function instructionBody(ins: DockerInstruction): string {
  const joined = ins.text
    .split('\n')
    .filter((line, i) => i === 0 || !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\r?\n/g, ' ');
  return joined.replace(/^\s*\S+\s*/, '');
}

/** `--from=builder`, `--checksum=sha256:…`, `--mount=type=secret,id=npm` → name → value ('' for bare flags). */
export function instructionFlags(ins: DockerInstruction): Map<string, string> {
  const flags = new Map<string, string>();
  for (const m of instructionBody(ins).matchAll(/(?:^|\s)--([a-z-]+)(?:=(\S*))?/g)) {
    if (flags.has(m[1])) continue;
    flags.set(m[1], m[2] ?? '');
  }
  return flags;
}

/**
 * The instruction's words with leading `--flags` removed and quotes resolved, JSON form
 * (`COPY ["a b", "/c"]`) included: `ENV A="x y"` → [`A=x y`].
 */
export function instructionWords(ins: DockerInstruction): string[] {
  let body = instructionBody(ins).trim();
  while (/^--[a-z-]+(?:=\S*)?(?:\s|$)/.test(body)) body = body.replace(/^--[a-z-]+(?:=\S*)?\s*/, '');
  if (body.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed as string[];
    } catch {
      // not JSON: shell form
    }
  }
  return shellWords(body);
}

/** Split like a shell: whitespace separates, quotes group, backslash escapes outside single quotes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) words.push(current);
      current = '';
      has = false;
    } else {
      current += ch;
      has = true;
    }
  }
  if (has) words.push(current);
  return words;
}

/** `ENV A=1 B=2` / `ENV A 1` / `ARG A` / `ARG A=1` → key, value (undefined: no value), as written. */
export function keyValues(ins: DockerInstruction): { key: string; value: string | undefined }[] {
  const words = instructionWords(ins);
  if (!words.length) return [];
  if (ins.keyword === 'ENV' && !words[0].includes('=')) return [{ key: words[0], value: words.slice(1).join(' ') }];
  return words.map((w) => {
    const eq = w.indexOf('=');
    return eq > 0 ? { key: w.slice(0, eq), value: w.slice(eq + 1) } : { key: w, value: undefined };
  });
}

/** Sources of a `COPY`/`ADD` (every word but the destination), or [] for `COPY --from=<stage>` (not the build context). */
export function contextSources(ins: DockerInstruction): string[] {
  if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') return [];
  if (instructionFlags(ins).has('from')) return [];
  const words = instructionWords(ins);
  if (words.some((w) => w.startsWith('<<'))) return []; // heredoc
  return words.slice(0, -1);
}

/** `.`, `./`, `./.` — the whole context. */
export function isWholeContext(source: string): boolean {
  return /^\.\/?(?:\.)?$/.test(source) || source === '*' || source === './*';
}


interface YamlLike {
  items?: { key?: { value?: unknown }; value?: unknown }[];
  value?: unknown;
}

function mapGet(node: unknown, key: string): unknown {
  const items = (node as YamlLike | null)?.items;
  if (!Array.isArray(items)) return undefined;
  return items.find((p) => p && typeof p === 'object' && 'key' in p && String(p.key?.value) === key)?.value;
}

function scalar(node: unknown): string | undefined {
  const n = node as YamlLike | null;
  return n && !n.items && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : undefined;
}

/**
 * The build context folder of each Dockerfile that a compose file builds (`build: ./api` or
 * `build: { context: ., dockerfile: docker/api.Dockerfile }`), keyed by the Dockerfile's path.
 */
export function composeBuildContexts(files: ParsedFiles): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files.ofKind('yaml', { containing: ['build'] })) {
    if (!isComposeFile(file.path)) continue;
    const base = dirOf(file.path);
    for (const doc of file.yaml ?? []) {
      for (const service of (mapGet(doc.contents, 'services') as YamlLike | undefined)?.items ?? []) {
        const build = mapGet(service.value, 'build');
        const context = scalar(build) ?? scalar(mapGet(build, 'context'));
        if (context === undefined || /^[a-z]+:\/\//i.test(context) || context.includes('$')) continue;
        const contextDir = joinPath(base, context);
        const dockerfile = scalar(mapGet(build, 'dockerfile')) ?? 'Dockerfile';
        out.set(joinPath(contextDir, dockerfile), contextDir);
      }
    }
  }
  return out;
}

/** The context folder a Dockerfile is most likely built with: compose's `context`, else its own folder. */
export function buildContextOf(dockerfile: ParsedFile, contexts: Map<string, string>): string {
  return contexts.get(dockerfile.path) ?? dirOf(dockerfile.path);
}

/** The ignore file BuildKit uses: `<Dockerfile>.dockerignore` next to the Dockerfile, else `<context>/.dockerignore`. */
export function dockerignoreFor(dockerfile: ParsedFile, context: string, files: ParsedFiles): ParsedFile | undefined {
  return files.get(`${dockerfile.path}.dockerignore`) ?? files.get(context ? `${context}/.dockerignore` : '.dockerignore');
}

/**
 * Whether a `.dockerignore` excludes a path (relative to the context). Docker's rules: patterns
 * are anchored at the context root, `*` stays within a folder, `**` spans folders, a matched folder
 * excludes its content, `!` re-includes, the last matching line wins.
 */
export function dockerignoreExcludes(ignoreText: string, relativePath: string): boolean {
  let excluded = false;
  for (const raw of ignoreText.split('\n')) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    const pattern = normalisePath(line);
    if (!pattern) continue;
    const source = pattern
      .split('/')
      .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
      .join('/')
      .replace(/\.\*\//g, '(?:.*/)?');
    if (new RegExp(`^${source}(?:/.*)?$`).test(relativePath)) excluded = !negate;
  }
  return excluded;
}

/**
 * Base images whose default user is not root: distroless `:nonroot` tags, `*-nonroot` tags,
 * Chainguard images (nonroot by default, except the wolfi/busybox bases), Bitnami and the
 * unprivileged nginx images.
 */
const NON_ROOT_IMAGE = [
  /(?:^|\/)distroless\/[^:@]+:(?:[\w.-]*-)?nonroot\b/,
  /:[\w.-]*-nonroot(?:@|$)/,
  /:nonroot(?:@|$)/,
  /^cgr\.dev\/chainguard\/(?!wolfi-base|busybox|git\b)/,
  /^(?:docker\.io\/)?bitnami\//,
  /^(?:docker\.io\/)?nginxinc\/nginx-unprivileged\b/,
  /^registry\.access\.redhat\.com\/ubi\d+\/(?:python|nodejs)-\d+/,
];
/** Tools an entrypoint uses to drop from root to another user after setting up. */
export const PRIVILEGE_DROP = /\b(?:gosu|su-exec|setpriv|runuser|s6-setuidgid|chpst\s+-u)\b/;
const ROOT_USER = /^(?:root|0)(?::.*)?$/i;

/** Who the final stage runs as: a non-root user, an explicit root `USER`, or the base image's default (root). */
export type StageUser = { kind: 'nonRoot'; at?: DockerInstruction } | { kind: 'root'; user: string; at: DockerInstruction } | { kind: 'default'; image: string };

/** The user a stage ends with: its last `USER`, else the stage it is built from, else the base image's default. */
export function finalStageUser(stages: DockerStage[], stage: DockerStage, seen: Set<number> = new Set()): StageUser {
  const users = stage.instructions.filter((i) => i.keyword === 'USER');
  const last = users[users.length - 1];
  if (last) {
    const user = instructionWords(last)[0] ?? '';
    if (!user || user.includes('$')) return { kind: 'nonRoot', at: last }; // set at build time: cannot tell
    return ROOT_USER.test(user) ? { kind: 'root', user, at: last } : { kind: 'nonRoot', at: last };
  }
  const parent = parentStage(stages, stage);
  if (parent && !seen.has(parent.index)) {
    seen.add(parent.index);
    return finalStageUser(stages, parent, seen);
  }
  const image = stage.image;
  if (image.includes('$') || NON_ROOT_IMAGE.some((re) => re.test(image.toLowerCase()))) return { kind: 'nonRoot' };
  return { kind: 'default', image };
}

/** Dev containers and `Dockerfile.dev` / `dev.Dockerfile` images are for a developer's machine. */
export function isDevelopmentDockerfile(path: string): boolean {
  if (/(^|\/)\.devcontainer\//.test(path)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return DEV_ONLY_NAME.test(name.replace(/^dockerfile/, '').replace(/\.?dockerfile$/, ''));
}
