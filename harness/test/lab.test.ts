import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '../cluster/state.ts';
import { ROUTER_DROP_COMMENT, ROUTER_EGRESS_CHAIN } from '../providers/docker/machine-config.ts';
import { CommandError } from '../errors.ts';
import { hostExec } from '../host-exec.ts';
import { echoProbe, hostLeftovers, machine, mustReadState, runCli, testCluster, type CliResult } from './lab-cli.ts';

// The seed's topology (names, pod subnets, node and router offsets) under a cluster name and
// host/outside ranges of its own, so that it runs beside a lab someone keeps up on the seed's
// ranges; the seed's addresses themselves are checked in topology.test.ts.
const CLUSTER = 'labtest';
const RANGES = ['--host-network', '10.44.0.0/16', '--outside-network', '198.18.44.0/24'];
const MASTER = 'my-k8s-master';

describe('the lab, brought up once with the seed topology', () => {
  let cluster: { args: string[]; statePath: string };
  let up: CliResult;
  let state: ClusterState;

  beforeAll(async () => {
    cluster = testCluster(CLUSTER, await mkdtemp(join(tmpdir(), 'cni-lab-test-')));
    await runCli(['cluster', 'down', ...cluster.args]);
    up = await runCli(['cluster', 'up', ...cluster.args, ...RANGES]);
    if (up.code !== 0) throw new Error(`cluster up failed:\n${up.stderr}`);
    state = await mustReadState(cluster.statePath);
  });

  afterAll(async () => {
    if (!cluster) return;
    await runCli(['cluster', 'down', ...cluster.args]);
    await rm(dirname(cluster.statePath), { recursive: true, force: true });
  });

  it('prints one progress line per step with its time, and the status table', () => {
    // A fresh machine builds the image here ("built cni-lab-node:... in 40.1s"), a later run finds it cached.
    expect(up.stderr).toMatch(/^✓ node image: (built )?cni-lab-node:[0-9a-f]{12} .*\(\d+\.\d\ds\)$/m);
    expect(up.stderr).toMatch(/^✓ machines: 3 nodes, router, echo host \(\d+\.\d\ds\)$/m);
    expect(up.stdout.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^NODE\s+ROLE\s+NODE_IP\s+POD_CIDR\s+STATE$/),
      expect.stringMatching(/^my-k8s-master\s+control-plane\s+10\.44\.0\.2\s+200\.200\.0\.0\/24\s+running$/),
      expect.stringMatching(/^my-k8s-worker-1\s+worker\s+10\.44\.0\.3\s+200\.200\.1\.0\/24\s+running$/),
      expect.stringMatching(/^my-k8s-worker-2\s+worker\s+10\.44\.0\.4\s+200\.200\.2\.0\/24\s+running$/),
    ]);
    console.log(`cluster up took ${(up.ms / 1000).toFixed(1)}s\n${up.stderr}`);
  });

  it('every node reaches every other node: the echo server captured the probe from the sender node IP', async () => {
    const pairs = state.nodes.flatMap((a) => state.nodes.filter((b) => b !== a).map((b) => [a, b] as const));
    const seen = await Promise.all(pairs.map(([a, b]) => echoProbe(machine(state, a.name), b.ip, state.outside.echoSecret)));
    pairs.forEach(([a, b], i) => {
      expect(seen[i]!.captured, `${a.name} -> ${b.name}\n${seen[i]!.raw}`).toEqual([expect.stringMatching(new RegExp(`^TCP ${a.ip}:\\d+ > ${b.ip}:80 `))]);
    });
  });

  it('every node reaches the echo host by name through the router, without NAT', async () => {
    const seen = await Promise.all(state.nodes.map((n) => echoProbe(machine(state, n.name), state.outside.echoHostName, state.outside.echoSecret)));
    state.nodes.forEach((n, i) => {
      expect(seen[i]!.captured, `${n.name}\n${seen[i]!.raw}`).toEqual([expect.stringMatching(new RegExp(`^TCP ${n.ip}:\\d+ > 198\\.18\\.44\\.10:80 `))]);
    });
  });

  it("every node's route table holds the other nodes' pod subnets via their node IPs, and its default route via the router", async () => {
    for (const n of state.nodes) {
      const routes = (await machine(state, n.name).exec(['ip', '-4', 'route', 'show'])).stdout;
      expect(routes).toMatch(new RegExp(`^default via ${state.outside.routerHostIp} `, 'm'));
      for (const o of state.nodes.filter((x) => x !== n)) {
        expect(routes, n.name).toMatch(new RegExp(`^${o.podCidr.replace(/\./g, '\\.')} via ${o.ip} `, 'm'));
      }
      expect(routes, n.name).not.toContain(`${n.podCidr} via`);
    }
  });

  it("traffic to another node's pod subnet crosses the lab bridge (the host's DOCKER-USER rule)", async () => {
    // An address of worker-1's pod subnet on worker-1 itself, as its bridge would hold it.
    const worker1 = machine(state, 'my-k8s-worker-1');
    await worker1.exec(['ip', 'addr', 'add', '200.200.1.1/32', 'dev', 'lo']);
    try {
      const seen = await echoProbe(machine(state, MASTER), '200.200.1.1', state.outside.echoSecret);
      expect(seen.captured, seen.raw).toEqual([expect.stringMatching(/^TCP 10\.44\.0\.2:\d+ > 200\.200\.1\.1:80 /)]);
    } finally {
      await worker1.exec(['ip', 'addr', 'del', '200.200.1.1/32', 'dev', 'lo']);
    }
  });

  it('a probe to an address outside the lab ranges dies in the lab router and nothing can leave', async () => {
    const router = machine(state, 'router');
    const dropped = async (): Promise<number> => {
      const out = (await router.exec(['iptables', '-w', '-t', 'raw', '-nvx', '-L', ROUTER_EGRESS_CHAIN])).stdout;
      const line = out.split('\n').find((l) => l.includes(ROUTER_DROP_COMMENT));
      return Number(line?.trim().split(/\s+/)[0] ?? NaN);
    };
    const before = await dropped();
    // TEST-NET-3 (RFC 5737): a documentation address that no real host has.
    const probe = await machine(state, 'my-k8s-worker-2').exec(
      ['nping', '--icmp', '-c', '3', '--delay', '50ms', '203.0.113.99'],
      { allowFailure: true },
    );
    expect(probe.stdout).toMatch(/Raw packets sent: 3 .*Rcvd: 0 /);
    expect((await dropped()) - before).toBe(3);
    // And should the rule ever be missing: the router has no default route, and both lab
    // networks are --internal, so Docker gives them no way off the machine.
    expect((await router.exec(['ip', '-4', 'route', 'show', 'default'])).stdout).toBe('');
    const internal = await hostExec(
      ['docker', 'network', 'inspect', '--format', '{{.Internal}}', `cni-lab-${CLUSTER}-vpc`, `cni-lab-${CLUSTER}-outside`],
      { what: 'inspect lab networks' },
    );
    expect(internal.stdout.trim().split('\n')).toEqual(['true', 'true']);
  });

  it('names resolve from /etc/hosts, and any other lookup fails at once without leaving the lab', async () => {
    const node = machine(state, 'my-k8s-worker-1');
    expect((await node.exec(['getent', 'hosts', 'echo.nmap.org'])).stdout).toMatch(/^198\.18\.44\.10\s+echo\.nmap\.org/);
    expect((await node.exec(['getent', 'hosts', 'my-k8s-worker-2'])).stdout).toMatch(/^10\.44\.0\.4\s/);
    const t0 = performance.now();
    // A reserved name (RFC 2606): the lookup goes to the echo host, which has no DNS server.
    const miss = await node.exec(['getent', 'hosts', 'cni-lab-check.invalid'], { allowFailure: true });
    expect(miss.exitCode).toBe(2);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('the node transport copies a file with its mode and runs argv without a shell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cni-lab-copy-'));
    await writeFile(join(dir, 'greet'), '#!/bin/sh\necho "copied: $1"\n', { mode: 0o755 });
    const node = machine(state, 'my-k8s-worker-1');
    await node.copy(join(dir, 'greet'), '/opt/cni/bin/lab-greet');
    expect((await node.exec(['/opt/cni/bin/lab-greet', 'a b; echo not-a-shell'])).stdout).toBe('copied: a b; echo not-a-shell\n');
    expect((await node.exec(['stat', '-c', '%a', '/opt/cni/bin/lab-greet'])).stdout.trim()).toBe('755');
    await node.exec(['rm', '/opt/cni/bin/lab-greet']);
    await rm(dir, { recursive: true, force: true });
  });

  it('a failing command throws an error with the node, exit code, stderr tail and a command that reproduces it when pasted', async () => {
    const master = machine(state, MASTER);
    const err = await master.exec(['ip', 'route', 'add', '200.200.1.0/24', 'via', '10.44.0.3'], { what: 'add pod route' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    const e = err as CommandError;
    expect(e).toMatchObject({ target: MASTER, exitCode: 2, command: `docker exec cni-lab-${CLUSTER}-${MASTER} ip route add 200.200.1.0/24 via 10.44.0.3` });
    expect(e.message).toMatch(/^add pod route on my-k8s-master failed \(exit 2\): RTNETLINK answers: File exists\n {2}command: docker exec /);
    const pasted = await hostExec(['sh', '-c', e.command], { what: 'paste', allowFailure: true });
    expect(pasted).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('RTNETLINK answers: File exists') });
  });

  it('podman runs a pod on a node (cgroupfs, runc, vfs, CNI), the runtime later issues use', async () => {
    const node = machine(state, 'my-k8s-worker-2');
    const info = await node.exec(['podman', 'info', '--format', '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Store.GraphDriverName}} {{.Host.NetworkBackend}}']);
    expect(info.stdout.trim()).toBe('runc cgroupfs vfs cni');
    await node.exec(['podman', 'pod', 'create', '--name', 'lab-smoke']);
    try {
      await node.exec(['podman', 'pod', 'start', 'lab-smoke']);
      const ps = await node.exec(['podman', 'pod', 'ps', '--filter', 'name=lab-smoke', '--format', '{{.Status}}']);
      expect(ps.stdout.trim()).toBe('Running');
    } finally {
      await node.exec(['podman', 'pod', 'rm', '--force', '--time', '0', 'lab-smoke']);
    }
  });

  it('a second up reports the running cluster and changes nothing', async () => {
    const again = await runCli(['cluster', 'up', ...cluster.args, ...RANGES]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cluster labtest is already up/);
    expect(again.stdout).toMatch(/my-k8s-worker-2\s+worker\s+10\.44\.0\.4\s+200\.200\.2\.0\/24\s+running/);
    expect((await mustReadState(cluster.statePath)).nodes.map((n) => n.id)).toEqual(state.nodes.map((n) => n.id));
    // The same cluster under another state file is not a crashed up's leftovers.
    const elsewhere = await runCli(['cluster', 'up', '--name', CLUSTER, '--state', `${cluster.statePath}.other`, ...RANGES]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/cluster labtest already runs, described by .*state\.json: pass --state/);
    const other = await runCli(['cluster', 'up', ...cluster.args, ...RANGES, '--workers', '3']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/cluster labtest is already up, but not with --workers 3 \(it has 2\): run `\.\/cluster\.sh down` first/);
  });

  it('status prints the table and exits 0 while every node runs', async () => {
    const status = await runCli(['cluster', 'status', ...cluster.args]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^NODE\s+ROLE\s+NODE_IP\s+POD_CIDR\s+STATE\n/);
  });

  it('down leaves no container, network or DOCKER-USER rule of the lab, and a second down is fine', async () => {
    expect((await hostLeftovers(CLUSTER)).rules).toHaveLength(2);
    const down = await runCli(['cluster', 'down', ...cluster.args]);
    expect(down.code, down.stderr).toBe(0);
    expect(await hostLeftovers(CLUSTER)).toEqual({ containers: [], networks: [], rules: [] });
    const again = await runCli(['cluster', 'down', ...cluster.args]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to remove/);
    // With only --state, a second down must not fall back to the default cluster name.
    const byState = await runCli(['cluster', 'down', '--state', cluster.statePath]);
    expect(byState.code, byState.stderr).toBe(0);
    expect(byState.stderr).toMatch(/no cluster state at .*: nothing to remove/);
    const status = await runCli(['cluster', 'status', ...cluster.args]);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/is not up/);
  });
});
