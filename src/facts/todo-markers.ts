/**
 * TODO / FIXME / XXX / HACK / placeholder markers in the comments of shipped code, counted for the
 * metrics. (Comments only: a string that says "TODO" is data.)
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import { handWrittenSources } from './code-structure.ts';

export interface TodoMarker {
  marker: string;
  text: string;
  at: Location;
}

const MARKER = /\b(TODO|FIXME|XXX|HACK|placeholder)\b/i;
const MARKERS = /\b(TODO|FIXME|XXX|HACK|placeholder)\b/gi;
const PY_COMMENT = /(^|\s)#(.*)$/;
const JS_COMMENT = /(^|\s)(\/\/|\/\*|\*)(.*)$/;
const cache = new WeakMap<ParsedFiles, TodoMarker[]>();

export function todoMarkers(files: ParsedFiles): TodoMarker[] {
  const cached = cache.get(files);
  if (cached) return cached;
  const out: TodoMarker[] = [];
  for (const file of handWrittenSources(files)) {
    if (!MARKER.test(file.text)) continue;
    const comment = file.kind === 'python' ? PY_COMMENT : JS_COMMENT;
    for (let n = 1; n <= file.lineCount; n++) {
      const line = file.line(n);
      if (!MARKER.test(line)) continue;
      const text = comment.exec(line)?.at(-1);
      // `XXX` in upper case only: `xxx` is a placeholder value, not a marker.
      const marker = text ? [...text.matchAll(MARKERS)].map((m) => m[1]).find((m) => m.toUpperCase() !== 'XXX' || m === 'XXX') : undefined;
      if (!text || !marker) continue;
      out.push({ marker: marker.toUpperCase() === 'PLACEHOLDER' ? 'placeholder' : marker.toUpperCase(), text: text.trim().slice(0, 120), at: file.locateLines(n) });
    }
  }
  cache.set(files, out);
  return out;
}
