/**
 * Finds which of many literal needles occur in a text in one pass (Aho–Corasick, compiled to a
 * dense ASCII transition table). The secret scan pre-filters every file and every line a commit
 * added with ~170 provider prefixes; `String.includes` per needle or one regex alternation costs
 * 10–50× more per megabyte than this loop.
 */
export class NeedleMatcher {
  private readonly next: Int32Array;
  /** For each state, the needle indexes that end there (its own and those of its suffix links). */
  private readonly outputs: number[][];
  /** 1 where a needle ends (the loop tests this byte instead of an array length). */
  private readonly terminal: Uint8Array;
  readonly needles: readonly string[];
  private readonly caseInsensitive: boolean;

  constructor(needles: readonly string[], options: { caseInsensitive?: boolean } = {}) {
    this.caseInsensitive = options.caseInsensitive ?? false;
    this.needles = needles;
    const goto: Map<number, number>[] = [new Map()];
    const outputs: number[][] = [[]];
    needles.forEach((raw, index) => {
      const needle = this.caseInsensitive ? raw.toLowerCase() : raw;
      let state = 0;
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i) & 127;
        let to = goto[state].get(c);
        if (to === undefined) {
          to = goto.length;
          goto.push(new Map());
          outputs.push([]);
          goto[state].set(c, to);
        }
        state = to;
      }
      outputs[state].push(index);
    });
    // Breadth-first: failure links, then the dense transition table.
    const fail = new Int32Array(goto.length);
    const next = new Int32Array(goto.length * 128);
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const to = goto[0].get(c);
      next[c] = to ?? 0;
      if (to !== undefined) queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      outputs[state] = [...new Set([...outputs[state], ...outputs[fail[state]]])];
      for (let c = 0; c < 128; c++) {
        const to = goto[state].get(c);
        if (to !== undefined) {
          fail[to] = next[fail[state] * 128 + c];
          next[state * 128 + c] = to;
          queue.push(to);
        } else next[state * 128 + c] = next[fail[state] * 128 + c];
      }
    }
    this.next = next;
    this.outputs = outputs;
    this.terminal = Uint8Array.from(outputs, (o) => (o.length ? 1 : 0));
  }

  /** Indexes of the needles found in `text` (each once). */
  found(text: string): Set<number> {
    const seen = new Set<number>();
    const { next, outputs, terminal } = this;
    const fold = this.caseInsensitive;
    const length = text.length;
    let state = 0;
    for (let i = 0; i < length; i++) {
      let c = text.charCodeAt(i);
      if (c > 127) c = 0;
      else if (fold && c >= 65 && c <= 90) c += 32;
      state = next[(state << 7) | c];
      if (terminal[state] === 1) for (const n of outputs[state]) seen.add(n);
    }
    return seen;
  }

  /** Every occurrence: the needle index and the offset just past its end, in text order. */
  matches(text: string): { needle: number; end: number }[] {
    const out: { needle: number; end: number }[] = [];
    const { next, outputs, terminal } = this;
    const fold = this.caseInsensitive;
    const length = text.length;
    let state = 0;
    for (let i = 0; i < length; i++) {
      let c = text.charCodeAt(i);
      if (c > 127) c = 0;
      else if (fold && c >= 65 && c <= 90) c += 32;
      state = next[(state << 7) | c];
      if (terminal[state] === 1) for (const n of outputs[state]) out.push({ needle: n, end: i + 1 });
    }
    return out;
  }

  /** Whether any needle occurs in `text`. */
  any(text: string): boolean {
    const { next, terminal } = this;
    const fold = this.caseInsensitive;
    const length = text.length;
    let state = 0;
    for (let i = 0; i < length; i++) {
      let c = text.charCodeAt(i);
      if (c > 127) c = 0;
      else if (fold && c >= 65 && c <= 90) c += 32;
      state = next[(state << 7) | c];
      if (terminal[state] === 1) return true;
    }
    return false;
  }
}
