import { z } from 'zod';

const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const ruleSetting = z.union([z.literal('off'), severity, z.strictObject({ severity: severity.optional() })]);

export const configSchema = z.strictObject({
  /** Per rule: 'off', a severity, or { severity }. Keys are rule ids. */
  rules: z.record(z.string(), ruleSetting).default({}),
  /** Extra paths to leave out, in .gitignore syntax. */
  ignore: z.array(z.string()).default([]),
  /** Files larger than this many kilobytes are skipped (default 1024; see `fileSizeLimits`). */
  maxFileSizeKb: z.number().int().positive().optional(),
  /**
   * The same limit for Python and JS/TS source files: `maxFileSizeKb` when that is set, else 8192 —
   * a 100,000-line `server.py` is exactly what an audit must read (minified bundles are still
   * skipped by their line length).
   */
  maxSourceFileSizeKb: z.number().int().positive().optional(),
  /**
   * Scan every commit of every branch for known-format secrets: true, false, or 'auto' (only when
   * the repository has at most `gitHistoryAutoLimit` commits, so big histories do not slow every run).
   */
  gitHistory: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  gitHistoryAutoLimit: z.number().int().nonnegative().default(5000),
  /** Compliance profile whose checks run (HIPAA or GDPR); --profile overrides it. Without one, shipgate suggests a profile when the code handles health or personal data. */
  profile: z.enum(['hipaa', 'gdpr']).optional(),
  /** Folder of OSV advisory records (an unpacked osv.dev export), relative to the audited repository; --osv-db overrides it. */
  osvDb: z.string().min(1).optional(),
  /** Default for --fail-on. */
  failOn: z.enum(['critical', 'high', 'medium', 'low', 'none']).optional(),
  /** Keep `.shipgate/history.jsonl` in the audited repository, so each audit reports progress since the last (`--no-history` for one run). */
  history: z.boolean().default(true),
  /** Audits the history keeps; the oldest go first. */
  historyLimit: z.number().int().positive().default(100),
});

/**
 * What each key accepts, in the words of the error message: a config error names the key and
 * this (test/config.test.ts checks every key has one).
 */
export const CONFIG_EXPECTED: Record<keyof ShipgateConfig, string> = {
  rules: 'a mapping from rule id to "off", a severity (critical, high, medium, low, info) or { "severity": … }',
  ignore: 'a list of paths or globs in .gitignore syntax, e.g. ["scripts/**", "legacy/"]',
  maxFileSizeKb: 'a whole number of kilobytes, at least 1 (default 1024)',
  maxSourceFileSizeKb: 'a whole number of kilobytes, at least 1 (default: maxFileSizeKb when set, else 8192)',
  gitHistory: 'true, false or "auto" (default "auto")',
  gitHistoryAutoLimit: 'a whole number of commits, 0 or more (default 5000)',
  failOn: 'one of critical, high, medium, low, none',
  profile: '"hipaa" or "gdpr"',
  osvDb: 'a folder of OSV advisory records, relative to the audited repository (e.g. "vendor/osv")',
  history: 'true or false (default true)',
  historyLimit: 'a whole number of audits, at least 1 (default 100)',
};

export type ShipgateConfig = z.infer<typeof configSchema>;
export const defaultConfig = (): ShipgateConfig => configSchema.parse({});

/** Size limits in bytes: every file, and Python / JS/TS source files (which follow `maxFileSizeKb` unless they have their own). */
export function fileSizeLimits(config: Pick<ShipgateConfig, 'maxFileSizeKb' | 'maxSourceFileSizeKb'>): { maxFileBytes: number; maxSourceFileBytes: number } {
  return {
    maxFileBytes: (config.maxFileSizeKb ?? 1024) * 1024,
    maxSourceFileBytes: (config.maxSourceFileSizeKb ?? config.maxFileSizeKb ?? 8192) * 1024,
  };
}
