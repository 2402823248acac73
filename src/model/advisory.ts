/**
 * Security advisories in the Open Source Vulnerability format (https://ossf.github.io/osv-schema/),
 * as osv.dev exports them and as its API returns them. Only the fields shipgate reads are typed;
 * records are kept as loaded.
 */

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  severity?: OsvSeverity[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | string;
  score: string;
}

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  /** Set when the advisory was retracted: it must not be reported. */
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/** Where the advisories of this audit came from, and what went wrong getting them. */
export interface AdvisorySource {
  /** `osv-db`: a folder given with --osv-db; `osv-api`: the OSV query API (--online); `none`: neither was asked for. */
  kind: 'osv-db' | 'osv-api' | 'none';
  /** The folder, the API URL, or why nothing was consulted. */
  detail: string;
  /** Set when the source was asked for but could not be read (timeout, bad records): the Known Vulnerabilities row is UNKNOWN. */
  error?: string;
  /** How many package versions were checked against it. */
  checked?: number;
}

export interface AdvisoryData {
  source: AdvisorySource;
  /** Records that name at least one package of this repository (withdrawn ones included; matching skips them). */
  records: OsvRecord[];
}
