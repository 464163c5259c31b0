import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenarios, parseScenario } from './load-scenarios.ts';

const problems = (text: string): string[] => {
  try {
    parseScenario(text, 'x.yaml');
  } catch (err) {
    return (err as ScenarioError).problems;
  }
  return [];
};

describe('scenario files', () => {
  it('loads the shipped scenarios', () => {
    const scenarios = loadScenarios(resolve(import.meta.dirname, '../../scenarios'));
    expect(scenarios.map((s) => s.name)).toEqual(['node-to-pod', 'pod-to-node', 'pod-to-outside', 'pod-to-pod']);
    const other = scenarios.find((s) => s.name === 'pod-to-pod')!.checks[1]!;
    expect(other).toMatchObject({
      name: 'other-node',
      from: { kind: 'pod' },
      to: { kind: 'pod', placement: 'other-node' },
      protocols: [{ name: 'tcp', port: 80 }, { name: 'udp', port: 53 }, { name: 'icmp' }],
      expect: { reach: true, source: 'client-pod-ip' },
    });
  });

  it('names file, line and column of a bad value', () => {
    const text = ['name: p', 'description: d', 'checks:', '  - name: c', '    from: pod', '    to: { kind: pod, placement: next-node }', '    protocols: [tcp/80]', '    expect: { reach: true, source: client-pod-ip }'].join('\n');
    expect(problems(text)).toEqual(['x.yaml:6:33: checks.0.to.placement: must be one of same-node, other-node, any, got "next-node"']);
  });

  it('collects every problem at once', () => {
    const text = ['name: Bad Name', 'description: d', 'colour: red', 'checks:', '  - name: c', '    from: cluster', '    to: outside', '    protocols: [tcp/99999, sctp/1]', '    expect: { reach: true }'].join('\n');
    expect(problems(text)).toEqual([
      'x.yaml:3:1: colour: unknown key "colour" (allowed: name, description, protocols, checks)',
      'x.yaml:1:7: name: "Bad Name" must be lower-case letters, digits and "-" (it starts every cell id)',
      'x.yaml:6:11: checks.0.from: must be one of pod, node, got "cluster"',
      'x.yaml:8:17: checks.0.protocols.0: port 99999 is out of range 1-65535',
      'x.yaml:8:28: checks.0.protocols.1: must be tcp/PORT, udp/PORT or icmp, got "sctp/1"',
      'x.yaml:9:13: checks.0.expect.source: is required when reach is true: one of client-pod-ip, client-node-ip, client-node-any-address',
    ]);
  });

  it('refuses a source class on an unreachable expectation, and duplicate check names', () => {
    const text = ['name: p', 'description: d', 'protocols: [icmp]', 'checks:', '  - { name: c, from: pod, to: outside, expect: { reach: false, source: client-pod-ip } }', '  - { name: c, from: pod, to: outside, expect: { reach: false } }'].join('\n');
    expect(problems(text)).toEqual([
      'x.yaml:5:72: checks.0.expect.source: makes no sense when reach is false: remove it',
      'x.yaml:6:13: checks.1.name: duplicate check name "c"',
    ]);
  });

  it('reports broken YAML with its position', () => {
    expect(problems('name: [unclosed')[0]).toMatch(/^x\.yaml:1:\d+: YAML: /);
  });
});
