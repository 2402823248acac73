/**
 * Labels of a secret-detection corpus, one per candidate line: our own sidecar
 * (`fixtures/secret-corpus/labels.csv`) and the metadata CSVs of Samsung's CredData
 * (`meta/*.csv`), which share the column names this reader looks for:
 *
 *   FilePath, LineStart, LineEnd (or the older `LineStart:LineEnd`), GroundTruth (T/F/X or
 *   True/False/Template), Category; `Kind` is ours (what exactly the line holds).
 *
 * Template labels (placeholders) count as negatives: a scanner should not report them.
 */
export interface SecretLabel {
  /** Path relative to the corpus root, `/` separators. */
  file: string;
  lineStart: number;
  lineEnd: number;
  /** T: a real secret; F: a look-alike; X: a template/placeholder (negative). */
  truth: 'T' | 'F' | 'X';
  category: string;
  kind: string;
}

/** RFC 4180 fields of one CSV text (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function truthOf(raw: string): SecretLabel['truth'] | undefined {
  const v = raw.trim().toLowerCase();
  if (v === 't' || v === 'true') return 'T';
  if (v === 'f' || v === 'false') return 'F';
  if (v === 'x' || v === 'template') return 'X';
  return undefined;
}

/** Labels of one CSV file (our sidecar or a CredData meta file); rows it cannot read are skipped. */
export function parseLabelsCsv(text: string): SecretLabel[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const col = (name: string) => header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
  const file = col('FilePath');
  const start = col('LineStart');
  const end = col('LineEnd');
  const both = col('LineStart:LineEnd');
  const truth = col('GroundTruth');
  const category = col('Category');
  const kind = col('Kind');
  if (file < 0 || truth < 0 || (start < 0 && both < 0)) throw new Error('labels CSV needs the columns FilePath, GroundTruth and LineStart (or LineStart:LineEnd)');
  const out: SecretLabel[] = [];
  for (const r of rows) {
    const t = truthOf(r[truth] ?? '');
    let lineStart: number;
    let lineEnd: number;
    if (start >= 0) {
      lineStart = Number(r[start]);
      lineEnd = end >= 0 && r[end] ? Number(r[end]) : lineStart;
    } else {
      const [s, e] = (r[both] ?? '').split(':').map(Number);
      lineStart = s;
      lineEnd = e ?? s;
    }
    if (!t || !r[file] || !Number.isInteger(lineStart) || lineStart < 1) continue;
    out.push({
      file: r[file].replace(/\\/g, '/').replace(/^\.\//, ''),
      lineStart,
      lineEnd: Number.isInteger(lineEnd) && lineEnd >= lineStart ? lineEnd : lineStart,
      truth: t,
      category: category >= 0 ? (r[category] ?? '').trim() : '',
      kind: kind >= 0 ? (r[kind] ?? '').trim() : '',
    });
  }
  return out;
}

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatLabelsCsv(labels: SecretLabel[]): string {
  const header = ['Id', 'FilePath', 'LineStart', 'LineEnd', 'GroundTruth', 'Category', 'Kind'];
  const rows = labels.map((l, i) => [i + 1, l.file, l.lineStart, l.lineEnd, l.truth, l.category, l.kind].map(csvField).join(','));
  return `${[header.join(','), ...rows].join('\n')}\n`;
}
