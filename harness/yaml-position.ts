import type { Document, LineCounter } from 'yaml';

/**
 * `file:line:col` of the value at `path` in a parsed YAML document, or of its nearest parent
 * that the file has (a missing field points at the map it is missing from), for error messages.
 */
export function yamlPosition(doc: Document, lines: LineCounter, file: string, path: (string | number)[]): string {
  let node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
  for (let p = path.slice(0, -1); !node?.range && p.length >= 0; p = p.slice(0, -1)) {
    node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as typeof node;
    if (p.length === 0) break;
  }
  return offsetPosition(lines, file, node?.range?.[0] ?? 0);
}

export function offsetPosition(lines: LineCounter, file: string, offset: number): string {
  const pos = lines.linePos(offset);
  return `${file}:${pos.line}:${pos.col}`;
}
