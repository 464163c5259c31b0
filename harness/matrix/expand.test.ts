import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expand, type LiveCluster } from './expand.ts';
import { loadScenarios } from './load-scenarios.ts';

/** The seed's cluster: a master, two workers, two pods per worker, the echo host. */
const seed: LiveCluster = {
  nodes: [
    { name: 'my-k8s-master', role: 'control-plane', ip: '10.0.0.2', addresses: ['10.0.0.2'] },
    { name: 'my-k8s-worker-1', role: 'worker', ip: '10.0.0.3', addresses: ['10.0.0.3', '200.200.1.1'] },
    { name: 'my-k8s-worker-2', role: 'worker', ip: '10.0.0.4', addresses: ['10.0.0.4', '200.200.2.1'] },
  ],
  pods: [
    { name: 'pod-1', node: 'my-k8s-worker-1', ip: '200.200.1.2' },
    { name: 'pod-2', node: 'my-k8s-worker-2', ip: '200.200.2.2' },
    { name: 'pod-3', node: 'my-k8s-worker-1', ip: '200.200.1.3' },
    { name: 'pod-4', node: 'my-k8s-worker-2', ip: '200.200.2.3' },
  ],
  outside: { name: 'echo.nmap.org', ip: '198.51.100.10' },
};
const scenarios = loadScenarios(resolve(import.meta.dirname, '../../scenarios'));

describe('expand', () => {
  it('gives stable ids and the expected source per cell', () => {
    const cells = expand(scenarios, seed);
    const byId = new Map(cells.map((c) => [c.id, c]));
    expect(byId.get('pod-to-pod/other-node/pod-1->pod-2/tcp-80')).toMatchObject({ source: { ip: '200.200.1.2' }, destination: { ip: '200.200.2.2' }, expectedSources: ['200.200.1.2'] });
    expect(byId.get('pod-to-outside/echo-host/pod-1->echo.nmap.org/icmp')?.expectedSources).toEqual(['10.0.0.3']);
    expect(byId.get('node-to-pod/same-node/my-k8s-worker-1->pod-3/udp-53')?.expectedSources).toEqual(['10.0.0.3', '200.200.1.1']);
    expect(byId.get('node-to-pod/other-node/my-k8s-master->pod-2/tcp-80')?.expectedSources).toEqual(['10.0.0.2']);
    expect(byId.get('pod-to-node/own-node/pod-4->my-k8s-worker-2/icmp')?.expectedSources).toEqual(['200.200.2.3']);
    expect(cells.filter((c) => c.skipped)).toEqual([]);
    // Per protocol: 4 pods x (1 same + 2 other), 4 to the outside, 2x2 same-node + (4+2+2) other-node from nodes, 4 x (1 own + 2 other).
    expect(cells).toHaveLength(3 * (12 + 4 + 12 + 12));
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
  });

  it('never pairs a source with itself', () => {
    for (const c of expand(scenarios, seed)) expect(`${c.source.kind}/${c.source.name}`).not.toBe(`${c.destination.kind}/${c.destination.name}`);
  });

  it('skips, with a reason, what this cluster cannot run', () => {
    const onePodPerNode: LiveCluster = { ...seed, pods: seed.pods.slice(0, 2), outside: undefined };
    const cells = expand(scenarios, onePodPerNode);
    expect(cells.find((c) => c.id === 'pod-to-pod/same-node/pod-1->(none)/tcp-80')?.skipped).toBe('no pod to probe on my-k8s-worker-1');
    expect(cells.find((c) => c.id === 'pod-to-outside/echo-host/pod-2->(none)/icmp')?.skipped).toBe('this cluster has no echo host outside it');
    const noPods = expand(scenarios, { ...seed, pods: [] });
    expect(noPods.find((c) => c.id === 'pod-to-pod/other-node/(none)->(none)/udp-53')?.skipped).toBe('no pod to probe from');
  });
});
