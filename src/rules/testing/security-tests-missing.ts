import { testInventory, testingAnchor } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'security-tests-missing',
    category: 'testing',
    title: 'No tests of authentication or access control',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Security Tests',
    effortHours: 4,
    messages: {
      noSecurityTests: 'No test checks that a request without credentials, with a bad token or from another user is refused ({{tests}}; {{guarded}} of {{routes}} routes require authentication).',
    },
    why: [
      'Access control breaks silently: a refactor drops a dependency from a router, a new route is added without the guard, a tenant filter is forgotten. Functional tests keep passing because they send valid credentials. Only a test that expects a 401 or 403 notices, and such tests are cheap to write and run on every change.',
    ].join('\n'),
    fix: [
      'For every protected route, assert that it refuses anonymous and foreign requests; parametrise over the route list so new routes are covered:',
      '',
      '```python',
      'PROTECTED = [("get", "/api/agents"), ("post", "/api/agents"), ("delete", "/api/agents/1")]',
      '',
      '@pytest.mark.parametrize(("method", "path"), PROTECTED)',
      'def test_requires_a_token(client, method, path):',
      '    assert client.request(method, path).status_code == 401',
      '',
      'def test_cannot_read_another_tenants_agent(client, token_of_other_tenant, agent):',
      '    r = client.get(f"/api/agents/{agent.id}", headers={"Authorization": f"Bearer {token_of_other_tenant}"})',
      '    assert r.status_code == 404',
      '```',
      'Add injection and upload cases for the inputs the audit flags, and a static scanner (Bandit, Semgrep) in CI.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.6\npytest==8.3.3\n',
        'app/main.py':
          'from fastapi import Depends, FastAPI\n\nfrom app.auth import current_user\n\napp = FastAPI()\n\n\n@app.get("/notes", dependencies=[Depends(current_user)])\nasync def list_notes():\n    return []\n',
        'tests/test_notes.py': 'from fastapi.testclient import TestClient\n\nfrom app.main import app\n\n\ndef test_list_notes(token):\n    r = TestClient(app).get("/notes", headers={"Authorization": token})\n    assert r.json() == []\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.6\npytest==8.3.3\n',
        'app/main.py':
          'from fastapi import Depends, FastAPI\n\nfrom app.auth import current_user\n\napp = FastAPI()\n\n\n@app.get("/notes", dependencies=[Depends(current_user)])\nasync def list_notes():\n    return []\n',
        'tests/test_notes.py': 'from fastapi.testclient import TestClient\n\nfrom app.main import app\n\n\ndef test_notes_require_a_token():\n    assert TestClient(app).get("/notes").status_code == 401\n',
      },
    },
    references: { cwe: [1357], owasp: ['A01:2021', 'A07:2021'], urls: ['https://owasp.org/www-project-web-security-testing-guide/'] },
  },
  check({ index, files, report }) {
    if (!index.routes.length) return;
    const inventory = testInventory(index, files);
    if (!inventory.tests.length || inventory.tests.some((t) => t.security)) return;
    const anchor = testingAnchor(index, inventory);
    if (!anchor) return;
    const n = inventory.tests.length;
    report({
      messageId: 'noSecurityTests',
      at: files.get(anchor.file)?.locateLines(anchor.startLine ?? 1) ?? anchor,
      data: { tests: `${n} test file${n === 1 ? '' : 's'}`, guarded: String(index.routes.filter((r) => r.guards.length).length), routes: String(index.routes.length) },
    });
  },
});
