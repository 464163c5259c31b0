import { describe, expect, it } from 'vitest';
import { planCluster, SEED_TOPOLOGY } from './topology.ts';
import { statusTable } from './status-table.ts';
import type { ClusterState } from './state.ts';

describe('statusTable', () => {
  it('prints NODE, ROLE, NODE_IP, POD_CIDR, STATE in aligned columns', () => {
    const plan = planCluster(SEED_TOPOLOGY);
    const state = { nodes: plan.nodes.map((n) => ({ ...n, id: '' })) } as unknown as ClusterState;
    const table = statusTable(state, [
      { name: 'my-k8s-master', state: 'running' },
      { name: 'my-k8s-worker-1', state: 'running' },
      { name: 'my-k8s-worker-2', state: 'missing' },
    ]);
    expect(table.split('\n')).toEqual([
      'NODE             ROLE           NODE_IP   POD_CIDR        STATE',
      'my-k8s-master    control-plane  10.0.0.2  200.200.0.0/24  running',
      'my-k8s-worker-1  worker         10.0.0.3  200.200.1.0/24  running',
      'my-k8s-worker-2  worker         10.0.0.4  200.200.2.0/24  missing',
    ]);
  });
});
