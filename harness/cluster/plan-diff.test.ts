import { describe, expect, it } from 'vitest';
import { planDifferences } from './plan-diff.ts';
import type { ClusterState } from './state.ts';
import { planCluster, SEED_TOPOLOGY } from './topology.ts';

describe('planDifferences', () => {
  const running = planCluster(SEED_TOPOLOGY);
  const state = {
    hostNetwork: running.hostNetwork,
    podNetwork: running.podNetwork,
    nodes: running.nodes,
    outside: { network: running.outsideNetwork },
  } as unknown as ClusterState;

  it('names the options the user passed that the running cluster does not match', () => {
    const asked = planCluster({ ...SEED_TOPOLOGY, workers: 10, hostNetwork: '10.9.0.0/16' });
    expect(planDifferences(state, asked, (o) => o === 'workers' || o === 'host-network')).toEqual([
      '--workers 10 (it has 2)',
      '--host-network 10.9.0.0/16 (it has 10.0.0.0/16)',
    ]);
  });

  it('ignores options the user did not pass, and equal values', () => {
    const asked = planCluster({ ...SEED_TOPOLOGY, workers: 10 });
    expect(planDifferences(state, asked, () => false)).toEqual([]);
    expect(planDifferences(state, planCluster(SEED_TOPOLOGY), () => true)).toEqual([]);
  });
});
