import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import {
  enclosingPyFunction,
  pyAssignmentsBefore,
  pyClientInputParameters,
  pyImports,
  pyQualifiedName,
  findPyCalls,
  type PyCall,
} from '../../parse/python-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';
import { isPyConstantExpression, pyTaintAt } from '../../facts/python-taint.ts';

/** Loaders that run code embedded in the data (pickle protocol, marshal), by qualified name → library label. */
const CODE_LOADERS: [RegExp, string, 'medium'?][] = [
  [/^(c?[Pp]ickle|_pickle|pickle5)\.(loads?|Unpickler)$/, 'pickle'],
  [/^dill\.(loads?|Unpickler)$/, 'dill'],
  [/^cloudpickle\.loads?$/, 'cloudpickle'],
  [/^jsonpickle\.(decode|unpickler\.decode)$/, 'jsonpickle'],
  [/^marshal\.loads?$/, 'marshal', 'medium'],
  // Mostly used on the program's own files (a shelf, a trained model): lower unless request data.
  [/^shelve\.open$/, 'shelve (pickle)', 'medium'],
  [/^pandas\.read_pickle$/, 'pandas.read_pickle (pickle)', 'medium'],
  [/^joblib\.load$/, 'joblib (pickle)', 'medium'],
];
const YAML_LOAD = /^(ruamel\.)?yaml\.(load|load_all|unsafe_load|unsafe_load_all|full_load|full_load_all)$/;
const YAML_SAFE_LOADER = /(^|\.)(C?SafeLoader|BaseLoader|CBaseLoader)$/;
const YAML_UNSAFE_LOADER = /^(yaml\.)?(C?Loader|C?UnsafeLoader|C?FullLoader|Unsafe|Full)$/;
/** Callee verbs worth qualifying (cheap pre-filter before import resolution). */
const CANDIDATE_VERBS = 'loads?|Unpickler|decode|open|read_pickle|load_all|unsafe_load|unsafe_load_all|full_load|full_load_all';
const CANDIDATE_MODULES = /^(c?[Pp]ickle|_pickle|pickle5|dill|cloudpickle|jsonpickle|marshal|shelve|pandas|joblib|yaml|ruamel|torch|numpy)\b/;
const TORCH_LOAD = /^torch\.load$/;
const NUMPY_LOAD = /^numpy\.load$/;

/** Text that shows data read from a client or the network, local to the call. */
const UNTRUSTED_TEXT =
  /\b(request|req)\.|\bflask\.request\b|\.(body|content|files|form)\b|\b(request|req|message|msg|event|payload|form|resp|response)\.data\b|\.get_data\(|\.recv\(|\bwebsocket\.|\bws\.receive/;

/** Callee pattern: dotted names ending in one of `verbs`, or a plain name imported from a module matching `modules`. */
function calleePattern(root: SyntaxNode, verbs: string, modules: RegExp): RegExp {
  const aliases = [...pyImports(root).entries()].filter(([local, i]) => local && modules.test(i.module)).map(([local]) => local);
  return new RegExp(`^(?:[\\w.]*\\b(?:${verbs})${aliases.length ? `|${aliases.join('|')}` : ''})$`);
}

/** Whether an argument is request data: request attributes, or a handler parameter / a local assigned from one. */
function isUntrusted(arg: SyntaxNode, fn: SyntaxNode | undefined, depth = 0): boolean {
  if (UNTRUSTED_TEXT.test(arg.text())) return true;
  if (!fn || depth > 1) return false;
  const clientParams = new Set(pyClientInputParameters(fn).map((p) => p.name));
  const ids = arg.kind() === 'identifier' ? [arg] : arg.findAll({ rule: { kind: 'identifier' } });
  for (const id of ids) {
    if (id.parent()?.kind() === 'attribute' && id.parent()?.field('attribute')?.range().start.index === id.range().start.index) continue;
    const name = id.text();
    if (clientParams.has(name)) return true;
    if (pyAssignmentsBefore(fn, name, id.range().start.index).some((a) => isUntrusted(a.value, fn, depth + 1))) return true;
  }
  return false;
}

function firstData(call: PyCall): SyntaxNode | undefined {
  return call.args[0] ?? call.keywords.get('data') ?? call.keywords.get('stream') ?? call.keywords.get('file') ?? call.keywords.get('filename') ?? call.keywords.get('f') ?? call.keywords.get('s');
}

export default defineRule({
  meta: {
    id: 'insecure-deserialization',
    category: 'security',
    title: 'Untrusted data deserialised with a code-executing loader',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    effortHours: 3,
    messages: {
      codeLoader: '`{{call}}` deserialises `{{data}}` with {{library}}, which can run code embedded in the data.',
      codeLoaderUntrusted: '`{{call}}` deserialises request data `{{data}}` with {{library}}, so any client can run code on the server.',
      yamlUnsafe: '`{{call}}` parses YAML with {{loader}}, which can construct arbitrary Python objects from `{{data}}`.',
      torchLoad: '`{{call}}` loads a checkpoint without `weights_only=True`, so unpickling it can run code.',
    },
    why: [
      'Pickle (and dill, joblib, marshal, shelve, `pandas.read_pickle`, `torch.load`) rebuild objects by calling functions named in the data itself.',
      'Whoever controls the bytes controls which functions run: a crafted payload opens a shell on the server the moment it is loaded, before any of your code looks at the result.',
      '`yaml.load` with `Loader=yaml.Loader`/`UnsafeLoader` (or `yaml.unsafe_load`) has the same power through `!!python/object` tags; `FullLoader` has had bypasses, and without `Loader=` old PyYAML versions use the unsafe loader.',
      'Data that comes from a request, an upload, a cache another service writes, or a model file downloaded from the internet must never go through these loaders.',
    ].join(' '),
    fix: [
      'Use a data-only format: JSON (with a schema), `yaml.safe_load`, MessagePack, Protocol Buffers; for models, `safetensors` or `torch.load(..., weights_only=True)`.',
      'If you must accept serialised objects between your own services, sign them with HMAC and verify the signature before loading.',
      '',
      '```python',
      'import json',
      'import yaml',
      '',
      '@app.post("/import")',
      'async def import_settings(request: Request):',
      '    payload = json.loads(await request.body())          # not pickle.loads',
      '    config = yaml.safe_load(payload["config"])          # not yaml.load',
      '    return ImportedSettings.model_validate(config)',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py':
          'import pickle\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.post("/session")\ndef restore_session():\n    state = pickle.loads(request.get_data())\n    return {"items": len(state)}\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py':
          'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.post("/session")\ndef restore_session():\n    state = request.get_json()\n    return {"items": len(state)}\n',
      },
    },
    references: {
      cwe: [502],
      owasp: ['A08:2021'],
      urls: ['https://docs.python.org/3/library/pickle.html', 'https://pyyaml.org/wiki/PyYAMLDocumentation', 'https://pytorch.org/docs/stable/generated/torch.load.html'],
      equivalents: [
        'bandit:B301',
        'bandit:B302',
        'bandit:B403',
        'bandit:B506',
        'semgrep:python.lang.security.deserialization.pickle.avoid-pickle',
        'semgrep:python.lang.security.deserialization.avoid-pyyaml-load.avoid-pyyaml-load',
        'semgrep:python.lang.security.audit.marshal.marshal-usage',
      ],
    },
  },
  check(ctx) {
    const { files, report } = ctx;
    const hint = ['pickle', 'Pickle', 'dill', 'jsonpickle', 'marshal', 'shelve', 'yaml', 'torch', 'joblib', 'numpy'];
    for (const file of files.ofKind('python', { containing: hint, includeTests: false })) {
      const root = file.ast;
      if (!root) continue;
      for (const call of findPyCalls(root, calleePattern(root, CANDIDATE_VERBS, CANDIDATE_MODULES))) {
        const node = call.node;
        // `yaml = YAML(typ="safe"); yaml.load(f)` is a local object, not the PyYAML module.
        if (!pyImports(root).has(call.callee.split('.')[0])) continue;
        const name = pyQualifiedName(root, call.callee);
        if (!CODE_LOADERS.some(([re]) => re.test(name)) && !YAML_LOAD.test(name) && !TORCH_LOAD.test(name) && !NUMPY_LOAD.test(name)) continue;
        const fn = enclosingPyFunction(node);
        const data = firstData(call);
        // A payload written in the source itself (`pickle.loads(b"…")`, `yaml.load("a: 1")`) is the author's own;
        // a constant file path (`shelve.open(CACHE_PATH)`) is not: the file's bytes can come from anywhere.
        if (data && /(^|\.)(loads|load|load_all|unsafe_load|full_load)$/.test(name) && !/^(shelve|torch|numpy|joblib|pandas)\./.test(name) && /string$/.test(String(data.kind())) && isPyConstantExpression(data)) continue;
        const dataText = data ? codeSpanText(data, 70) : '…';
        const text = codeSpanText(node, 70);
        // Request data reached locally, or traced through assignments, helpers and callers by the taint engine.
        const untrusted = data !== undefined && (isUntrusted(data, fn) || pyTaintAt(ctx, file, data).traceOf(data, 'deserialize') !== undefined);

        const loader = CODE_LOADERS.find(([re]) => re.test(name));
        if (loader) {
          const severity = untrusted ? 'critical' : loader[2];
          report({
            messageId: untrusted ? 'codeLoaderUntrusted' : 'codeLoader',
            at: file.locate(node),
            data: { call: text, data: dataText, library: loader[1] },
            ...(severity ? { severity } : {}),
          });
          continue;
        }

        if (YAML_LOAD.test(name)) {
          const verb = name.split('.').pop()!;
          let loaderText: string | undefined;
          if (/^(unsafe_load|unsafe_load_all)$/.test(verb)) loaderText = `\`yaml.${verb}\``;
          else if (/^full_load/.test(verb)) loaderText = 'the full loader';
          else {
            if (name.startsWith('ruamel.')) continue; // ruamel's load() is safe by default
            const given = call.keywords.get('Loader') ?? call.args[1];
            if (!given) loaderText = 'the default loader (no `Loader=`)';
            else {
              const qualified = pyQualifiedName(root, given.text());
              if (YAML_SAFE_LOADER.test(qualified) || /Safe|Base/.test(given.text())) continue;
              if (!YAML_UNSAFE_LOADER.test(qualified)) continue; // a project loader class: cannot tell
              loaderText = `\`${given.text()}\``;
            }
          }
          report({
            messageId: 'yamlUnsafe',
            at: file.locate(node),
            data: { call: text, loader: loaderText, data: dataText },
            ...(untrusted ? { severity: 'critical' as const } : {}),
          });
          continue;
        }

        if (TORCH_LOAD.test(name)) {
          const weightsOnly = call.keywords.get('weights_only');
          if (weightsOnly && weightsOnly.text() !== 'False') continue;
          report({
            messageId: 'torchLoad',
            at: file.locate(node),
            data: { call: text },
            severity: untrusted ? 'critical' : weightsOnly ? 'high' : 'medium',
            ...(weightsOnly || untrusted ? {} : { confidence: 'medium' as const }),
          });
          continue;
        }

        if (NUMPY_LOAD.test(name) && call.keywords.get('allow_pickle')?.text() === 'True') {
          report({
            messageId: untrusted ? 'codeLoaderUntrusted' : 'codeLoader',
            at: file.locate(node),
            data: { call: text, data: dataText, library: '`numpy.load(allow_pickle=True)` (pickle)' },
            severity: untrusted ? 'critical' : 'medium',
          });
        }
      }
    }
  },
});
