/**
 * Third-party services an application depends on at request time — AI providers, payments,
 * telephony, speech, email — recognised by their SDKs (the external call path the Python resolver
 * or the JS import gives) and by their API hosts in raw HTTP calls, with what each SDK does about
 * transient failures by default. Rules that ask "does this code call OpenAI / Stripe / Twilio?"
 * read it here, once.
 */
import type { SyntaxNode } from '../model/parsed-file.ts';
import { evaluatePyExpression, pyImports, pyLocalBinding, pyModuleAssignments, pyStringHeads, type PyModuleLoader, type PySourceFile } from '../parse/python-syntax.ts';

export type ServiceCategory = 'AI' | 'payment' | 'telephony' | 'speech' | 'email';

export interface ExternalService {
  name: string;
  category: ServiceCategory;
  /** External call paths of network calls through the Python SDK (`openai.OpenAI().chat.completions.create`). */
  pythonCall?: RegExp;
  /** The same through the JS SDK, with `()` after a constructor or factory (`twilio().messages.create`). */
  jsCall?: RegExp;
  /** Constructors whose retry option can be set (`openai.OpenAI`, `openai`). */
  pythonClient?: RegExp;
  jsClient?: RegExp;
  /** Keyword (Python) / property (JS) that sets the SDK's retries. */
  pythonRetryOption?: string;
  jsRetryOption?: string;
  /** Retries the SDK makes by default (0: none). */
  pythonDefaultRetries: number;
  jsDefaultRetries: number;
  /** API hosts, for calls made with requests / httpx / fetch / axios. */
  hosts: RegExp;
  /** A module-level switch that turns retries on for the whole SDK (`stripe.max_network_retries = 2`). */
  pythonGlobalRetries?: RegExp;
}

export const EXTERNAL_SERVICES: ExternalService[] = [
  {
    name: 'OpenAI',
    category: 'AI',
    pythonCall: /^openai\.(Async)?(OpenAI|AzureOpenAI)\(\)(\.\w+)+$|^openai\.(ChatCompletion|Completion|Embedding|Image|Audio|Moderation)\.a?create$/,
    jsCall: /^openai(\.default|\.OpenAI|\.AzureOpenAI)?\(\)(\.\w+)+$/,
    pythonClient: /^openai\.(Async)?(OpenAI|AzureOpenAI)$/,
    jsClient: /^openai(\.default|\.OpenAI|\.AzureOpenAI)?$/,
    pythonRetryOption: 'max_retries',
    jsRetryOption: 'maxRetries',
    pythonDefaultRetries: 2,
    jsDefaultRetries: 2,
    hosts: /(^|\.)api\.openai\.com$|\.openai\.azure\.com$/,
  },
  {
    name: 'Anthropic',
    category: 'AI',
    pythonCall: /^anthropic\.(Async)?Anthropic(Bedrock|Vertex)?\(\)(\.\w+)+$/,
    jsCall: /^@anthropic-ai\/sdk(\.default|\.Anthropic)?\(\)(\.\w+)+$/,
    pythonClient: /^anthropic\.(Async)?Anthropic(Bedrock|Vertex)?$/,
    jsClient: /^@anthropic-ai\/sdk(\.default|\.Anthropic)?$/,
    pythonRetryOption: 'max_retries',
    jsRetryOption: 'maxRetries',
    pythonDefaultRetries: 2,
    jsDefaultRetries: 2,
    hosts: /(^|\.)api\.anthropic\.com$/,
  },
  {
    name: 'Google Gemini',
    category: 'AI',
    hosts: /(^|\.)generativelanguage\.googleapis\.com$/,
    pythonDefaultRetries: 0,
    jsDefaultRetries: 0,
  },
  { name: 'Groq', category: 'AI', hosts: /(^|\.)api\.groq\.com$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
  { name: 'Mistral', category: 'AI', hosts: /(^|\.)api\.mistral\.ai$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
  { name: 'OpenRouter', category: 'AI', hosts: /(^|\.)openrouter\.ai$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
  {
    name: 'ElevenLabs',
    category: 'speech',
    pythonCall: /^elevenlabs(\.client)?\.(Async)?ElevenLabs\(\)(\.\w+)+$|^elevenlabs\.(generate|clone)$/,
    jsCall: /^(@elevenlabs\/elevenlabs-js|elevenlabs)(\.\w+)?\(\)(\.\w+)+$/,
    pythonDefaultRetries: 2,
    jsDefaultRetries: 2,
    hosts: /(^|\.)api\.elevenlabs\.io$/,
  },
  { name: 'Deepgram', category: 'speech', hosts: /(^|\.)api\.deepgram\.com$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
  { name: 'AssemblyAI', category: 'speech', hosts: /(^|\.)api\.assemblyai\.com$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
  {
    name: 'Twilio',
    category: 'telephony',
    pythonCall: /^twilio\.rest\.Client\(\)[\w.()]*\.(create|fetch|update|delete|list|stream|page)$/,
    jsCall: /^twilio(\.default|\.Twilio)?\(\)[\w.()]*\.(create|fetch|update|remove|list|each|page)$/,
    jsClient: /^twilio(\.default|\.Twilio)?$/,
    jsRetryOption: 'autoRetry',
    pythonDefaultRetries: 0,
    jsDefaultRetries: 0,
    hosts: /(^|\.)api\.twilio\.com$/,
  },
  {
    name: 'Stripe',
    category: 'payment',
    // The module-level API (`stripe.PaymentIntent.create`) retries only when `stripe.max_network_retries` is set.
    pythonCall: /^stripe\.[A-Z]\w*\.(create|retrieve|modify|list|delete|confirm|capture|cancel|search|refund|pay|finalize_invoice|void_invoice)$/,
    pythonGlobalRetries: /\bstripe\.max_network_retries\s*=\s*[1-9]/,
    jsCall: /^stripe(\.default|\.Stripe)?\(\)(\.\w+)+$/,
    jsClient: /^stripe(\.default|\.Stripe)?$/,
    jsRetryOption: 'maxNetworkRetries',
    pythonDefaultRetries: 0,
    jsDefaultRetries: 1,
    hosts: /(^|\.)api\.stripe\.com$/,
  },
  {
    name: 'SendGrid',
    category: 'email',
    pythonCall: /^sendgrid\.SendGridAPIClient\(\)\.(send|client\.\w+)/,
    pythonDefaultRetries: 0,
    jsDefaultRetries: 0,
    hosts: /(^|\.)api\.sendgrid\.com$/,
  },
  { name: 'Resend', category: 'email', pythonCall: /^resend\.Emails\.send$/, pythonDefaultRetries: 0, jsDefaultRetries: 0, hosts: /(^|\.)api\.resend\.com$/ },
  { name: 'Mailgun', category: 'email', hosts: /(^|\.)api(\.eu)?\.mailgun\.net$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
  { name: 'Postmark', category: 'email', hosts: /(^|\.)api\.postmarkapp\.com$/, pythonDefaultRetries: 0, jsDefaultRetries: 0 },
];

/** The service a Python SDK call path belongs to. */
export function serviceOfPythonCall(path: string): ExternalService | undefined {
  return EXTERNAL_SERVICES.find((s) => s.pythonCall?.test(path));
}

export function serviceOfJsCall(path: string): ExternalService | undefined {
  return EXTERNAL_SERVICES.find((s) => s.jsCall?.test(path));
}

/** The service an API host belongs to (`api.openai.com` → OpenAI). */
export function serviceOfHost(host: string): ExternalService | undefined {
  return EXTERNAL_SERVICES.find((s) => s.hosts.test(host.toLowerCase()));
}

/**
 * The host a Python URL argument points at: a literal, an f-string, a local variable, or a
 * module-level constant of this or another project module (`OPENAI_URL`, `config.OPENAI_URL`,
 * `TTS_URL.format(voice_id=…)`). Undefined when the source does not show it.
 */
export function pyUrlHost<F extends PySourceFile>(arg: SyntaxNode | undefined, fn: SyntaxNode | undefined, file: F, load: PyModuleLoader<F>): string | undefined {
  if (!arg) return undefined;
  const formatted = arg.kind() === 'call' && arg.field('function')?.field('attribute')?.text() === 'format' ? arg.field('function')?.field('object') : undefined;
  const expr = formatted ?? arg;
  const constant = pyModuleConstant(expr, fn, file, load);
  const head = constant ? pyStringHeads(constant.value, undefined, constant.file)[0] : pyStringHeads(arg, fn, file)[0];
  return head && 'literal' in head ? /^https?:\/\/([^/?#:]+)/.exec(head.literal)?.[1]?.toLowerCase() : undefined;
}

/** The value of a module-level `NAME = …` that `expr` (`NAME`, `module.NAME`, an imported `NAME`) refers to. */
function pyModuleConstant<F extends PySourceFile>(expr: SyntaxNode, fn: SyntaxNode | undefined, file: F, load: PyModuleLoader<F>): { value: SyntaxNode; file: F } | undefined {
  let target: F | undefined;
  let name: string | undefined;
  if (expr.kind() === 'identifier') {
    if (fn && pyLocalBinding(fn, expr.text(), undefined, file)) return undefined;
    const imported = file.ast ? pyImports(file.ast).get(expr.text()) : undefined;
    if (imported?.name) {
      target = load(file, imported.module);
      name = imported.name;
    } else {
      target = file;
      name = expr.text();
    }
  } else if (expr.kind() === 'attribute') {
    const object = expr.field('object');
    const value = object ? evaluatePyExpression(object, { file, fn }, load) : undefined;
    if (value?.kind === 'module' && value.file) {
      target = value.file;
      name = expr.field('attribute')?.text();
    }
  }
  const value = target?.ast && name ? pyModuleAssignments(target.ast).get(name)?.at(-1)?.field('right') : undefined;
  return value && target ? { value, file: target } : undefined;
}
