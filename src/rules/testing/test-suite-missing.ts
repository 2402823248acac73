import { expectsTests, testInventory, testingAnchor } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'test-suite-missing',
    category: 'testing',
    title: 'No automated tests',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Unit Tests',
    effortHours: 24,
    messages: {
      noTests: 'No test files in the repository for {{lines}} lines of application code{{routes}}: nothing checks that a change keeps it working.',
    },
    why: [
      'Without tests every change is verified by hand or by users in production. Security fixes, dependency upgrades and refactors cannot be made with confidence, regressions ship unnoticed, and the audit\'s other findings cannot be fixed safely. The reference audits treat zero test coverage as a deployment blocker.',
    ].join('\n'),
    fix: [
      'Start with tests around what would hurt most: authentication and authorization, payments and webhooks, the main request paths. Drive the app through its own test client so routing, validation and dependencies are exercised:',
      '',
      '```python',
      '# tests/test_agents.py',
      'from fastapi.testclient import TestClient',
      'from app.main import app',
      '',
      'client = TestClient(app)',
      '',
      'def test_agents_require_a_token():',
      '    assert client.get("/api/agents").status_code == 401',
      '```',
      '```ts',
      "// test/agents.test.ts (vitest + supertest)",
      "import request from 'supertest';",
      "import { app } from '../src/app';",
      "it('rejects requests without a token', async () => {",
      "  await request(app).get('/api/agents').expect(401);",
      '});',
      '```',
      'Run them in CI on every push with coverage (`pytest --cov --cov-report=xml`, `vitest run --coverage`).',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.6\n',
        'app/main.py':
          'from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\nclass Item(BaseModel):\n    name: str\n    price: float\n\n\nITEMS: dict[int, Item] = {}\n\n\n@app.get("/items/{item_id}")\nasync def read_item(item_id: int):\n    return ITEMS[item_id]\n\n\n@app.post("/items")\nasync def create_item(item: Item):\n    item_id = len(ITEMS) + 1\n    ITEMS[item_id] = item\n    return {"id": item_id}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.6\npytest==8.3.3\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items/{item_id}")\nasync def read_item(item_id: int):\n    return {"id": item_id}\n',
        'tests/test_items.py': 'from fastapi.testclient import TestClient\n\nfrom app.main import app\n\n\ndef test_read_item():\n    assert TestClient(app).get("/items/1").json() == {"id": 1}\n',
      },
    },
    references: { urls: ['https://fastapi.tiangolo.com/tutorial/testing/', 'https://docs.pytest.org/en/stable/getting-started.html'] },
  },
  check({ index, files, report }) {
    const inventory = testInventory(index, files);
    if (inventory.tests.length || !expectsTests(index, inventory)) return;
    const anchor = testingAnchor(index, inventory);
    if (!anchor) return;
    const routes = index.routes.length ? ` and ${index.routes.length} route${index.routes.length === 1 ? '' : 's'}` : '';
    report({ messageId: 'noTests', at: files.get(anchor.file)?.locateLines(anchor.startLine ?? 1) ?? anchor, data: { lines: String(inventory.sourceLines), routes }, severity: index.domains.has('web') ? 'high' : 'medium' });
  },
});
