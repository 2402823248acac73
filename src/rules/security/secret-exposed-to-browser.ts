import { findProviderSecrets } from '../../facts/secret-formats.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule } from '../../model/rule.ts';

/** Prefixes that bundlers inline into client code: Next.js, Vite, Create React App, Expo, Gatsby, Nuxt, SvelteKit/Astro. */
const PUBLIC_PREFIX = '(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|GATSBY|NUXT_PUBLIC|PUBLIC)_';
const PUBLIC_VARIABLE = new RegExp(`\\b${PUBLIC_PREFIX}([A-Z0-9_]+)\\b`, 'g');
/** What the rest of the name says it holds: a secret by definition, or the key of a paid, server-side API. */
const SECRET_PART = /(^|_)(SECRET|PRIVATE|PASSWORD|PASSWD|SERVICE_ROLE|SERVICE_KEY|ADMIN_KEY|MASTER_KEY|SIGNING_KEY|JWT_SECRET|DATABASE_URL|DB_URL|DB_PASSWORD)(_|$)/;
const SERVER_API = /(^|_)(OPENAI|ANTHROPIC|CLAUDE|ELEVENLABS|GROQ|MISTRAL|COHERE|REPLICATE|HUGGINGFACE|HF|DEEPGRAM|ASSEMBLYAI|GEMINI|SENDGRID|MAILGUN|RESEND|POSTMARK|TWILIO|STRIPE_SECRET|GITHUB_TOKEN|SLACK_BOT|AWS_SECRET)(_|$)/;

export default defineRule({
  meta: {
    id: 'secret-exposed-to-browser',
    category: 'security',
    title: 'Secret shipped to the browser through a public environment variable',
    severity: 'critical',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['node'],
    scorecard: 'Secrets Management',
    messages: {
      publicSecret: '`{{variable}}` is a public build variable (the `{{prefix}}` prefix is inlined into the client bundle), yet its name says it holds {{what}}: every visitor can read it.',
      publicProviderKey: '`{{variable}}` holds {{what}} and its `{{prefix}}` prefix inlines it into the client bundle, so every visitor can read it.',
    },
    why: [
      'Bundlers replace `process.env.NEXT_PUBLIC_*` (and `import.meta.env.VITE_*`, `REACT_APP_*`, `EXPO_PUBLIC_*` …) with the literal value at build time. The value ends up in the JavaScript every browser downloads, where anyone can read it from the network tab or the source map.',
      '',
      'A public prefix on a secret (a service-role key, an OpenAI or ElevenLabs key, a database URL) hands it to every visitor: they can run up the bill, read or delete data, or impersonate the backend.',
    ].join('\n'),
    fix: [
      'Keep the secret server-side: drop the public prefix and call the provider from a route handler or server action that checks the user, then rotate the exposed key.',
      '',
      '```ts',
      '// app/api/chat/route.ts (server only)',
      'export async function POST(req: Request) {',
      '  const session = await auth();',
      "  if (!session) return new Response('Unauthorized', { status: 401 });",
      '  const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY }); // no NEXT_PUBLIC_',
      '  …',
      '}',
      '```',
    ].join('\n'),
    effortHours: 2,
    examples: {
      bad: {
        'package.json': '{ "dependencies": { "next": "15.0.0", "openai": "4.0.0" } }\n',
        'app/chat/page.tsx': "'use client';\nimport OpenAI from 'openai';\n\nconst client = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY, dangerouslyAllowBrowser: true });\n",
      },
      good: {
        'package.json': '{ "dependencies": { "next": "15.0.0", "openai": "4.0.0" } }\n',
        'app/api/chat/route.ts': "import OpenAI from 'openai';\n\nconst client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n",
        'app/map/page.tsx': "'use client';\nconst mapsKey = process.env.NEXT_PUBLIC_GOOGLE_MAPS_API_KEY;\n",
      },
    },
    references: { cwe: [200, 522, 798], owasp: ['A01:2021 Broken Access Control', 'A02:2021 Cryptographic Failures'], urls: ['https://nextjs.org/docs/app/building-your-application/configuring/environment-variables'] },
  },
  check({ files, report }) {
    /** First place each public secret variable appears, and the others. */
    const seen = new Map<string, { at: Location; others: Location[]; what: string; prefix: string; provider: boolean; secret?: string }>();
    const candidates = [...files.ofKind('js', { containing: ['_'] }), ...files.ofKind('env'), ...files.ofKind('json', { containing: ['_PUBLIC', 'VITE_', 'REACT_APP_'] }), ...files.ofKind('yaml', { containing: ['_PUBLIC', 'VITE_', 'REACT_APP_'] })];
    for (const file of candidates) {
      if (!/(NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|GATSBY|NUXT_PUBLIC|PUBLIC)_/.test(file.text)) continue;
      PUBLIC_VARIABLE.lastIndex = 0;
      for (const match of file.text.matchAll(PUBLIC_VARIABLE)) {
        const variable = match[0];
        const rest = match[1];
        const prefix = variable.slice(0, variable.length - rest.length);
        const line = file.position(match.index ?? 0).line;
        // `NEXT_PUBLIC_OPENAI_API_KEY=sk-proj-…` in an env file: the value itself says what it is.
        const value = file.kind === 'env' ? file.env?.find((e) => e.key === variable && e.line === line)?.value : undefined;
        const providerValue = value !== undefined && findProviderSecrets(value).length > 0;
        const named = SECRET_PART.exec(rest)?.[2] ?? SERVER_API.exec(rest)?.[2];
        if (!named && !providerValue) continue;
        const what = providerValue ? 'a provider secret key' : describe(named!);
        const at = file.locateLines(line);
        const entry = seen.get(variable);
        if (entry) {
          entry.others.push(at);
          if (providerValue && !entry.provider) Object.assign(entry, { provider: true, what, secret: value });
        } else seen.set(variable, { at, others: [], what, prefix, provider: providerValue, secret: providerValue ? value : undefined });
      }
    }
    for (const [variable, entry] of seen) {
      report({
        messageId: entry.provider ? 'publicProviderKey' : 'publicSecret',
        at: entry.at,
        data: { variable, prefix: entry.prefix, what: entry.what },
        related: entry.others.slice(0, 5).map((l) => ({ ...l, note: 'also used here' })),
        secrets: entry.secret ? [entry.secret] : [],
        ...(entry.provider ? { confidence: 'high' as const } : {}),
      });
    }
  },
});

function describe(part: string): string {
  if (/SECRET|PRIVATE|PASSWORD|PASSWD|SIGNING|MASTER|JWT/.test(part)) return 'a secret';
  if (/SERVICE_ROLE|SERVICE_KEY|ADMIN_KEY/.test(part)) return 'a privileged service key';
  if (/DATABASE_URL|DB_URL|DB_PASSWORD/.test(part)) return 'database credentials';
  return `the key of a paid server-side API (${part})`;
}
