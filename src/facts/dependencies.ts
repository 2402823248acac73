import type { Dependency } from '../model/repo-index.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';

/** Dependencies declared in package.json, requirements*.txt and pyproject.toml (PEP 621 / Poetry, read line-wise). */
export function extractDependencies(files: ParsedFiles): Dependency[] {
  const out: Dependency[] = [];
  for (const file of files.ofKind('json')) {
    if (!/(^|\/)package\.json$/.test(file.path)) continue;
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(file.text) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [section, dev] of [
      ['dependencies', false],
      ['devDependencies', true],
      ['peerDependencies', false],
      ['optionalDependencies', false],
    ] as const) {
      const deps = manifest[section];
      if (!deps || typeof deps !== 'object') continue;
      for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
        const line = lineOfText(file.text, `"${name}"`);
        out.push({ ecosystem: 'npm', name, spec: String(spec), manifest: file.path, line, dev });
      }
    }
  }
  for (const file of files.ofKind('requirements')) {
    const lines = file.text.split('\n');
    lines.forEach((raw, i) => {
      const text = raw.replace(/#.*/, '').trim();
      if (!text || text.startsWith('-')) return;
      const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/.exec(text);
      if (match) out.push({ ecosystem: 'pypi', name: normalisePypi(match[1]), spec: match[3].split(';')[0].trim(), manifest: file.path, line: i + 1, dev: /dev|test/.test(file.path) });
    });
  }
  for (const file of files.ofKind('toml')) {
    if (!/(^|\/)pyproject\.toml$/.test(file.path)) continue;
    const lines = file.text.split('\n');
    let section = '';
    let inArray = false;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const header = /^\[([^\]]+)\]$/.exec(line);
      if (header) {
        section = header[1];
        inArray = false;
        return;
      }
      if (section === 'project' && /^dependencies\s*=\s*\[/.test(line)) inArray = !line.includes(']');
      const pep621 = (section === 'project' && (inArray || /^dependencies\s*=/.test(line))) || section.startsWith('project.optional-dependencies');
      if (pep621) {
        for (const m of line.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^"';]*)/g))
          out.push({ ecosystem: 'pypi', name: normalisePypi(m[1]), spec: m[3].trim(), manifest: file.path, line: i + 1, dev: section.includes('optional') });
        if (line.includes(']')) inArray = false;
        return;
      }
      if (/^tool\.poetry\.(dev-)?dependencies$|^tool\.poetry\.group\.[^.]+\.dependencies$/.test(section)) {
        const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(.*)$/.exec(line);
        if (m && m[1] !== 'python')
          out.push({ ecosystem: 'pypi', name: normalisePypi(m[1]), spec: m[2].replace(/["']/g, ''), manifest: file.path, line: i + 1, dev: section !== 'tool.poetry.dependencies' });
      }
    });
  }
  return out;
}

function normalisePypi(name: string): string {
  return name.toLowerCase().replace(/[._]/g, '-');
}

function lineOfText(text: string, needle: string): number | undefined {
  const index = text.indexOf(needle);
  if (index < 0) return undefined;
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
