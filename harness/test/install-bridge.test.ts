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
});
