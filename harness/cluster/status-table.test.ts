import { describe, expect, it } from 'vitest';
import { planCluster, SEED_TOPOLOGY } from './topology.ts';
import { outsideLine, statusTable } from './status-table.ts';
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

  it('names the router by both its legs, or the one an inventory gave', () => {
    const outside = { routerHostIp: '10.0.255.254', routerOutsideIp: '198.51.100.254', echoHostName: 'echo.nmap.org', echoHostIp: '198.51.100.10' };
    const up = [{ name: 'router', state: 'running' as const }, { name: 'echo', state: 'running' as const }];
    expect(outsideLine({ outside } as ClusterState, up)).toBe('outside: router 10.0.255.254/198.51.100.254 (running), echo host echo.nmap.org 198.51.100.10 (running)');
    expect(outsideLine({ outside: { ...outside, routerOutsideIp: '' } } as ClusterState, up)).toMatch(/^outside: router 10\.0\.255\.254 \(running\)/);
  });
});
