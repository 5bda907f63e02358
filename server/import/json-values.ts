/**
 * Splits text holding JSON values one after another (kubectl's `get -w -o json` prints pretty objects
 * back to back; raw watches print one per line) into the text of each top-level value, with the line it
 * starts on. Text between values that is not whitespace is reported as garbage, not thrown.
 */
export interface JsonChunk {
  line: number;
  text: string;
}

export interface SplitResult {
  chunks: JsonChunk[];
  garbage: Array<{ line: number; text: string }>;
  /** A value that never closed (a file cut off mid-write). */
  truncated?: { line: number };
}

export function splitJsonValues(input: string): SplitResult {
  const chunks: JsonChunk[] = [];
  const garbage: SplitResult['garbage'] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let startLine = 1;
  let line = 1;
  let junkStart = -1;
  let junkLine = 1;
  const flushJunk = (end: number) => {
    if (junkStart < 0) return;
    const text = input.slice(junkStart, end).trim();
    if (text) garbage.push({ line: junkLine, text: text.slice(0, 200) });
    junkStart = -1;
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input.charCodeAt(i);
    if (ch === 10) line++;
    if (depth > 0) {
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === 92) escaped = true;
        else if (ch === 34) inString = false;
        continue;
      }
      if (ch === 34) inString = true;
      else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) chunks.push({ line: startLine, text: input.slice(start, i + 1) });
      }
      continue;
    }
    if (ch === 123 || ch === 91) {
      flushJunk(i);
      depth = 1;
      start = i;
      startLine = line;
    } else if (ch !== 32 && ch !== 10 && ch !== 13 && ch !== 9 && junkStart < 0) {
      junkStart = i;
      junkLine = line;
    } else if (ch === 10) flushJunk(i);
  }
  flushJunk(input.length);
  return depth > 0 ? { chunks, garbage, truncated: { line: startLine } } : { chunks, garbage };
}
