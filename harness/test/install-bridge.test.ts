import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetSnapshot } from '../install/snapshot.ts';
import { machine } from './lab-cli.ts';
import { captured, inCidr, parsePodTable, podLeftovers, podsLabUp, snapshotDiffs, snapshotNodes, type PodRow, type PodsLab } from './pods-lab.ts';

// The same flow with another plugin: the reference bridge (containernetworking/plugins),
// installed with --plugin and --config, so that users can test their own plugin the same way.
const BRIDGE = '/usr/lib/cni/bridge';
const TEMPLATE = 'harness/install/templates/reference-bridge.conf.jsonnet';
const ip4 = (s: string): string => s.replace(/\./g, '\\.');

describe('--plugin: the reference bridge plugin through the same install, pods and purge', () => {
  let lab: PodsLab;
  let before: Map<string, NetSnapshot>;
  let pods: PodRow[];

  beforeAll(async () => {
    lab = await podsLabUp('bridgetest', 62);
    before = await snapshotNodes(lab.state);
  });

  afterAll(async () => {
    await lab?.down();
  });

  it('apply before install names the node and the fix', async () => {
    const res = await lab.cli(['apply', '-f', 'pods.yaml']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^cni-lab: run pods pod-1, pod-3, pod-2, pod-4 on my-k8s-worker-1, my-k8s-worker-2 failed \(exit 1\): no CNI plugin is installed on these nodes: run \.\/plugin\.sh install first/m);
  });

  it('refuses a plugin whose name is not the config\'s type, before touching a node', async () => {
    const res = await lab.cli(['plugin', 'install', '--plugin', BRIDGE]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--plugin \/usr\/lib\/cni\/bridge is named "bridge" but --config .*my-cni-plugin\.conf\.jsonnet has plugin type "my-cni-plugin"/);
    expect((await machine(lab.state, 'my-k8s-worker-1').exec(['ls', '-A', '/opt/cni/bin'])).stdout).toBe('');
  });

  it('installs the bridge plugin and its config on every node', async () => {
    const res = await lab.ok(['plugin', 'install', '--plugin', BRIDGE, '--config', TEMPLATE]);
    expect(res.stderr).toMatch(/^✓ install on my-k8s-worker-2: \/opt\/cni\/bin\/bridge, \/etc\/cni\/net\.d\/10-reference-bridge\.conflist \(network reference-bridge, pod subnet 200\.62\.2\.0\/24\)/m);
  });

  it('runs the four pods two per worker, and pod-1 reaches a pod on its node and on the other node without NAT', async () => {
    await lab.ok(['apply', '-f', 'pods.yaml']);
    pods = parsePodTable((await lab.ok(['get', 'pods', '-o', 'wide'])).stdout);
    expect(pods.map((p) => [p.name, p.status, p.node])).toEqual([
      ['pod-1', 'Running', 'my-k8s-worker-1'], ['pod-2', 'Running', 'my-k8s-worker-2'],
      ['pod-3', 'Running', 'my-k8s-worker-1'], ['pod-4', 'Running', 'my-k8s-worker-2'],
    ]);
    for (const p of pods) expect(inCidr(p.ip, lab.state.nodes.find((n) => n.name === p.node)!.podCidr), p.name).toBe(true);
    const pod1 = pods[0]!.ip;
    for (const to of [pods[2]!.ip, pods[1]!.ip]) {
      const res = await lab.cli(['exec', 'pod-1', '--', 'my-nping', to]);
      expect(res.code, `${res.stdout}${res.stderr}`).toBe(0);
      expect(captured(res.stdout)).toEqual([expect.stringMatching(new RegExp(`^TCP ${ip4(pod1)}:\\d+ > ${ip4(to)}:80 `))]);
    }
    const fromNode = await machine(lab.state, 'my-k8s-worker-1').exec(['my-nping', pods[1]!.ip], { allowFailure: true });
    expect(fromNode.exitCode, fromNode.stdout + fromNode.stderr).toBe(0);
  });

  it('delete releases every address, and uninstall --purge leaves every node as up left it', async () => {
    await lab.ok(['delete', '-f', 'pods.yaml']);
    expect(await podLeftovers(lab.state, 'reference-bridge')).toEqual([]);
    const res = await lab.ok(['plugin', 'uninstall', '--purge']);
    expect(res.stderr).toMatch(/^✓ uninstall --purge on my-k8s-worker-1: removed \/opt\/cni\/bin\/bridge, \/etc\/cni\/net\.d\/10-reference-bridge\.conflist, bridge cni0, /m);
    expect(snapshotDiffs(before, await snapshotNodes(lab.state))).toEqual([]);
  });

  it('a node\'s own /opt/cni/bin/bridge: the same file is taken as it is and left by uninstall, another one is never overwritten', async () => {
    const [master, w1, w2] = ['my-k8s-master', 'my-k8s-worker-1', 'my-k8s-worker-2'].map((n) => machine(lab.state, n));
    const netd = await Promise.all([master!, w1!, w2!].map(async (m) => (await m.exec(['ls', '-A', '/etc/cni/net.d'])).stdout));
    await w1!.exec(['cp', BRIDGE, '/opt/cni/bin/bridge']);
    await w2!.exec(['sh', '-c', 'printf "#!/bin/sh\\n" >/opt/cni/bin/bridge']);
    const refused = await lab.cli(['plugin', 'install', '--plugin', BRIDGE, '--config', TEMPLATE]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/install bridge \(network reference-bridge\) on my-k8s-worker-2 failed \(exit 1\): \/opt\/cni\/bin\/bridge is already there, not put there by the lab, and differs from what install would write: move it away/);
    // Refused before any node was changed.
    expect(await Promise.all([master!, w1!, w2!].map(async (m) => (await m.exec(['ls', '-A', '/etc/cni/net.d'])).stdout))).toEqual(netd);
    expect((await w2!.exec(['cat', '/opt/cni/bin/bridge'])).stdout).toBe('#!/bin/sh\n');

    await w2!.exec(['rm', '/opt/cni/bin/bridge']);
    const res = await lab.ok(['plugin', 'install', '--plugin', BRIDGE, '--config', TEMPLATE]);
    expect(res.stderr).toMatch(/^✓ install on my-k8s-worker-1: \/opt\/cni\/bin\/bridge \(unchanged\)/m);
    const un = await lab.ok(['plugin', 'uninstall', '--purge']);
    const w1Line = un.stderr.split('\n').find((l) => l.startsWith('✓ uninstall --purge on my-k8s-worker-1:'));
    expect(w1Line, un.stderr).toMatch(/removed \/etc\/cni\/net\.d\/10-reference-bridge\.conflist/);
    expect(w1Line).not.toContain('/opt/cni/bin/bridge');
    expect(un.stderr).toMatch(/^✓ uninstall --purge on my-k8s-worker-2: removed \/opt\/cni\/bin\/bridge, /m);
    expect((await w1!.exec(['cmp', BRIDGE, '/opt/cni/bin/bridge'], { allowFailure: true })).exitCode, 'worker-1 keeps its own bridge').toBe(0);
    await w1!.exec(['rm', '/opt/cni/bin/bridge']);
    expect(snapshotDiffs(before, await snapshotNodes(lab.state))).toEqual([]);
  });
});
