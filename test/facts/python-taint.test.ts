/**
 * The Python taint engine on inline file trees: which sink arguments it traces to request data,
 * through which variables, and which sanitisers and validation guards stop it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { buildRepoIndex } from '../../src/facts/build-repo-index.ts';
import { classifyPySinkArgument, describeTaintTrace, type PySinkKind } from '../../src/facts/python-taint.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { pyStringValue } from '../../src/parse/python-syntax.ts';
import { parseSource } from '../../src/parse/syntax.ts';
import { writeTree } from '../support/fixture-case.ts';

/** For every call to `sink(...)` in the tree: `file:line kind source-description` of its first argument. */
async function traceSinks(files: Record<string, string>, kind: PySinkKind = 'any'): Promise<string[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-taint-'));
  try {
    writeTree(root, files);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    const index = buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set() });
    const out: string[] = [];
    for (const file of parsed.files.ofKind('python')) {
      for (const call of file.findAll({ kind: 'call', has: { field: 'function', regex: '^sink$' } })) {
        const arg = call.field('arguments')?.children().find((c) => c.isNamed());
        if (!arg) continue;
        const reached = classifyPySinkArgument({ index, files: parsed.files }, file, arg, kind);
        out.push(`${file.path}:${call.range().start.line + 1} ${reached ? `${reached.kind} ${describeTaintTrace(reached.trace)}` : 'clean'}`);
      }
    }
    return out.sort();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const flask = (body: string) => ({
  'requirements.txt': 'flask==3.0.3\n',
  'app.py': ['from flask import Flask, abort, request', 'from helpers import build, sink', '', 'app = Flask(__name__)', '', body].join('\n'),
  'helpers.py': 'def build(name):\n    return "convert " + name\n\n\ndef sink(value):\n    return value\n',
});

describe('python taint', () => {
  it('follows request reads through assignments, branches, containers and helper returns', async () => {
    const lines = await traceSinks(
      flask(
        [
          '@app.post("/a")',
          'def a():',
          '    q = request.args.get("q", "")',
          '    x = "safe"',
          '    if len(q) > 3:',
          '        x = q.strip()',
          '    sink(x)',
          '    items = []',
          '    items.append(request.form["f"])',
          '    sink(items[0])',
          '    sink(build(request.cookies.get("c")))',
          '    sink(f"{len(q)} chars")',
          '    sink(int(q))',
          '',
        ].join('\n'),
      ),
    );
    expect(lines).toEqual([
      'app.py:12 tainted `request.args.get("q", "")`, through `q` and `x`',
      'app.py:15 tainted `request.form["f"]`, through `items`',
      'app.py:16 tainted `request.cookies.get("c")`, through `build()`',
      'app.py:17 clean',
      'app.py:18 clean',
    ]);
  });

  it('stops at validation guards and sink-specific sanitisers, and marks helper parameters as dynamic', async () => {
    const lines = await traceSinks(
      flask(
        [
          'import re',
          'import shlex',
          '',
          '@app.get("/b")',
          'def b():',
          '    name = request.args["name"]',
          '    if not re.fullmatch(r"[a-z]+", name):',
          '        abort(400)',
          '    sink(name)',
          '    other = request.args["other"]',
          '    sink(shlex.quote(other))',
          '',
          'def helper(path):',
          '    sink("cat " + path)',
          '',
        ].join('\n'),
      ),
      'command',
    );
    expect(lines).toEqual(['app.py:14 clean', 'app.py:16 clean', 'app.py:19 dynamic parameter `path`']);
  });

  it('treats FastAPI parameters by type: text is a source, numbers, enums and Depends are not', async () => {
    const lines = await traceSinks({
      'requirements.txt': 'fastapi==0.115.6\n',
      'main.py': [
        'from enum import Enum',
        'from fastapi import Depends, FastAPI',
        '',
        'app = FastAPI()',
        '',
        'class Kind(str, Enum):',
        '    a = "a"',
        '',
        'def sink(v):',
        '    return v',
        '',
        '@app.get("/items/{item_id}")',
        'def read(item_id: int, kind: Kind, q: str, user=Depends(lambda: None)):',
        '    sink(item_id)',
        '    sink(kind)',
        '    sink(q)',
        '    sink(user)',
        '',
      ].join('\n'),
    });
    expect(lines).toEqual(['main.py:14 clean', 'main.py:15 clean', 'main.py:16 tainted query parameter `q`', 'main.py:17 clean']);
  });
});

describe('pyStringValue', () => {
  it('decodes escapes of normal strings and keeps raw strings as written', () => {
    const value = (code: string) => pyStringValue(parseSource('python', code).find({ rule: { kind: 'string' } }));
    expect(value('x = "\\\\d+"')).toBe('\\d+');
    expect(value("x = r'\\d+'")).toBe('\\d+');
    expect(value('x = "a\\tb"')).toBe('a\tb');
    expect(value('x = "\\x41"')).toBe('A');
  });
});
