/**
 * Known secret formats: provider keys and tokens whose shape alone says what they are. Each
 * entry names the provider for the message, the pattern, the literal needles a file must contain
 * for the pattern to be worth running (the cheap pre-filter), and the prefix that is not part of
 * the secret's randomness (so entropy is judged on the random body only).
 *
 * Formats are public facts documented by the providers; identifiers that are not secrets (an AWS
 * account id, a Twilio account SID, a Stripe publishable key) are deliberately absent.
 */
export interface SecretFormat {
  provider: string;
  regex: RegExp;
  /** Literal tokens for the cheap file pre-filter. */
  needle: string[];
  /** The fixed prefix, removed before judging entropy. */
  prefix?: RegExp;
}

export const SECRET_FORMATS: SecretFormat[] = [
  // AI providers
  { provider: 'An Anthropic API key', regex: /\bsk-ant-[A-Za-z0-9_-]{32,}/g, needle: ['sk-ant-'], prefix: /^sk-ant-(?:api\d+-|admin\d+-)?/ },
  { provider: 'An OpenAI API key', regex: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{32,}/g, needle: ['sk-'], prefix: /^sk-(?:proj|svcacct|admin)-/ },
  { provider: 'An OpenAI API key', regex: /\bsk-[A-Za-z0-9]{40,}\b/g, needle: ['sk-'], prefix: /^sk-/ },
  { provider: 'A Hugging Face token', regex: /\bhf_[A-Za-z0-9]{34,}\b/g, needle: ['hf_'], prefix: /^hf_/ },
  { provider: 'A Replicate API token', regex: /\br8_[A-Za-z0-9]{37}\b/g, needle: ['r8_'], prefix: /^r8_/ },
  { provider: 'A Groq API key', regex: /\bgsk_[A-Za-z0-9]{52}\b/g, needle: ['gsk_'], prefix: /^gsk_/ },
  { provider: 'An OpenRouter API key', regex: /\bsk-or-v1-[a-f0-9]{64}\b/g, needle: ['sk-or-v1-'], prefix: /^sk-or-v1-/ },
  { provider: 'A Perplexity API key', regex: /\bpplx-[A-Za-z0-9]{48}\b/g, needle: ['pplx-'], prefix: /^pplx-/ },
  { provider: 'An ElevenLabs API key', regex: /\bsk_[a-f0-9]{48}\b/g, needle: ['sk_'], prefix: /^sk_/ },
  // Cloud
  { provider: 'An AWS access key id', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, needle: ['AKIA', 'ASIA'], prefix: /^(?:AKIA|ASIA)/ },
  { provider: 'A Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/g, needle: ['AIza'], prefix: /^AIza/ },
  { provider: 'A Google OAuth client secret', regex: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g, needle: ['GOCSPX-'], prefix: /^GOCSPX-/ },
  { provider: 'An Azure storage account key', regex: /AccountKey=[A-Za-z0-9+/]{86}==/g, needle: ['AccountKey='], prefix: /^AccountKey=/ },
  { provider: 'A DigitalOcean token', regex: /\bdo[opr]_v1_[a-f0-9]{64}\b/g, needle: ['dop_v1_', 'doo_v1_', 'dor_v1_'], prefix: /^do[opr]_v1_/ },
  { provider: 'A Databricks token', regex: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g, needle: ['dapi'], prefix: /^dapi/ },
  { provider: 'A Fly.io token', regex: /\bfo1_[A-Za-z0-9_-]{43}\b/g, needle: ['fo1_'], prefix: /^fo1_/ },
  { provider: 'A Pulumi access token', regex: /\bpul-[a-f0-9]{40}\b/g, needle: ['pul-'], prefix: /^pul-/ },
  { provider: 'A Terraform Cloud token', regex: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}\b/g, needle: ['.atlasv1.'], prefix: /^[A-Za-z0-9]{14}\.atlasv1\./ },
  { provider: 'A HashiCorp Vault token', regex: /\bhvs\.[A-Za-z0-9_-]{90,}/g, needle: ['hvs.'], prefix: /^hvs\./ },
  { provider: 'A Supabase access token', regex: /\bsbp_[a-f0-9]{40}\b/g, needle: ['sbp_'], prefix: /^sbp_/ },
  // Source control and package registries
  { provider: 'A GitHub token', regex: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/g, needle: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], prefix: /^gh[pousr]_/ },
  { provider: 'A GitHub token', regex: /\bgithub_pat_[A-Za-z0-9_]{50,}/g, needle: ['github_pat_'], prefix: /^github_pat_/ },
  { provider: 'A GitLab token', regex: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, needle: ['glpat-'], prefix: /^glpat-/ },
  { provider: 'An npm access token', regex: /\bnpm_[A-Za-z0-9]{36}\b/g, needle: ['npm_'], prefix: /^npm_/ },
  { provider: 'A PyPI upload token', regex: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g, needle: ['pypi-AgEIcHlwaS5vcmc'], prefix: /^pypi-AgEIcHlwaS5vcmc/ },
  // Payments and commerce
  { provider: 'A Stripe live secret key', regex: /\b[sr]k_live_[0-9A-Za-z]{20,}/g, needle: ['sk_live_', 'rk_live_'], prefix: /^[sr]k_live_/ },
  { provider: 'A Braintree production access token', regex: /\baccess_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}\b/g, needle: ['access_token$production$'], prefix: /^access_token\$production\$/ },
  { provider: 'A Square access token', regex: /\b(?:sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43})\b/g, needle: ['sq0atp-', 'sq0csp-'], prefix: /^sq0(?:atp|csp)-/ },
  { provider: 'A Shopify access token', regex: /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, needle: ['shpat_', 'shpss_', 'shpca_', 'shppa_'], prefix: /^shp(?:at|ss|ca|pa)_/ },
  // Messaging, email and telephony
  { provider: 'A Slack token', regex: /\bxox[baprs]-\d{6,}-[0-9A-Za-z-]{10,}/g, needle: ['xox'], prefix: /^xox[baprs]-/ },
  { provider: 'A Slack incoming webhook URL', regex: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{8,}\/B[A-Z0-9]{8,}\/[A-Za-z0-9]{24}/g, needle: ['hooks.slack.com/services/'], prefix: /^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\// },
  { provider: 'A SendGrid API key', regex: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, needle: ['SG.'], prefix: /^SG\./ },
  { provider: 'A Mailchimp API key', regex: /\b[0-9a-f]{32}-us\d{1,2}\b/g, needle: ['-us'], prefix: /-us\d+$/ },
  { provider: 'A Resend API key', regex: /\bre_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}\b/g, needle: ['re_'], prefix: /^re_/ },
  { provider: 'A Discord webhook URL', regex: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}/g, needle: ['/api/webhooks/'], prefix: /^https:\/\/[^/]+\/api\/webhooks\/\d+\// },
  { provider: 'A Mailgun API key', regex: /\bkey-[0-9a-f]{32}\b/g, needle: ['key-'], prefix: /^key-/ },
  { provider: 'A Telegram bot token', regex: /\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b/g, needle: [':AA'], prefix: /^\d+:AA/ },
  // Developer tools
  { provider: 'A Postman API key', regex: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g, needle: ['PMAK-'], prefix: /^PMAK-/ },
  { provider: 'A Sentry auth token', regex: /\bsntry[su]_[A-Za-z0-9+/=_-]{50,}/g, needle: ['sntrys_', 'sntryu_'], prefix: /^sntry[su]_/ },
  { provider: 'A New Relic user API key', regex: /\bNRAK-[A-Z0-9]{27}\b/g, needle: ['NRAK-'], prefix: /^NRAK-/ },
  { provider: 'A Grafana token', regex: /\b(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[a-f0-9]{8})/g, needle: ['glc_', 'glsa_'], prefix: /^gl(?:c|sa)_/ },
  { provider: 'A Mapbox secret token', regex: /\bsk\.eyJ[A-Za-z0-9_-]{60,}\.[A-Za-z0-9_-]{20,}/g, needle: ['sk.eyJ'], prefix: /^sk\.eyJ/ },
  { provider: 'A Linear API key', regex: /\blin_api_[A-Za-z0-9]{40}\b/g, needle: ['lin_api_'], prefix: /^lin_api_/ },
  { provider: 'A Doppler token', regex: /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}\b/g, needle: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.'], prefix: /^dp\.\w+\./ },
  // Keys
  { provider: 'An age secret key', regex: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g, needle: ['AGE-SECRET-KEY-1'], prefix: /^AGE-SECRET-KEY-1/ },
  {
    provider: 'A private key',
    regex: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:\\[nr]|\s)*[A-Za-z0-9+/=\s\\]{40,}/g,
    needle: ['PRIVATE KEY'],
  },
];

/** Every needle of every format, for `files.ofKind(kind, { containing })`. */
export const SECRET_FORMAT_NEEDLES = [...new Set(SECRET_FORMATS.flatMap((f) => f.needle))];
/** One pattern matching any format: a quick test before trying each. */
export const ANY_SECRET_FORMAT = new RegExp(SECRET_FORMATS.map((f) => f.regex.source).join('|'));

/** Bits of entropy per character (Shannon). Random keys score above 3; words, repeats and `xxxx…` below. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Whether a match of a known format is a working key rather than a documentation sample or a
 * placeholder: no `EXAMPLE`/`xxxxxx`/`your…here`/`dummy`, and a random-looking body.
 */
export function isUsableSecret(match: string, format: SecretFormat): boolean {
  if (format.provider === 'A private key') return true;
  const body = format.prefix ? match.replace(format.prefix, '') : match;
  if (/EXAMPLE|x{6,}|X{6,}|0{8,}|your|here|dummy|fake|test|sample/i.test(body)) return false;
  return shannonEntropy(body) >= 3.0;
}
