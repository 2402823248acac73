/**
 * The HTML report in a real browser (Debian's Chromium, headless, driven by playwright-core; one
 * launch for the whole file): the content renders, the filters work, the page loads nothing from
 * anywhere, and text planted in a file name, a route and a snippet of an audited repository
 * (`<img onerror=…>`, `</script><script>…`) is shown as text and never runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { renderHtml } from '../../src/report/html.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../support/chromium.ts';
import { writeTree } from '../support/fixture-case.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

const PAYLOAD_FILE = 'app/<img src=x onerror="window.__pwned=1">.py';
const PAYLOAD_ROUTE = '/x/<img src=x onerror="window.__pwned=3">';

let browser: Browser | undefined;
let unavailable: string | undefined;
let dir: string;
const pages: { clean: string; hostile: string; findings: number } = { clean: '', hostile: '', findings: 0 };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shipgate-html-'));
  const mindful = await audit({ root: path.join(PROJECT_ROOT, 'examples/mindful-api'), gitHistory: false });
  pages.findings = mindful.findings.length;
  pages.clean = path.join(dir, 'mindful.html');
  writeFileSync(pages.clean, renderHtml(mindful));

  const repo = path.join(dir, 'hostile-repo');
  writeTree(repo, {
    'requirements.txt': 'flask==3.0.3\n',
    [PAYLOAD_FILE]: [
      'from flask import Flask',
      '',
      'app = Flask(__name__)',
      '',
      '',
      `@app.post('${PAYLOAD_ROUTE}')`,
      'def handler():',
      '    return "ok"',
      '',
      '',
      'if __name__ == "__main__":',
      '    app.run(debug=True)  # </script><script>window.__pwned=2</script><!--',
      '',
    ].join('\n'),
  });
  const hostile = await audit({ root: repo, gitHistory: false });
  // The payloads must reach the report for the test to mean anything.
  expect(hostile.findings.some((f) => f.location.file === PAYLOAD_FILE && f.location.snippet?.includes('</script><script>'))).toBe(true);
  expect(hostile.routes.some((r) => r.path === PAYLOAD_ROUTE)).toBe(true);
  pages.hostile = path.join(dir, 'hostile.html');
  writeFileSync(pages.hostile, renderHtml(hostile));

  const found = ensureChromium();
  if ('unavailable' in found) {
    unavailable = found.unavailable;
    console.warn(`SKIPPED: the HTML report browser test needs Chromium: ${unavailable}`);
    return;
  }
  browser = await chromium.launch({ executablePath: found.executable, headless: true, args: CHROMIUM_ARGS });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Open a report file, recording every request and console error. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser!.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${file}`);
  return { page, requests, errors };
}

describe('HTML report in Chromium', () => {
  it('renders the verdict, the grade and the findings, and the filters work', async (ctx) => {
    if (!browser) return ctx.skip(`Chromium unavailable: ${unavailable}`);
    const { page, requests, errors } = await open(pages.clean);
    expect(await page.locator('#verdict').innerText()).toBe('NO-GO');
    expect(await page.locator('.hero .grade strong').first().innerText()).toBe('F');
    const first = page.locator('#finding-CRIT-001');
    await expect.poll(() => first.isVisible()).toBe(true);
    expect(await first.locator('summary').innerText()).toContain('Environment file committed to git');
    expect(await page.locator('#f-count').innerText()).toBe(`${pages.findings} of ${pages.findings} findings`);

    await page.selectOption('#f-severity', 'critical');
    const critical = await page.locator('details.finding.sev-critical').count();
    expect(await page.locator('#f-count').innerText()).toBe(`${critical} of ${pages.findings} findings`);
    expect(await page.locator('#finding-HIGH-001').isVisible()).toBe(false);
    expect(await first.isVisible()).toBe(true);

    await page.fill('#f-text', 'webhook');
    const shown = await page.locator('details.finding:not([hidden])').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(critical);
    for (const text of await page.locator('details.finding:not([hidden]) summary').allInnerTexts()) expect(text.toLowerCase()).toMatch(/webhook|crit-/);

    await page.fill('#f-text', 'no such finding anywhere');
    expect(await page.locator('#no-match').isVisible()).toBe(true);

    await page.click('#f-reset');
    expect(await page.locator('#f-count').innerText()).toBe(`${pages.findings} of ${pages.findings} findings`);

    // A severity count in the header filters too; a finding link opens the finding.
    await page.click('button[data-filter-severity="high"]');
    expect(await page.locator('#f-severity').inputValue()).toBe('high');
    await page.click('#f-reset');
    const routeLink = page.locator('#routes a[data-open]').first();
    const opened = await routeLink.getAttribute('data-open');
    expect(opened).toMatch(/^(CRIT|HIGH|MED|LOW)-\d{3}$/);
    await routeLink.click();
    expect(await page.locator(`#finding-${opened}`).getAttribute('open')).not.toBeNull();

    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows planted markup as text and never runs it', async (ctx) => {
    if (!browser) return ctx.skip(`Chromium unavailable: ${unavailable}`);
    const { page, requests, errors } = await open(pages.hostile);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const text = await page.locator('body').innerText();
    expect(text).toContain(PAYLOAD_FILE);
    expect(text).toContain('</script><script>window.__pwned=2</script>');
    expect(text).toContain(PAYLOAD_ROUTE);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('#verdict').innerText()).toMatch(/GO/);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
