import { createHash } from 'node:crypto';

/** `sk-proj-AbCd…` → `sk-p…[redacted sha256:1a2b3c4d]`: enough to find it, not enough to use it. */
export function redactedForm(secret: string): string {
  const keep = secret.length >= 16 ? 4 : secret.length >= 8 ? 2 : 0;
  const hash = createHash('sha256').update(secret).digest('hex').slice(0, 8);
  return `${secret.slice(0, keep)}…[redacted sha256:${hash}]`;
}

/**
 * Values shorter than this are not redacted globally: a weak default such as `admin` is not a
 * secret worth hiding, and replacing it everywhere would mangle paths and prose in the report.
 */
export const MIN_REDACTED_LENGTH = 8;

/** Replace every occurrence of every secret in a string. Longest first, so a secret that contains another is caught whole. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_REDACTED_LENGTH && out.includes(secret)) out = out.split(secret).join(redactedForm(secret));
  return out;
}

/** Deep-redact every string in a JSON-like value. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (!secrets.length) return value;
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, sorted);
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}
