import type { EnvEntry } from '../model/parsed-file.ts';

/**
 * dotenv syntax: `KEY=value`, optional `export `, quotes, `#` comments. Written here rather than
 * taken from `dotenv` because findings need each entry's line number, which dotenv.parse drops.
 */
export function parseEnvFile(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(lines[i]);
    if (!match) continue;
    entries.push({ key: match[1], value: unquote(match[2]), line: i + 1 });
  }
  return entries;
}

function unquote(raw: string): string {
  const value = raw.trim();
  const quote = value[0];
  if ((quote === '"' || quote === "'" || quote === '`') && value.length > 1) {
    const end = value.indexOf(quote, 1);
    if (end > 0) return value.slice(1, end);
  }
  const comment = value.search(/\s+#/);
  return (comment >= 0 ? value.slice(0, comment) : value).trim();
}
