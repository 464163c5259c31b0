import { describe, expect, it } from 'vitest';
import { planCluster, SEED_TOPOLOGY } from '../../cluster/topology.ts';
import { nodeCommands, routerCommands } from './machine-config.ts';

describe('machine configuration', () => {
  const plan = planCluster(SEED_TOPOLOGY);

  it("routes a node's traffic to the router and the other nodes' pod subnets via those nodes", () => {
    expect(nodeCommands(plan, 'my-k8s-worker-1')).toEqual([
      ['ip', 'route', 'replace', 'default', 'via', '10.0.255.254'],
      ['ip', 'route', 'replace', '200.200.0.0/24', 'via', '10.0.0.2'],
      ['ip', 'route', 'replace', '200.200.2.0/24', 'via', '10.0.0.4'],
    ]);
  });

  it('lets the router forward only between the lab ranges and drop the rest before routing', () => {
    const cmds = routerCommands(plan).map((c) => c.join(' '));
    expect(cmds[0]).toBe('ip route flush exact 0.0.0.0/0');
    expect(cmds).toContain('iptables -w -t raw -A CNI-LAB-EGRESS -d 198.51.100.0/24 -j RETURN');
    expect(cmds.filter((c) => c.includes(' -j DROP'))).toHaveLength(1);
    expect(cmds.filter((c) => c.includes('-A FORWARD'))).toHaveLength(6);
  });
});
