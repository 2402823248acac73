import { testInventory, testingAnchor } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'load-tests-missing',
    category: 'testing',
    title: 'No load tests',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Load Tests',
    effortHours: 6,
    messages: {
      noLoadTests: 'Nothing in the repository measures the service under concurrent load ({{routes}}; no locust, k6 or Artillery scenario).',
    },
    why: [
      'Capacity problems — a connection pool that runs dry, a blocking call in an async handler, an N+1 query, a paid API without a rate limit — only show under concurrent traffic. Without a load test the first measurement is the launch, and the team learns its limits from an outage.',
    ].join('\n'),
    fix: [
      'Write a small scenario of the main user journey and run it against a staging deployment before launch and after large changes:',
      '',
      '```python',
      '# load/locustfile.py',
      'from locust import HttpUser, between, task',
      '',
      'class Listener(HttpUser):',
      '    wait_time = between(1, 3)',
      '',
      '    def on_start(self):',
      '        self.client.headers["Authorization"] = f"Bearer {login(self.client)}"',
      '',
      '    @task(3)',
      '    def list_sessions(self):',
      '        self.client.get("/api/sessions")',
      '```',
      'Run it headless with a pass/fail budget: `locust -f load/locustfile.py --headless -u 200 -r 20 -t 5m --host https://staging.example.com`, or use k6 with thresholds.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\npytest==8.3.3\n',
        'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/search")\ndef search():\n    return {"results": []}\n',
        'tests/test_search.py': 'from app import app\n\n\ndef test_search():\n    assert app.test_client().get("/search").status_code == 200\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\npytest==8.3.3\nlocust==2.31.8\n',
        'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/search")\ndef search():\n    return {"results": []}\n',
        'tests/test_search.py': 'from app import app\n\n\ndef test_search():\n    assert app.test_client().get("/search").status_code == 200\n',
        'load/locustfile.py': 'from locust import HttpUser, task\n\n\nclass Visitor(HttpUser):\n    @task\n    def search(self):\n        self.client.get("/search")\n',
      },
    },
    references: { urls: ['https://docs.locust.io/en/stable/quickstart.html', 'https://grafana.com/docs/k6/latest/using-k6/thresholds/'] },
  },
  check({ index, files, report }) {
    if (!index.routes.length) return;
    const inventory = testInventory(index, files);
    // Without any test the suite itself is missing (test-suite-missing); load tests come after.
    if (!inventory.tests.length || inventory.tests.some((t) => t.level === 'load')) return;
    const anchor = testingAnchor(index, inventory);
    if (!anchor) return;
    report({ messageId: 'noLoadTests', at: files.get(anchor.file)?.locateLines(anchor.startLine ?? 1) ?? anchor, data: { routes: `${index.routes.length} route${index.routes.length === 1 ? '' : 's'}` } });
  },
});
