import { createHash } from 'node:crypto';

/**
 * Raised whenever `fingerprintOf` changes what it hashes: history records and baselines made with
 * another scheme cannot be compared finding by finding (progress says so instead of reporting
 * everything as fixed and new).
 */
export const FINGERPRINT_VERSION = 1;

/**
 * A finding's identity: rule, file, the normalised text of the flagged lines and which
 * occurrence of that text it is. Line numbers are left out on purpose so that editing
 * unrelated code above a finding does not give it a new identity.
 */
export function fingerprintOf(ruleId: string, file: string, snippet: string, keyPath: (string | number)[] | undefined, occurrence: number): string {
  const normalised = keyPath?.length ? keyPath.join('.') : snippet.replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(`${ruleId}\0${file}\0${normalised}\0${occurrence}`).digest('hex').slice(0, 16);
}
