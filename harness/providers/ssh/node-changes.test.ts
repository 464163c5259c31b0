import { describe, expect, it } from 'vitest';
import type { Inventory, InventoryNode } from './inventory.ts';
import { changesPath, checkFacts, type NodeFacts } from './node-changes.ts';

const node: InventoryNode = { name: 'w1', host: '127.0.0.1', port: 22, user: 'root', key: '/k', nodeIp: '10.0.0.3', podCidr: '200.200.1.0/24', role: 'worker' };
const inv = {
  file: '/inv.yaml', hostNetwork: '10.0.0.0/16', podNetwork: '200.200.0.0/16', nodeCidrMaskSize: 24, nodes: [node],
  outside: { echoHostIp: '198.51.100.10', echoSecret: 's', echoHostName: 'echo.nmap.org', network: '198.51.100.0/24', routerHostIp: '10.0.255.254' },
} as Inventory;
/** A machine that can take part as it is. */
const ready: NodeFacts = {
  uid: '0', missing: [], addresses: ['10.0.0.3'], ipForward: '1', hosts: '127.0.0.1 localhost\n', echoServers: [], existingRoutes: [],
  routeToEcho: true, otherClusters: [], ownRecord: false, hasDir: false, absentBefore: [], links: ['lo', 'eth0'],
};

describe('checkFacts: whether a machine can be prepared', () => {
  it('takes a ready machine as it is', () => {
    expect(checkFacts(ready, inv, node, 'lab')).toEqual([]);
  });

  it("refuses a machine that still has this cluster's record from an up no down took back (preparing over it would lose what it lists)", () => {
    expect(checkFacts({ ...ready, hasDir: true, ownRecord: true }, inv, node, 'lab')).toEqual([
      `still has ${changesPath('lab')} from an earlier up of this cluster that no down took back: \`./cluster.sh down --provider ssh --name lab --inventory /inv.yaml\` first`,
    ]);
  });

  it("refuses a machine prepared for another cluster, naming it and the down that frees it", () => {
    expect(checkFacts({ ...ready, hasDir: true, otherClusters: ['other'] }, inv, node, 'lab')).toEqual([
      expect.stringContaining('is already prepared for lab cluster other: `./cluster.sh down --provider ssh --name other` first'),
    ]);
  });
});
