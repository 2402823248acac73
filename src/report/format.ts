import type { RouteControl } from '../model/audit-report.ts';
import type { Location } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function formatLocation(location: Location): string {
  if (!location.startLine) return location.file;
  return location.endLine && location.endLine !== location.startLine
    ? `${location.file}:${location.startLine}-${location.endLine}`
    : `${location.file}:${location.startLine}`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : pluralWord}`;
}

export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  return `${Math.round(hours * 10) / 10} h`;
}

/** Code-fence language for a file path. */
export function fenceFor(file: string): string {
  if (file.endsWith('.py')) return 'python';
  if (/\.[cm]?tsx?$/.test(file)) return 'ts';
  if (/\.[cm]?jsx?$/.test(file)) return 'js';
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (file.endsWith('.json')) return 'json';
  if (/(^|\/)dockerfile/i.test(file)) return 'dockerfile';
  if (/(^|\/)\.env/.test(file)) return 'dotenv';
  return '';
}

/** Columns of the route control matrix, in report order, with their short labels. */
export const ROUTE_CONTROL_COLUMNS: { key: RouteControl; label: string }[] = [
  { key: 'authentication', label: 'Auth' },
  { key: 'authorization', label: 'Authz' },
  { key: 'inputSchema', label: 'Schema' },
  { key: 'rateLimit', label: 'Rate limit' },
  { key: 'csrf', label: 'CSRF' },
  { key: 'auditLog', label: 'Audit log' },
  { key: 'uploadLimit', label: 'Upload limit' },
];

const AREA_ORDER = ['security', 'infrastructure', 'testing', 'dependencies', 'compliance', 'concurrency', 'data-model', 'completeness', 'code-health', 'documentation'];

/** Scorecard areas in the order of the reference audits (security, infrastructure, …), unknown areas last by name. */
export function orderedAreas<T>(scorecards: Record<string, T>): [string, T][] {
  const rank = (area: string) => {
    const i = AREA_ORDER.indexOf(area);
    return i === -1 ? AREA_ORDER.length : i;
  };
  return Object.entries(scorecards).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
