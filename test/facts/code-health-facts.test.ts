/** Code-health facts on inline trees with known answers: duplication, annotation coverage, `any` density, structure, markers. */
import { describe, expect, it } from 'vitest';
import { fileStructure, isHandWrittenSource, monolithLevel, nameConcerns, routePrefixes } from '../../src/facts/code-structure.ts';
import { measureDuplication } from '../../src/facts/duplication.ts';
import { measurePythonAnnotations, measureTypescriptAny } from '../../src/facts/type-coverage.ts';
import type { Route } from '../../src/model/repo-index.ts';
import { indexTree } from '../support/index-tree.ts';

/** A block of ten distinct, substantial lines (a function body someone pasted twice). */
const PASTED = [
  'def total_with_tax(order):',
  '    subtotal = sum(item.price * item.quantity for item in order.items)',
  '    discount = order.coupon.amount if order.coupon else 0',
  '    taxable = max(subtotal - discount, 0)',
  '    rate = TAX_RATES.get(order.country, DEFAULT_TAX_RATE)',
  '    tax = round(taxable * rate, 2)',
  '    shipping = 0 if taxable > FREE_SHIPPING_OVER else SHIPPING_FEE',
  '    total = round(taxable + tax + shipping, 2)',
  '    order.totals = {"subtotal": subtotal, "tax": tax, "total": total}',
  '    return total',
];
const unique = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_value_${i} = compute_${prefix}(${i}, "${prefix}-${i}")`);

describe('duplication', () => {
  it('measures a known clone: 10 pasted lines in each of two files out of 40 normalised lines', async () => {
    const { files } = await indexTree({
      'shop/orders.py': ['import math', '', '# order totals', ...unique('orders', 10), '', ...PASTED, ''].join('\n'),
      'shop/invoices.py': ['from shop import orders', ...unique('invoices', 10), ...PASTED, ')', ''].join('\n'),
      'tests/test_orders.py': [...PASTED, ''].join('\n'),
    });
    const facts = measureDuplication(files);
    // Imports, comments, blank and punctuation-only lines are not counted; tests are not measured.
    expect(facts.sourceLines).toBe(40);
    expect(facts.duplicatedLines).toBe(20);
    expect(facts.percent).toBe(50);
    expect(facts.perFile.get('shop/orders.py')).toBe(10);
    expect(facts.largest[0].lines).toBe(10);
    expect(facts.largest[0].places.map((p) => `${p.file}:${p.startLine}-${p.endLine}`)).toEqual(['shop/invoices.py:12-21', 'shop/orders.py:15-24']);
  });

  it('counts nothing for short or thin repeats', async () => {
    const thin = ['try:', '    pass', 'except KeyError:', '    pass', 'else:', '    pass'];
    const { files } = await indexTree({
      'a.py': [...thin, ...unique('a', 2), ...PASTED.slice(0, 5), ...unique('a', 3), ''].join('\n'),
      'b.py': [...thin, ...unique('b', 2), ...PASTED.slice(0, 5), ...unique('b', 3), ''].join('\n'),
    });
    expect(measureDuplication(files).duplicatedLines).toBe(0);
  });

  it('finds a repeat inside one file and reports 0% for an empty repository', async () => {
    const { files } = await indexTree({ 'app.js': [...PASTED.map((l) => `// ${l}`), 'function a() {', ...PASTED.slice(1).map((l) => `  ${l.trim()};`), '}', 'function b() {', ...PASTED.slice(1).map((l) => `  ${l.trim()};`), '}', ''].join('\n') });
    const facts = measureDuplication(files);
    expect(facts.duplicatedLines).toBe(18);
    expect(facts.largest[0].places.map((p) => p.startLine)).toEqual([12, 23]);
    expect(measureDuplication((await indexTree({ 'README.md': '# x\n' })).files).percent).toBeNull();
  });
});

describe('type annotations', () => {
  it('counts annotated parameters and returns, leaving out self/cls, *args/**kwargs and __init__ returns', async () => {
    const { files } = await indexTree({
      'app/service.py': [
        'class Repo:',
        '    def __init__(self, url: str, pool):',
        '        self.url = url',
        '    def get(self, key: str) -> dict:',
        '        return {}',
        '    @classmethod',
        '    def build(cls, *args, **kwargs):',
        '        return cls("x", None)',
        'def helper(a, b: int = 1, *, c=2) -> None:',
        '    pass',
        'async def handler(request):',
        '    return None',
        '',
      ].join('\n'),
      'tests/test_service.py': 'def test_x(a, b, c):\n    pass\n',
    });
    // Slots: __init__ url, pool; get key + return; build return; helper a, b, c + return; handler request + return = 11; annotated: url, key, get ->, b, helper -> = 5.
    const coverage = measurePythonAnnotations(files);
    expect(coverage).toMatchObject({ slots: 11, annotated: 5, percent: 45.5, files: 1 });
  });

  it('counts explicit any per 1,000 TypeScript lines, not in JavaScript or tests', async () => {
    const ts = ['export function parse(body: any): Record<string, any> {', '  const data = body as any;', '  const items: any[] = data.items;', '  return { items };', '}', ''];
    const { files } = await indexTree({
      'src/parse.ts': ts.join('\n'),
      'src/plain.js': 'function any(x) { return x; }\n',
      'src/parse.test.ts': 'const x: any = 1;\n',
    });
    expect(measureTypescriptAny(files)).toMatchObject({ count: 4, lines: 5, perThousandLines: 800, files: 1 });
  });
});

describe('file structure', () => {
  it('counts lines, code lines, functions and classes in Python and TypeScript', async () => {
    const { files } = await indexTree({
      'app/api.py': '"""Doc."""\n# comment\n\nclass A:\n    def m(self):\n        def inner():\n            pass\n\n@decorator\ndef f():\n    return 1\n',
      'web/server.ts': 'export class S { run() {} handle = () => 1; }\nexport const h = async (req: unknown) => req;\nfunction g() { [1].map((x) => x); }\n',
    });
    expect(fileStructure(files.get('app/api.py')!)).toMatchObject({ lines: 11, codeLines: 8, functions: 3, classes: 1, topLevelNames: ['A', 'f'] });
    expect(fileStructure(files.get('web/server.ts')!)).toMatchObject({ lines: 3, functions: 4, classes: 1, topLevelNames: ['S', 'h', 'g'] });
  });

  it('does not judge tests, migrations or generated code as hand-written', async () => {
    const { files } = await indexTree({
      'app/models.py': 'x = 1\n',
      'app/migrations/0001_initial.py': 'x = 1\n',
      'api/schema_pb2.py': 'x = 1\n',
      'api/client.py': '# Code generated by openapi-generator. DO NOT EDIT.\nx = 1\n',
      'tests/test_models.py': 'x = 1\n',
    });
    expect(files.all.filter(isHandWrittenSource).map((f) => f.path)).toEqual(['app/models.py']);
  });

  it('scales the monolith level with size and groups routes by prefix and names by concern', () => {
    expect(monolithLevel({ lines: 900, routes: 12, functions: 40 })).toBeUndefined();
    expect(monolithLevel({ lines: 2_400, routes: 3, functions: 40 })).toEqual({ level: 'low', crossed: ['lines'] });
    expect(monolithLevel({ lines: 130_087, routes: 412, functions: 2_950 })).toEqual({ level: 'high', crossed: ['lines', 'routes', 'functions'] });
    const route = (path: string) => ({ path }) as Route;
    expect(routePrefixes(['/api/v1/chat/send', '/api/v1/chat/{id}', '/api/v1/auth/login', '/health', '/api/{id}'].map(route))).toEqual([
      { prefix: '/api/v1/chat', routes: 2 },
      { prefix: '/api', routes: 1 },
      { prefix: '/api/v1/auth', routes: 1 },
      { prefix: '/health', routes: 1 },
    ]);
    expect(nameConcerns(['create_invoice', 'InvoiceRenderer', 'send_invoices', 'get_user', 'UserStore', 'main'])).toEqual([
      { concern: 'invoice', names: 3 },
      { concern: 'user', names: 2 },
    ]);
  });
});
