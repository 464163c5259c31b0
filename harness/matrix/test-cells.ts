import type { Cell } from './expand.ts';

/** A pod-to-pod cell for unit tests, with any field overridden. */
export function cellFor(patch: Partial<Cell>): Cell {
  return {
    id: 'pod-to-pod/other-node/pod-1->pod-2/udp-53',
    scenario: 'pod-to-pod',
    check: 'other-node',
    source: { kind: 'pod', name: 'pod-1', ip: '200.200.1.2', node: 'my-k8s-worker-1' },
    destination: { kind: 'pod', name: 'pod-2', ip: '200.200.2.2', node: 'my-k8s-worker-2' },
    protocol: { name: 'udp', port: 53 },
    expect: { reach: true, source: 'client-pod-ip' },
    expectedSources: ['200.200.1.2'],
    ...patch,
  };
}
