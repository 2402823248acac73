/**
 * Helpers the compound rules share: a compound finding is at least as severe as its most severe
 * part, and each link of its chain is shown as a related location with a note saying what it adds.
 */
import type { Finding, Location } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The rule's severity, raised to the most severe open part's. */
export function compoundSeverity(base: Severity, parts: readonly Finding[]): Severity {
  return parts.reduce<Severity>((worst, p) => (ORDER.indexOf(p.severity) < ORDER.indexOf(worst) ? p.severity : worst), base);
}

/** A part's location as a chain link: `{ …location, note }` ("1. `.env` is committed …"). */
export function linkOf(finding: Finding, note: string): Location {
  return { ...finding.location, note };
}

/** Findings of one rule (and message ids, when given) that ctx.findings holds. */
export function findingsOf(findings: readonly Finding[], ruleId: string, messageIds?: string[]): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId && (!messageIds || messageIds.includes(f.messageId)));
}

/** Number the chain's notes in order, so the evidence reads as a path: "1 …", "2 …". */
export function numberLinks(links: Location[]): Location[] {
  return links.map((l, i) => ({ ...l, note: `${i + 1}. ${l.note ?? ''}`.trim() }));
}
