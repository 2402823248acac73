import { describe, expect, it } from 'vitest';
import { summariseCoverage, testInventory } from '../../src/facts/test-inventory.ts';
import { indexOfTree } from '../support/repo-index.ts';

const kinds = (inventory: ReturnType<typeof testInventory>) =>
  Object.fromEntries(inventory.tests.map((t) => [t.file, `${t.level}${t.alsoUnit ? '+unit' : ''}${t.security ? '+security' : ''}`]));

describe('test inventory', () => {
  it('classifies Python tests: unit, TestClient / test_client / Django client integration, Playwright e2e, locust load, security', async () => {
    const { index, files } = await indexOfTree({
      'requirements.txt': 'django==5.1.2\npytest==8.3.3\nhypothesis==6.112.0\n',
      'shop/__init__.py': '',
      'shop/cart.py': 'def total(items):\n    return sum(items)\n',
      'tests/test_cart.py': 'from hypothesis import given, strategies as st\n\nfrom shop.cart import total\n\n\n@given(st.lists(st.integers()))\ndef test_total_is_sum(xs):\n    assert total(xs) == sum(xs)\n',
      'tests/test_api.py': 'from fastapi.testclient import TestClient\nfrom shop.app import app\n\nclient = TestClient(app)\n\n\ndef test_list():\n    assert client.get("/items").status_code == 200\n\n\ndef test_slug():\n    assert "a b".replace(" ", "-") == "a-b"\n',
      'shop/tests.py': 'from django.test import TestCase\n\n\nclass ItemTests(TestCase):\n    def test_forbidden_for_anonymous(self):\n        response = self.client.get("/items/")\n        self.assertEqual(response.status_code, 403)\n',
      'e2e/test_checkout.py': 'from playwright.sync_api import Page\n\n\ndef test_checkout(page: Page):\n    page.goto("/")\n',
      'load/locustfile.py': 'from locust import HttpUser, task\n\n\nclass U(HttpUser):\n    @task\n    def home(self):\n        self.client.get("/")\n',
      'tests/security/test_headers.py': 'def test_csp(client):\n    assert "Content-Security-Policy" in client.get("/").headers\n',
      'tests/factories.py': 'class ItemFactory:\n    pass\n',
    });
    const inventory = testInventory(index, files);
    expect(kinds(inventory)).toEqual({
      'e2e/test_checkout.py': 'e2e',
      'load/locustfile.py': 'load',
      'shop/tests.py': 'integration+security',
      'tests/security/test_headers.py': 'unit+security',
      'tests/test_api.py': 'integration+unit',
      'tests/test_cart.py': 'unit',
    });
    expect(inventory.supportFiles).toEqual(['tests/factories.py']);
    expect(inventory.frameworks.map((f) => f.name)).toEqual(['Django test runner', 'hypothesis', 'locust', 'Playwright', 'pytest']);
    const api = inventory.tests.find((t) => t.file === 'tests/test_api.py')!;
    expect(api.evidence.integration).toMatchObject({ startLine: 1, note: 'drives the app through TestClient' });
    expect(api.evidence.unit).toMatchObject({ startLine: 11, note: 'calls code directly' });
    expect(inventory.tests.find((t) => t.file === 'shop/tests.py')!.evidence.security).toMatchObject({ startLine: 5, note: 'tests a denied request' });
  });

  it('classifies JS tests: vitest unit, supertest integration, Cypress and Playwright e2e, k6 and Artillery load', async () => {
    const { index, files } = await indexOfTree({
      'package.json': JSON.stringify({ name: 'x', dependencies: { express: '4.21.2' }, devDependencies: { jest: '29.7.0', supertest: '7.0.0', cypress: '13.15.0' }, jest: { testEnvironment: 'node' } }),
      'src/app.js': "const express = require('express');\nconst app = express();\napp.get('/items', (q, r) => r.json([]));\nmodule.exports = app;\n",
      'src/sum.js': 'module.exports = (a, b) => a + b;\n',
      'src/sum.test.js': "const sum = require('./sum');\ntest('adds', () => expect(sum(1, 2)).toBe(3));\n",
      'test/items.spec.js': "const request = require('supertest');\nconst app = require('../src/app');\ndescribe('items', () => {\n  it('rejects anonymous callers', async () => {\n    await request(app).get('/items').expect(401);\n  });\n});\n",
      'cypress/e2e/home.cy.js': "describe('home', () => {\n  it('loads', () => {\n    cy.visit('/');\n  });\n});\n",
      'perf/smoke.js': "import http from 'k6/http';\nexport default function () {\n  http.get('http://localhost:3000/items');\n}\n",
      'artillery.yml': 'config:\n  target: "http://localhost:3000"\n  phases:\n    - duration: 60\n      arrivalRate: 5\nscenarios:\n  - flow:\n      - get:\n          url: "/items"\n',
    });
    const inventory = testInventory(index, files);
    expect(kinds(inventory)).toEqual({
      'artillery.yml': 'load',
      'cypress/e2e/home.cy.js': 'e2e',
      'perf/smoke.js': 'load',
      'src/sum.test.js': 'unit',
      'test/items.spec.js': 'integration+security',
    });
    expect(inventory.frameworks.map((f) => `${f.name}@${f.evidence.file}`)).toEqual(['Artillery@artillery.yml', 'Cypress@package.json', 'jest@package.json', 'k6@perf/smoke.js', 'supertest@package.json']);
    // src/app.js is reached by a test import; src/sum.js too.
    expect(inventory.untested).toEqual([]);
  });

  it('lists source modules no test touches: imports, mock.patch strings, route paths and coverage all count', async () => {
    const big = (name: string) => Array.from({ length: 12 }, (_, i) => `def ${name}_${i}():\n    return ${i}\n`).join('\n');
    const { index, files } = await indexOfTree({
      'requirements.txt': 'fastapi==0.115.6\n',
      'app/__init__.py': '',
      'app/billing.py': big('charge'),
      'app/mailer.py': big('send'),
      'app/reports.py': big('report'),
      'app/legacy.py': big('old'),
      'app/routes.py': 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/invoices/{invoice_id}")\nasync def invoice(invoice_id: int):\n    return {}\n' + big('route_helper'),
      'app/settings.py': big('setting'),
      'migrations/0001_initial.py': big('migrate'),
      'tests/test_billing.py': 'from unittest import mock\n\nfrom app.billing import charge_1\n\n\n@mock.patch("app.mailer.send_1")\ndef test_charge(send):\n    assert charge_1() == 1\n\n\ndef test_invoice_route(client):\n    client.get("/invoices/3")\n',
    }, { coverage: [{ file: 'coverage.xml', format: 'cobertura', covered: 3, total: 20, files: [{ file: '/ci/build/app/reports.py', covered: 3, total: 12 }, { file: 'app/legacy.py', covered: 0, total: 12 }] }] });
    const inventory = testInventory(index, files);
    expect(inventory.untested.map((m) => m.file)).toEqual(['app/legacy.py']);
    expect(inventory.sourceModules.map((m) => m.file)).not.toContain('app/settings.py');
    expect(inventory.sourceModules.map((m) => m.file)).not.toContain('migrations/0001_initial.py');
    expect(inventory.coverage).toMatchObject({ covered: 3, total: 20, percent: 15 });
    expect([...inventory.coverage!.byFile]).toEqual([
      ['app/reports.py', { covered: 3, total: 12 }],
      ['app/legacy.py', { covered: 0, total: 12 }],
    ]);
  });

  it('counts one run once when it wrote two report formats', () => {
    const files = [{ file: 'app/x.py', covered: 5, total: 10 }];
    const summary = summariseCoverage(
      [
        { file: 'backend/coverage.json', format: 'coverage.py-json', covered: 5, total: 10, files },
        { file: 'backend/coverage.xml', format: 'cobertura', covered: 5, total: 10, files },
        { file: 'web/coverage/lcov.info', format: 'lcov', covered: 30, total: 40, files: [{ file: 'src/a.ts', covered: 30, total: 40 }] },
      ],
      new Set(['backend/app/x.py', 'web/src/a.ts']),
    )!;
    expect(summary.reports.map((r) => r.file)).toEqual(['backend/coverage.xml', 'web/coverage/lcov.info']);
    expect(summary).toMatchObject({ covered: 35, total: 50, percent: 70 });
    expect([...summary.byFile.keys()]).toEqual(['backend/app/x.py', 'web/src/a.ts']);
  });
});
