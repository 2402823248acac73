/**
 * CVSS vectors (2.0, 3.0, 3.1, 4.0) → base score, through `ae-cvss-calculator` (the only importer).
 * CVSS 4.0 scores come from FIRST's macro-vector lookup tables, which the library carries.
 */
import cvss from 'ae-cvss-calculator';

/** The base score (0–10) of a CVSS vector string, or undefined when it does not parse. */
export function cvssBaseScore(vector: string): number | undefined {
  try {
    const parsed = (cvss as { fromVector(v: string): { calculateScores(): { base?: number; overall?: number } } | undefined }).fromVector(vector.trim());
    const scores = parsed?.calculateScores();
    const score = scores?.base ?? scores?.overall;
    return typeof score === 'number' && Number.isFinite(score) ? score : undefined;
  } catch {
    return undefined;
  }
}
