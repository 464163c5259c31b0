import { describe, expect, it } from 'vitest';
import { clusterTarget } from '../cli/cluster-target.ts';
import { planCluster, SEED_TOPOLOGY } from './topology.ts';

describe('planCluster', () => {
  it("gives the seed's topology by default", () => {
    const plan = planCluster(SEED_TOPOLOGY);
    expect(plan.nodes).toEqual([
      { name: 'my-k8s-master', role: 'control-plane', ip: '10.0.0.2', podCidr: '200.200.0.0/24' },
      { name: 'my-k8s-worker-1', role: 'worker', ip: '10.0.0.3', podCidr: '200.200.1.0/24' },
      { name: 'my-k8s-worker-2', role: 'worker', ip: '10.0.0.4', podCidr: '200.200.2.0/24' },
    ]);
    expect(plan).toMatchObject({ routerHostIp: '10.0.255.254', echoHostIp: '198.51.100.10', hostGateway: '10.0.0.1' });
  });

  it('allocates one node subnet per node in registration order, for any number of workers', () => {
    const plan = planCluster({ ...SEED_TOPOLOGY, workers: 10, hostNetwork: '192.168.8.0/24', podNetwork: '10.244.0.0/16' });
    expect(plan.nodes).toHaveLength(11);
    expect(plan.nodes[10]).toEqual({ name: 'my-k8s-worker-10', role: 'worker', ip: '192.168.8.12', podCidr: '10.244.10.0/24' });
    expect(plan.routerHostIp).toBe('192.168.8.254');
  });

  it('refuses ranges that overlap or are too small, naming the option', () => {
    expect(() => planCluster({ ...SEED_TOPOLOGY, podNetwork: '10.0.128.0/17' })).toThrow(/--host-network 10.0.0.0\/16 overlaps --pod-network/);
    expect(() => planCluster({ ...SEED_TOPOLOGY, podNetwork: '200.200.0.0/23' })).toThrow(/--pod-network 200.200.0.0\/23 has no room for 3/);
    expect(() => planCluster({ ...SEED_TOPOLOGY, hostNetwork: '10.0.0.0/30' })).toThrow(/--host-network/);
  });

  it('refuses bad worker counts and cluster names, quoting them', () => {
    expect(() => planCluster({ ...SEED_TOPOLOGY, workers: -1 })).toThrow(/--workers -1/);
    expect(() => planCluster({ ...SEED_TOPOLOGY, cluster: 'My_Lab' })).toThrow(/"My_Lab"/);
    // A trailing dash makes names that GCE refuses.
    expect(() => planCluster({ ...SEED_TOPOLOGY, cluster: 'lab-' })).toThrow(/"lab-"/);
  });

  it('checks --name for every command: down removes a directory named after the cluster', async () => {
    await expect(clusterTarget({ name: '../../harness/providers', provider: 'qemu' })).rejects.toThrow(/cluster name "\.\.\/\.\.\/harness\/providers": use 1-30/);
    await expect(clusterTarget({ name: 'a', state: '/nonexistent/state.json' })).resolves.toMatchObject({ cluster: 'a' });
  });
});
