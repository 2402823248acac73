import { browserFrontend, testInventory } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'e2e-tests-missing',
    category: 'testing',
    title: 'No end-to-end tests of the front end',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'E2E Tests',
    effortHours: 8,
    messages: {
      noE2e: 'The {{frontend}} front end has {{tests}} but no end-to-end test drives it in a browser (Playwright, Cypress).',
    },
    why: [
      'A browser front end fails in ways no unit or API test sees: a form that posts to a renamed route, a login redirect loop, an environment variable missing from the production build, a page that breaks on a slow API. A few end-to-end tests of the critical journeys (sign-up, login, the paid action) catch them before users do.',
    ].join('\n'),
    fix: [
      'Add Playwright (or Cypress) tests for the critical user journeys and run them in CI against a preview build:',
      '',
      '```ts',
      "// e2e/login.spec.ts",
      "import { test, expect } from '@playwright/test';",
      '',
      "test('a user can sign in and see their dashboard', async ({ page }) => {",
      "  await page.goto('/login');",
      "  await page.getByLabel('Email').fill('demo@example.com');",
      "  await page.getByLabel('Password').fill(process.env.E2E_PASSWORD!);",
      "  await page.getByRole('button', { name: 'Sign in' }).click();",
      "  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();",
      '});',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'package.json': '{ "name": "web", "dependencies": { "next": "14.2.7", "react": "18.3.1" }, "devDependencies": { "vitest": "2.1.1" } }\n',
        'app/page.tsx': 'export default function Home() {\n  return <h1>Home</h1>;\n}\n',
        'lib/format.ts': 'export const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;\n',
        'lib/format.test.ts': "import { it, expect } from 'vitest';\nimport { money } from './format';\n\nit('formats cents', () => {\n  expect(money(150)).toBe('$1.50');\n});\n",
      },
      good: {
        'package.json': '{ "name": "web", "dependencies": { "next": "14.2.7", "react": "18.3.1" }, "devDependencies": { "@playwright/test": "1.48.0" } }\n',
        'app/page.tsx': 'export default function Home() {\n  return <h1>Home</h1>;\n}\n',
        'e2e/home.spec.ts': "import { test, expect } from '@playwright/test';\n\ntest('home page', async ({ page }) => {\n  await page.goto('/');\n  await expect(page.getByRole('heading')).toHaveText('Home');\n});\n",
      },
    },
    references: { urls: ['https://playwright.dev/docs/writing-tests', 'https://docs.cypress.io/app/end-to-end-testing/writing-your-first-end-to-end-test'] },
  },
  check({ index, files, report }) {
    const frontend = browserFrontend(index);
    if (!frontend) return;
    const inventory = testInventory(index, files);
    if (!inventory.tests.length || inventory.tests.some((t) => t.level === 'e2e')) return;
    const n = inventory.tests.length;
    report({ messageId: 'noE2e', at: frontend.at, data: { frontend: frontend.name, tests: `${n} test file${n === 1 ? '' : 's'}` } });
  },
});
