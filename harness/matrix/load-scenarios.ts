import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import { YamlReader, type YamlPath } from '../yaml-position.ts';
import { PLACEMENTS, ROLES, SOURCE_CLASSES, type Check, type Destination, type Protocol, type Scenario, type Source } from './scenario.ts';

/** A scenario file that does not match the schema; every problem with file:line:column. */
export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid scenario file${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}\n(the schema: scenarios/README.md)`);
    this.name = 'ScenarioError';
  }
}

type Path = YamlPath;

/** Validates one scenario document, collecting every problem instead of stopping at the first. */
class Reader extends YamlReader {
  fail(path: Path, msg: string, offset?: number): undefined {
    const at = offset === undefined ? this.where(path) : this.at(offset);
    this.problems.push(`${at}: ${path.join('.') || '(top)'}: ${msg}`);
    return undefined;
  }

  string(path: Path, required = true): string | undefined {
    const v = this.get(path);
    if (v === undefined && !required) return undefined;
    return typeof v === 'string' && v !== '' ? v : this.fail(path, `must be a non-empty string, got ${JSON.stringify(v)}`);
  }

  oneOf<T extends string>(path: Path, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.get(path);
    if (v === undefined && fallback !== undefined) return fallback;
    return allowed.includes(v as T) ? (v as T) : this.fail(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }

  keys(path: Path, allowed: string[]): void {
    for (const { key, offset } of this.unknownKeys(path, allowed)) {
      this.fail([...path, key], `unknown key "${key}" (allowed: ${allowed.join(', ')})`, offset);
    }
  }
}

function readSource(r: Reader, path: Path): Source | undefined {
  if (typeof r.get(path) === 'string') return { kind: r.oneOf(path, ['pod', 'node'] as const)! };
  r.keys(path, ['kind', 'role']);
  const kind = r.oneOf([...path, 'kind'], ['pod', 'node'] as const);
  const role = r.get([...path, 'role']) === undefined ? undefined : r.oneOf([...path, 'role'], ROLES);
  return kind ? { kind, ...(role ? { role } : {}) } : undefined;
}

function readDestination(r: Reader, path: Path): Destination | undefined {
  if (typeof r.get(path) === 'string') return { kind: r.oneOf(path, ['pod', 'node', 'outside'] as const)!, placement: 'any' };
  r.keys(path, ['kind', 'placement']);
  const kind = r.oneOf([...path, 'kind'], ['pod', 'node', 'outside'] as const);
  const placement = r.oneOf([...path, 'placement'], PLACEMENTS, 'any');
  if (kind === 'outside' && placement !== 'any') r.fail([...path, 'placement'], 'the outside world has no placement: leave it out');
  return kind && placement ? { kind, placement } : undefined;
}

function readProtocols(r: Reader, path: Path): Protocol[] | undefined {
  const list = r.get(path);
  if (!Array.isArray(list) && !isSeq(list)) return r.fail(path, 'must be a list such as [tcp/80, udp/53, icmp]');
  const items = (isSeq(list) ? list.items.map((i) => (i as { value?: unknown }).value) : list) as unknown[];
  const out: Protocol[] = [];
  items.forEach((item, i) => {
    const m = typeof item === 'string' ? /^(tcp|udp)\/(\d{1,5})$|^(icmp)$/.exec(item) : null;
    if (!m) return r.fail([...path, i], `must be tcp/PORT, udp/PORT or icmp, got ${JSON.stringify(item)}`);
    if (m[3]) out.push({ name: 'icmp' });
    else if (Number(m[2]) < 1 || Number(m[2]) > 65535) r.fail([...path, i], `port ${m[2]} is out of range 1-65535`);
    else out.push({ name: m[1] as 'tcp' | 'udp', port: Number(m[2]) });
  });
  if (items.length === 0) r.fail(path, 'must list at least one protocol');
  return out;
}

function readCheck(r: Reader, i: number, defaults: Protocol[] | undefined): Check | undefined {
  const path = ['checks', i];
  r.keys(path, ['name', 'from', 'to', 'protocols', 'expect', 'why']);
  const name = r.string([...path, 'name']);
  if (name && !/^[a-z0-9][a-z0-9-]*$/.test(name)) r.fail([...path, 'name'], `"${name}" must be lower-case letters, digits and "-" (it is part of every cell id)`);
  const from = readSource(r, [...path, 'from']);
  const to = readDestination(r, [...path, 'to']);
  const protocols = r.get([...path, 'protocols']) === undefined ? defaults : readProtocols(r, [...path, 'protocols']);
  if (!protocols) r.fail(path, 'has no "protocols" and the scenario sets none');
  r.keys([...path, 'expect'], ['reach', 'source']);
  const reach = r.get([...path, 'expect', 'reach']);
  if (typeof reach !== 'boolean') r.fail([...path, 'expect', 'reach'], 'must be true or false');
  const source = r.get([...path, 'expect', 'source']) === undefined ? undefined : r.oneOf([...path, 'expect', 'source'], SOURCE_CLASSES);
  if (reach === true && !source) r.fail([...path, 'expect', 'source'], `is required when reach is true: one of ${SOURCE_CLASSES.join(', ')}`);
  if (reach === false && source) r.fail([...path, 'expect', 'source'], 'makes no sense when reach is false: remove it');
  const why = r.string([...path, 'why'], false);
  if (!name || !from || !to || !protocols || typeof reach !== 'boolean') return undefined;
  return { name, from, to, protocols, expect: { reach, ...(source ? { source } : {}) }, ...(why ? { why } : {}) };
}

/** Parses one scenario file's text; throws ScenarioError listing every problem. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: YAML: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const r = new Reader(doc, lines, file);
  if (!isMap(doc.contents)) throw new ScenarioError([`${file}:1:1: a scenario is a mapping with name, description and checks`]);
  r.keys([], ['name', 'description', 'protocols', 'checks']);
  const name = r.string(['name']);
  if (name && !/^[a-z0-9][a-z0-9-]*$/.test(name)) r.fail(['name'], `"${name}" must be lower-case letters, digits and "-" (it starts every cell id)`);
  const description = r.string(['description']);
  const defaults = r.get(['protocols']) === undefined ? undefined : readProtocols(r, ['protocols']);
  const checksNode = doc.get('checks', true);
  const checks: Check[] = [];
  if (!isSeq(checksNode) || checksNode.items.length === 0) r.fail(['checks'], 'must be a non-empty list of checks');
  else checksNode.items.forEach((_, i) => {
    const c = readCheck(r, i, defaults);
    if (c) checks.push(c);
  });
  const names = checks.map((c) => c.name);
  names.forEach((n, i) => names.indexOf(n) !== i && r.fail(['checks', i, 'name'], `duplicate check name "${n}"`));
  if (r.problems.length > 0) throw new ScenarioError(r.problems);
  return { name: name!, description: description!, file, checks };
}

/** Every scenarios/*.yaml, sorted by file name; duplicate scenario names are an error. */
export function loadScenarios(dir: string): Scenario[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const problems: string[] = [];
  const scenarios: Scenario[] = [];
  for (const f of files) {
    const path = join(dir, f);
    try {
      scenarios.push(parseScenario(readFileSync(path, 'utf8'), relative(process.cwd(), path)));
    } catch (err) {
      if (err instanceof ScenarioError) problems.push(...err.problems);
      else throw err;
    }
  }
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    if (seen.has(s.name)) problems.push(`${s.file}:1:1: scenario name "${s.name}" is also used by ${seen.get(s.name)}`);
    seen.set(s.name, s.file);
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return scenarios;
}
