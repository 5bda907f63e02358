import { describe, expect, it } from 'vitest';
import { splitJsonValues } from './json-values';

describe('splitJsonValues', () => {
  it('splits pretty-printed objects printed back to back', () => {
    const text = '{\n  "a": "}{",\n  "b": [1, {"c": "\\"x"}]\n}\n{\n  "d": 2\n}\n';
    const { chunks, garbage } = splitJsonValues(text);
    expect(chunks.map((c) => [c.line, JSON.parse(c.text)])).toEqual([
      [1, { a: '}{', b: [1, { c: '"x' }] }],
      [5, { d: 2 }],
    ]);
    expect(garbage).toEqual([]);
  });

  it('splits one object a line and reports junk and a cut-off tail with line numbers', () => {
    const text = '{"type":"ADDED"}\nnot json here\n{"type":"MODIFIED"}\n{"type":"DEL';
    const result = splitJsonValues(text);
    expect(result.chunks.map((c) => c.line)).toEqual([1, 3]);
    expect(result.garbage).toEqual([{ line: 2, text: 'not json here' }]);
    expect(result.truncated).toEqual({ line: 4 });
  });
});
