import { testInventory, testingAnchor } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'integration-tests-missing',
    category: 'testing',
    title: 'No tests exercise the HTTP API',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Integration Tests',
    effortHours: 8,
    messages: {
      noIntegration: 'No test sends a request to any of the {{routes}}: {{tests}} the code directly, so routing, authentication dependencies, validation and serialisation are untested.',
    },
    why: [
      'Most production failures of a web service happen between the units: a route that lost its authentication dependency, a request model that rejects what the client sends, a response that fails to serialise, middleware order. Unit tests of helpers do not see any of it; a test that sends a real request through the framework does.',
    ].join('\n'),
    fix: [
      'Add tests that call the routes through the framework\'s test client, with the database and external APIs replaced at the dependency level:',
      '',
      '```python',
      'from fastapi.testclient import TestClient',
      'from app.main import app',
      'from app.db import get_session',
      '',
      'app.dependency_overrides[get_session] = lambda: FakeSession()',
      'client = TestClient(app)',
      '',
      'def test_create_agent_validates_the_body():',
      '    assert client.post("/agents", json={}, headers=auth()).status_code == 422',
      '```',
      'Flask: `app.test_client()`; Django: `self.client` in `TestCase`; Express: `supertest(app)`; Fastify: `app.inject()`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\npytest==8.3.3\n',
        'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n\n\ndef slugify(title):\n    return title.lower().replace(" ", "-")\n\n\n@app.post("/posts")\ndef create_post():\n    return {"ok": True}\n',
        'tests/test_slugify.py': 'from app import slugify\n\n\ndef test_slugify():\n    assert slugify("Hello World") == "hello-world"\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\npytest==8.3.3\n',
        'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/posts")\ndef create_post():\n    return {"ok": True}\n',
        'tests/test_posts.py': 'from app import app\n\n\ndef test_create_post():\n    assert app.test_client().post("/posts").status_code == 200\n',
      },
    },
    references: { urls: ['https://flask.palletsprojects.com/en/stable/testing/', 'https://docs.djangoproject.com/en/stable/topics/testing/tools/'] },
  },
  check({ index, files, report }) {
    if (!index.routes.length) return;
    const inventory = testInventory(index, files);
    const code = inventory.tests.filter((t) => t.level === 'unit');
    if (!code.length || inventory.tests.some((t) => t.level === 'integration' || t.level === 'e2e')) return;
    const anchor = testingAnchor(index, inventory);
    if (!anchor) return;
    report({ messageId: 'noIntegration', at: files.get(anchor.file)?.locateLines(anchor.startLine ?? 1) ?? anchor, data: { tests: code.length === 1 ? 'the only test file calls' : `all ${code.length} test files call`, routes: index.routes.length === 1 ? 'the 1 route' : `${index.routes.length} routes` } });
  },
});
