import { isMap, type Document, type LineCounter } from 'yaml';

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

export type YamlPath = (string | number)[];

/**
 * What the scenario and inventory readers share: a parsed document, positions for its paths, and
 * the problems found so far (each reader words its own problems).
 */
export class YamlReader {
  readonly problems: string[] = [];
  constructor(
    protected readonly doc: Document,
    protected readonly lines: LineCounter,
    protected readonly file: string,
  ) {}

  where(path: YamlPath): string {
    return yamlPosition(this.doc, this.lines, this.file, path);
  }

  at(offset: number): string {
    return offsetPosition(this.lines, this.file, offset);
  }

  get(path: YamlPath): unknown {
    return this.doc.getIn(path);
  }

  isMapAt(path: YamlPath): boolean {
    return isMap(path.length ? this.doc.getIn(path, true) : this.doc.contents);
  }

  /** The keys of the map at `path` that are not in `allowed`, each with its offset in the file. */
  unknownKeys(path: YamlPath, allowed: readonly string[]): { key: string; offset?: number }[] {
    const node = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    if (!isMap(node)) return [];
    return node.items.flatMap((item) => {
      const keyNode = item.key as { value?: unknown; range?: [number, number] };
      const key = String(keyNode?.value ?? item.key);
      return allowed.includes(key) ? [] : [{ key, offset: keyNode?.range?.[0] }];
    });
  }
}
