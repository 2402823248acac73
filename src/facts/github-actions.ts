/**
 * GitHub Actions workflows (`.github/workflows/*.yml`) and composite actions (`action.yml`) read
 * once into a small model with source offsets: triggers, permissions, jobs, steps (`uses`, `run`,
 * `with`, `env`), so the gha-* rules judge plain data. The `yaml` package's nodes are duck-typed
 * so that only parse/ imports the library.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { asYamlNode, resolveNode, yamlEntries, yamlScalar, type YamlNode } from './yaml-nodes.ts';

/** A scalar value with its text and source offsets. */
export interface GhaScalar {
  value: string;
  start: number;
  end: number;
}

export interface GhaStep {
  index: number;
  /** `name:`, else `id:`, else `uses:`, else the first line of `run:`, else `#<n>`. */
  label: string;
  /** Whether the step has a `name:` or `id:` (else `label` is derived from `uses:` / `run:`). */
  named: boolean;
  uses?: GhaScalar;
  run?: GhaScalar;
  shell?: string;
  if?: string;
  /** `working-directory:` of the step. */
  workingDirectory?: string;
  with: Map<string, GhaScalar>;
  env: Map<string, GhaScalar>;
  start: number;
  end: number;
}

export interface GhaJob {
  id: string;
  keyStart: number;
  keyEnd: number;
  /** `permissions:` as written: a scalar (`write-all`) or a map of scopes; undefined when absent. */
  permissions?: GhaPermissions;
  /** Job-level `uses:` (reusable workflow call). */
  uses?: GhaScalar;
  if?: string;
  environment: boolean;
  /** `environment: production` / `environment: { name: production }`. */
  environmentName?: string;
  /** Jobs this one waits for (`needs:`). */
  needs: string[];
  /** `defaults.run.working-directory` of the job. */
  workingDirectory?: string;
  env: Map<string, GhaScalar>;
  shell?: string;
  steps: GhaStep[];
}

export interface GhaPermissions {
  scalar?: string;
  scopes: Map<string, string>;
  start: number;
  end: number;
}

export interface GhaWorkflowInput {
  name: string;
  type: string;
}

export interface GhaWorkflow {
  file: ParsedFile;
  kind: 'workflow' | 'composite-action';
  /** Event names of `on:`. */
  triggers: Set<string>;
  /** Offsets of the `on:` key (for findings about the workflow as a whole). */
  onStart: number;
  onEnd: number;
  permissions?: GhaPermissions;
  env: Map<string, GhaScalar>;
  shell?: string;
  /** `workflow_dispatch` / `workflow_call` inputs with their declared type (`string` when omitted). */
  inputs: GhaWorkflowInput[];
  jobs: GhaJob[];
}

export function isWorkflowPath(path: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

export function isActionMetadataPath(path: string): boolean {
  return /(^|\/)action\.ya?ml$/.test(path) && !/(^|\/)\.github\/workflows\//.test(path);
}

/** Every workflow and composite action in the repository that parsed. */
export function readGithubWorkflows(files: ParsedFiles, containing?: string[]): GhaWorkflow[] {
  const out: GhaWorkflow[] = [];
  for (const file of files.ofKind('yaml', containing ? { containing } : undefined)) {
    const workflow = isWorkflowPath(file.path);
    if (!workflow && !isActionMetadataPath(file.path)) continue;
    const doc = file.yaml?.[0];
    if (!doc || (doc as { errors?: unknown[] }).errors?.length) continue;
    const model = workflow ? readWorkflow(file, doc) : readCompositeAction(file, doc);
    if (model) out.push(model);
  }
  return out;
}

/** Location of a scalar or an offset range, with the key path. */
export function ghaLocate(file: ParsedFile, start: number, end: number, keyPath?: (string | number)[]): Location {
  return { ...file.locateOffsets(start, end), ...(keyPath ? { keyPath } : {}) };
}

/** The source text of a scalar (`run:` block) as written, for offset-exact scanning. */
export function scalarSource(file: ParsedFile, scalar: GhaScalar): string {
  return file.text.slice(scalar.start, scalar.end);
}

// ---- reading ----

function readWorkflow(file: ParsedFile, doc: unknown): GhaWorkflow | undefined {
  const root = contents(doc);
  const entries = mapEntries(root, doc);
  const on = entries.find(([k]) => k === 'on' || k === 'true');
  const jobs = entries.find(([k]) => k === 'jobs');
  if (!on || !jobs) return undefined;
  const triggers = new Set<string>();
  const inputs: GhaWorkflowInput[] = [];
  const onValue = on[1];
  const scalar = yamlScalar(onValue);
  if (scalar !== undefined) triggers.add(scalar);
  else if (onValue?.items) {
    for (const item of onValue.items) {
      const text = yamlScalar(asYamlNode(item));
      if (text !== undefined) {
        triggers.add(text);
        continue;
      }
    }
    for (const [event, config] of mapEntries(onValue, doc)) {
      triggers.add(event);
      if (event === 'workflow_dispatch' || event === 'workflow_call')
        for (const [name, spec] of mapEntries(mapGet(config, 'inputs', doc), doc))
          inputs.push({ name, type: yamlScalar(mapGet(spec, 'type', doc)) ?? 'string' });
    }
  }
  const onKey = on[2];
  const model: GhaWorkflow = {
    file,
    kind: 'workflow',
    triggers,
    onStart: onKey?.range?.[0] ?? 0,
    onEnd: onKey?.range?.[1] ?? 0,
    permissions: readPermissions(entries.find(([k]) => k === 'permissions'), doc),
    env: readScalarMap(mapGet(root, 'env', doc), doc),
    shell: yamlScalar(mapGet(mapGet(mapGet(root, 'defaults', doc), 'run', doc), 'shell', doc)),
    inputs,
    jobs: [],
  };
  for (const [id, job, key] of mapEntries(jobs[1], doc)) {
    const jobEntries = mapEntries(job, doc);
    const get = (k: string) => jobEntries.find(([name]) => name === k);
    model.jobs.push({
      id,
      keyStart: key?.range?.[0] ?? 0,
      keyEnd: key?.range?.[1] ?? 0,
      permissions: readPermissions(get('permissions'), doc),
      uses: scalarOf(get('uses')?.[1]),
      if: yamlScalar(get('if')?.[1]),
      environment: !!get('environment'),
      environmentName: yamlScalar(get('environment')?.[1]) ?? yamlScalar(mapGet(get('environment')?.[1], 'name', doc)),
      needs: scalarList(get('needs')?.[1]),
      workingDirectory: yamlScalar(mapGet(mapGet(get('defaults')?.[1], 'run', doc), 'working-directory', doc)),
      env: readScalarMap(get('env')?.[1], doc),
      shell: yamlScalar(mapGet(mapGet(get('defaults')?.[1], 'run', doc), 'shell', doc)),
      steps: readSteps(get('steps')?.[1], doc),
    });
  }
  return model;
}

function readCompositeAction(file: ParsedFile, doc: unknown): GhaWorkflow | undefined {
  const root = contents(doc);
  const runs = mapGet(root, 'runs', doc);
  if (yamlScalar(mapGet(runs, 'using', doc)) !== 'composite') return undefined;
  const steps = readSteps(mapGet(runs, 'steps', doc), doc);
  return {
    file,
    kind: 'composite-action',
    triggers: new Set(),
    onStart: 0,
    onEnd: 0,
    env: new Map(),
    inputs: mapEntries(mapGet(root, 'inputs', doc), doc).map(([name]) => ({ name, type: 'string' })),
    jobs: [{ id: 'composite', keyStart: 0, keyEnd: 0, environment: false, needs: [], env: new Map(), steps }],
  };
}

function readSteps(node: YamlNode | undefined, doc: unknown): GhaStep[] {
  const out: GhaStep[] = [];
  (node?.items ?? []).forEach((item, index) => {
    const step = resolveNode(item, doc);
    if (!step?.items) return;
    const entries = mapEntries(step, doc);
    const get = (k: string) => entries.find(([name]) => name === k)?.[1];
    const uses = scalarOf(get('uses'));
    const run = scalarOf(get('run'));
    const name = yamlScalar(get('name')) ?? yamlScalar(get('id'));
    const firstRunLine = run?.value.split('\n').find((l) => l.trim())?.trim();
    out.push({
      index,
      named: name !== undefined,
      label: name ?? uses?.value ?? (firstRunLine ? truncate(firstRunLine, 60) : `#${index + 1}`),
      uses,
      run,
      shell: yamlScalar(get('shell')),
      if: yamlScalar(get('if')),
      workingDirectory: yamlScalar(get('working-directory')),
      with: readScalarMap(get('with'), doc),
      env: readScalarMap(get('env'), doc),
      start: step.range?.[0] ?? 0,
      end: step.range?.[1] ?? 0,
    });
  });
  return out;
}

function readPermissions(entry: [string, YamlNode | undefined, YamlNode | undefined] | undefined, doc: unknown): GhaPermissions | undefined {
  if (!entry) return undefined;
  const [, value, key] = entry;
  const range = value?.range ?? key?.range;
  const start = key?.range?.[0] ?? range?.[0] ?? 0;
  const end = range?.[1] ?? start;
  const scalar = yamlScalar(value);
  const scopes = new Map<string, string>();
  for (const [scope, v] of mapEntries(value, doc)) scopes.set(scope, yamlScalar(v) ?? '');
  return { scalar: scalar ?? (value?.items ? undefined : ''), scopes, start, end };
}

function readScalarMap(node: YamlNode | undefined, doc: unknown): Map<string, GhaScalar> {
  const out = new Map<string, GhaScalar>();
  for (const [k, v] of mapEntries(node, doc)) {
    const s = scalarOf(v);
    if (s) out.set(k, s);
  }
  return out;
}

/** `needs: build` or `needs: [build, test]` → names. */
function scalarList(node: YamlNode | undefined): string[] {
  const scalar = yamlScalar(node);
  if (scalar !== undefined) return [scalar];
  return (node?.items ?? []).map((i) => yamlScalar(asYamlNode(i))).filter((v): v is string => v !== undefined);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function contents(doc: unknown): YamlNode | undefined {
  return asYamlNode((doc as { contents?: unknown }).contents);
}

function scalarOf(value: unknown): GhaScalar | undefined {
  const node = asYamlNode(value);
  const text = yamlScalar(node);
  if (text === undefined || !node?.range) return undefined;
  return { value: text, start: node.range[0], end: node.range[1] };
}

function mapEntries(map: unknown, doc: unknown): [string, YamlNode | undefined, YamlNode | undefined][] {
  return yamlEntries(map, doc).map((e) => [e.key, e.value, e.keyNode]);
}

function mapGet(map: unknown, key: string, doc: unknown): YamlNode | undefined {
  return mapEntries(map, doc).find(([k]) => k === key)?.[1];
}

// ---- expressions and scripts ----

/** One `${{ … }}` expression inside a scalar, with absolute offsets. */
export interface GhaExpression {
  body: string;
  start: number;
  end: number;
}

/** Every `${{ … }}` in the scalar's source text, with absolute file offsets. */
export function findExpressions(file: ParsedFile, scalar: GhaScalar): GhaExpression[] {
  const text = scalarSource(file, scalar);
  const out: GhaExpression[] = [];
  const re = /\$\{\{([\s\S]*?)\}\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ body: m[1].trim(), start: scalar.start + m.index, end: scalar.start + m.index + m[0].length });
  return out;
}

/** One physical line of a `run:` script with its absolute offsets (block-scalar header dropped). */
export interface ScriptLine {
  text: string;
  start: number;
  end: number;
}

/** The lines of a `run:` script as written in the file (so a finding lands on the exact line). */
export function scriptLines(file: ParsedFile, scalar: GhaScalar): ScriptLine[] {
  const text = scalarSource(file, scalar);
  const out: ScriptLine[] = [];
  let offset = 0;
  const parts = text.split('\n');
  parts.forEach((raw, i) => {
    const start = scalar.start + offset;
    offset += raw.length + 1;
    if (i === 0 && /^[|>][-+0-9]*\s*(#.*)?$/.test(raw.trim())) return;
    let line = raw.replace(/\r$/, '');
    if (i === 0 && parts.length === 1) line = line.replace(/^(['"])(.*)\1$/, '$2');
    out.push({ text: line.trim(), start, end: start + raw.length });
  });
  return out.filter((l) => l.text);
}

/** Is the action reference a first-party GitHub action (`actions/*`, `github/*`, `dependabot/*`)? */
export function isFirstPartyAction(uses: string): boolean {
  return /^(actions|github|dependabot)\//i.test(uses);
}

/** `owner/repo/path@ref` → parts; undefined for local (`./`) and `docker://` references. */
export function parseActionRef(uses: string): { action: string; ref: string } | undefined {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return undefined;
  const at = uses.lastIndexOf('@');
  if (at < 0) return { action: uses, ref: '' };
  return { action: uses.slice(0, at), ref: uses.slice(at + 1) };
}
