import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetSnapshot } from '../install/snapshot.ts';
import { machine } from './lab-cli.ts';
import { captured, inCidr, parsePodTable, podLeftovers, podsLabUp, snapshotDiffs, snapshotNodes, type PodRow, type PodsLab } from './pods-lab.ts';

// The seed's workflow on the lab with our plugin: install, four pods, probes, delete, purge.
// The tests run in order and each builds on the one before, as a person's session would.
const W1 = 'my-k8s-worker-1';
const W2 = 'my-k8s-worker-2';
const MASTER = 'my-k8s-master';
const ip4 = (s: string): string => s.replace(/\./g, '\\.');

describe('my-cni-plugin on the lab: ./plugin.sh install, pods.yaml on podman, delete, uninstall --purge', () => {
  let lab: PodsLab;
  let before: Map<string, NetSnapshot>;
  let pods: PodRow[];
  const timings: string[] = [];
  const pod = (name: string): PodRow => pods.find((p) => p.name === name)!;

  beforeAll(async () => {
    lab = await podsLabUp('podtest', 61);
    before = await snapshotNodes(lab.state);
  });

  afterAll(async () => {
    if (timings.length > 0) console.log(timings.join('\n'));
    await lab?.down();
  });

  it('install renders the config per node and reports every node', async () => {
    const res = await lab.ok(['plugin', 'install']);
    timings.push(`plugin install: ${(res.ms / 1000).toFixed(1)}s for 3 nodes\n${res.stderr}`);
    for (const n of lab.state.nodes) {
      expect(res.stderr).toMatch(new RegExp(`^✓ install on ${n.name}: /opt/cni/bin/my-cni-plugin, /etc/cni/net.d/10-my-cni-plugin.conflist \\(network my-cni-plugin, pod subnet ${ip4(n.podCidr)}\\)`, 'm'));
      const conf = JSON.parse((await machine(lab.state, n.name).exec(['cat', '/etc/cni/net.d/10-my-cni-plugin.conflist'])).stdout);
      expect(conf).toMatchObject({ cniVersion: '1.0.0', name: 'my-cni-plugin', plugins: [{ type: 'my-cni-plugin', podSubnet: n.podCidr, podNetwork: lab.state.podNetwork, hostNetwork: lab.state.hostNetwork }] });
    }
  });

  it('install again copies nothing new, and another plugin over ours is refused until uninstall', async () => {
    const again = await lab.ok(['plugin', 'install']);
    expect(again.stderr).toMatch(/^✓ install on my-k8s-worker-1: \/opt\/cni\/bin\/my-cni-plugin \(unchanged\), /m);
    const other = await lab.cli(['plugin', 'install', '--plugin', '/usr/lib/cni/bridge', '--config', 'harness/install/templates/reference-bridge.conf.jsonnet']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/install bridge \(network reference-bridge\) on my-k8s-\S+ failed \(exit 1\): my-cni-plugin is installed here \(network my-cni-plugin\): uninstall it first/);
    expect((await machine(lab.state, W1).exec(['ls', '/etc/cni/net.d'])).stdout).not.toContain('reference-bridge');
  });

  it('apply runs the four pods, two per worker, each with an address of its node\'s pod subnet', async () => {
    const applied = await lab.ok(['apply', '-f', 'pods.yaml']);
    timings.push(`apply -f pods.yaml (4 pods, pod image import included): ${(applied.ms / 1000).toFixed(1)}s\n${applied.stdout}`);
    expect(applied.stdout).toMatch(/^pod\/pod-1 created on my-k8s-worker-1 /m);
    const get = await lab.ok(['get', 'pods', '-o', 'wide']);
    expect(get.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+IP\s+NODE\s+NODE_IP$/);
    pods = parsePodTable(get.stdout);
    expect(pods.map((p) => [p.name, p.status, p.node])).toEqual([
      ['pod-1', 'Running', W1], ['pod-2', 'Running', W2], ['pod-3', 'Running', W1], ['pod-4', 'Running', W2],
    ]);
    for (const p of pods) {
      const node = lab.state.nodes.find((n) => n.name === p.node)!;
      expect(inCidr(p.ip, node.podCidr), `${p.name} ${p.ip} in ${node.podCidr}`).toBe(true);
      expect(p.nodeIp).toBe(node.ip);
    }
    expect(new Set(pods.map((p) => p.ip)).size).toBe(4);
  });

  it("the IP reported is the one on the pod's own eth0 (podman's answer, not a guess)", async () => {
    const seen = await Promise.all(pods.map((p) => lab.ok(['exec', p.name, '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])));
    pods.forEach((p, i) => expect(seen[i]!.stdout).toContain(` inet ${p.ip}/24 `));
  });

  it('from pod-1, my-nping is answered by a pod on its node and on the other node (source: pod-1) and by echo.nmap.org (source: its node)', async () => {
    const w1 = lab.state.nodes.find((n) => n.name === W1)!;
    const cases = [
      { to: pod('pod-3').ip, source: pod('pod-1').ip },
      { to: pod('pod-2').ip, source: pod('pod-1').ip },
      { to: 'echo.nmap.org', source: w1.ip, dest: lab.state.outside.echoHostIp },
    ];
    for (const c of cases) {
      const res = await lab.cli(['exec', 'pod-1', '--', 'my-nping', c.to]);
      expect(res.code, `pod-1 -> ${c.to}\n${res.stdout}${res.stderr}`).toBe(0);
      expect(captured(res.stdout)).toEqual([expect.stringMatching(new RegExp(`^TCP ${ip4(c.source)}:\\d+ > ${ip4(c.dest ?? c.to)}:80 `))]);
      expect(res.stdout).toMatch(/^SENT /m);
    }
  });

  it('from a node, my-nping is answered by a pod on that node and by a pod on the other node', async () => {
    const node = machine(lab.state, W1);
    for (const to of [pod('pod-1').ip, pod('pod-2').ip]) {
      const res = await node.exec(['my-nping', to], { allowFailure: true });
      expect(res.exitCode, `${W1} -> ${to}\n${res.stdout}${res.stderr}`).toBe(0);
      expect(captured(res.stdout)).toEqual([expect.stringMatching(new RegExp(`^TCP [\\d.]+:\\d+ > ${ip4(to)}:80 `))]);
    }
  });

  it('my-nping and the pod image are on every node, the master (which runs no pod) included', async () => {
    const master = lab.state.nodes.find((n) => n.role === 'control-plane')!;
    const node = machine(lab.state, master.name);
    expect((await node.exec(['podman', 'image', 'exists', 'localhost/cni-lab-pod:latest'], { allowFailure: true })).exitCode).toBe(0);
    const res = await node.exec(['my-nping', pod('pod-2').ip], { allowFailure: true });
    expect(res.exitCode, `${master.name} -> pod-2\n${res.stdout}${res.stderr}`).toBe(0);
    expect(captured(res.stdout)).toEqual([expect.stringMatching(new RegExp(`^TCP ${ip4(master.ip)}:\\d+ > ${ip4(pod('pod-2').ip)}:80 `))]);
  });

  it("exec returns the command's exit code; logs shows the echo server's output", async () => {
    const miss = await lab.cli(['exec', 'pod-1', '--', 'my-nping', '200.61.2.250']);
    expect(miss.code).toBe(1);
    expect(miss.stderr).toMatch(/my-nping: no echo from 200\.61\.2\.250/);
    const logs = await lab.ok(['logs', 'pod-1']);
    expect(logs.stdout).toMatch(/Waiting for connections/);
    expect(logs.stdout).toMatch(/Connection received from/);
  });

  it('a pod whose ADD fails shows the CNI error in its status, and delete removes it', async () => {
    const master = machine(lab.state, MASTER);
    const file = '/etc/cni/net.d/10-my-cni-plugin.conflist';
    const good = (await master.exec(['cat', file])).stdout;
    await master.exec(['sed', '-i', 's/"host-local"/"no-such-ipam"/', file]);
    const manifest = 'harness/test/fixtures/broken-pod.yaml';
    try {
      const applied = await lab.cli(['apply', '-f', manifest]);
      expect(applied.code).toBe(1);
      expect(applied.stdout).toMatch(/^pod\/pod-broken failed on my-k8s-master: plugin type="my-cni-plugin" name="my-cni-plugin" failed \(add\): .*IPAM plugin "no-such-ipam" not found on CNI_PATH/m);
      const get = await lab.ok(['get', 'pods', '-o', 'wide']);
      expect(parsePodTable(get.stdout).find((p) => p.name === 'pod-broken')).toMatchObject({ status: 'FailedCreatePodSandBox', ip: '<none>', node: MASTER });
      expect(get.stdout).toMatch(/^Events:\n {2}pod-broken: plugin type="my-cni-plugin" .*failed \(add\): .*no-such-ipam/m);
      await lab.ok(['delete', '-f', manifest]);
    } finally {
      await master.exec(['sh', '-c', 'printf %s "$1" > "$2"', 'restore', good, file]);
    }
    expect(parsePodTable((await lab.ok(['get', 'pods'])).stdout).map((p) => p.name)).toEqual(['pod-1', 'pod-2', 'pod-3', 'pod-4']);
  });

  it('uninstall refuses while pods still use the network', async () => {
    const res = await lab.cli(['plugin', 'uninstall']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/pods still on network my-cni-plugin: pod-1, pod-3; delete them first/);
    expect((await machine(lab.state, W1).exec(['test', '-x', '/opt/cni/bin/my-cni-plugin'], { allowFailure: true })).exitCode).toBe(0);
  });

  it('delete releases every address and removes every pod namespace and host veth; the plugin log shows podman made each ADD and DEL', async () => {
    const infra = new Map<string, string>();
    for (const p of pods) {
      const id = await machine(lab.state, p.node).exec(['podman', 'pod', 'inspect', '--format', '{{.InfraContainerID}}', p.name]);
      infra.set(p.name, id.stdout.trim());
    }
    const del = await lab.ok(['delete', '-f', 'pods.yaml']);
    timings.push(`delete -f pods.yaml: ${(del.ms / 1000).toFixed(1)}s\n${del.stdout}`);
    expect(del.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    expect(await podLeftovers(lab.state, 'my-cni-plugin')).toEqual([]);
    expect(parsePodTable((await lab.ok(['get', 'pods'])).stdout)).toEqual([]);

    for (const w of [W1, W2]) {
      const log = (await machine(lab.state, w).exec(['cat', '/var/log/my-cni-plugin.log'])).stdout;
      const starts = log.split('\n').filter((l) => / start netns=/.test(l));
      const mine = pods.filter((p) => p.node === w);
      // Exactly one ADD and one DEL per pod, each with podman's CNI_ARGS and the pod's infra container id.
      expect(starts.map((l) => / (ADD|DEL) cid=(\S+) .* args=IgnoreUnknown=1;K8S_POD_NAME=(\S+)$/.exec(l)?.slice(1)).sort()).toEqual(
        mine.flatMap((p) => [['ADD', infra.get(p.name), p.name], ['DEL', infra.get(p.name), p.name]]).sort(),
      );
    }
  });

  it('uninstall --purge leaves every node as up left it (ip -j link/addr/route, iptables-save)', async () => {
    const during = await snapshotNodes(lab.state);
    expect(snapshotDiffs(before, during).join('\n')).toMatch(/links \+ cni0 /);
    const res = await lab.ok(['plugin', 'uninstall', '--purge']);
    expect(res.stderr).toMatch(/^✓ uninstall --purge on my-k8s-worker-1: removed \/opt\/cni\/bin\/my-cni-plugin, .*bridge cni0, \d+ iptables rules and chains, \/var\/lib\/cni\/networks\/my-cni-plugin/m);
    expect(snapshotDiffs(before, await snapshotNodes(lab.state))).toEqual([]);
    for (const n of lab.state.nodes) {
      const node = machine(lab.state, n.name);
      expect((await node.exec(['ls', '-A', '/opt/cni/bin', '/etc/cni/net.d'])).stdout, n.name).not.toMatch(/my-cni-plugin/);
      const gone = ['/var/lib/cni/networks/my-cni-plugin', '/var/log/my-cni-plugin.log', '/var/lib/cni-lab/install.json'];
      for (const f of gone) expect((await node.exec(['test', '-e', f], { allowFailure: true })).exitCode, `${n.name}: ${f}`).toBe(1);
    }
  });
});
