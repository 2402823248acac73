// The pull-request comment of the shipgate GitHub Action (action.yml, `comment: true`): posts the
// summary, or updates the comment an earlier run posted (found by its marker), so a pull request
// carries one shipgate comment however often it is pushed. Plain Node 20 (fetch), no dependencies.
// A comment that cannot be posted (a fork's read-only token) is a warning, never a failed job.
import { readFile } from 'node:fs/promises';

const MARKER = '<!-- shipgate-summary -->';
const LIMIT = 65_000; // GitHub rejects comment bodies over 65,536 characters
const env = process.env;

async function main() {
  const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'));
  const number = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  if (!number) {
    console.log('shipgate: not a pull-request event; no comment posted');
    return;
  }
  let body = await readFile(env.SUMMARY_FILE, 'utf8');
  if (!body.includes(MARKER)) body = `${MARKER}\n${body}`;
  if (body.length > LIMIT) body = `${body.slice(0, LIMIT - 200)}\n\n… (cut to fit a comment; the full summary is on the job page)\n`;

  const base = `${env.GITHUB_API_URL ?? 'https://api.github.com'}/repos/${env.GITHUB_REPOSITORY}`;
  const api = async (method, url, payload) => {
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${env.GITHUB_TOKEN}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'shipgate-action',
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      body: payload ? JSON.stringify(payload) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    if (!response.ok) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return response.json();
  };

  let existing;
  for (let page = 1; page <= 20 && !existing; page++) {
    const comments = await api('GET', `${base}/issues/${number}/comments?per_page=100&page=${page}`);
    existing = comments.find((c) => typeof c.body === 'string' && c.body.includes(MARKER));
    if (comments.length < 100) break;
  }
  if (existing) {
    await api('PATCH', `${base}/issues/comments/${existing.id}`, { body });
    console.log(`shipgate: updated the summary comment on pull request #${number}`);
  } else {
    await api('POST', `${base}/issues/${number}/comments`, { body });
    console.log(`shipgate: posted the summary on pull request #${number}`);
  }
}

main().catch((error) => {
  console.log(`::warning title=shipgate::the summary could not be posted as a comment (${error.message}); it is on the job page`);
});
