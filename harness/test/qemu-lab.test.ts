/**
 * The qemu provider's failure paths, against real VMs: a VM that does not answer SSH in
 * time, a VM killed while the cluster runs, an `up` killed while its VMs boot. After each,
 * `down` must leave nothing on this machine, which is checked here the way a person would
 * look (/proc, ip, iptables, the files), not through the provider's own leftovers().
 * The seed's flow on qemu, end to end, is in matrix-e2e.test.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec } from '../host-exec.ts';
import { chooseAccel, probeKvm } from '../providers/qemu/accel.ts';
import { ensureVmImage } from '../providers/qemu/image.ts';
import { bridgeName, routerLinkName, runDir, tapName } from '../providers/qemu/names.ts';
import { QemuProvider, type QemuDetails } from '../providers/qemu/provider.ts';
import { mustReadState, runCli, spawnCli, testCluster } from './lab-cli.ts';

// Ranges of its own, away from a lab someone keeps up on the seed's ranges.
const RANGES = ['--host-network', '10.44.0.0/16', '--outside-network', '198.18.44.0/24'];
const UP_MS = 300_000;

/** Everything of the cluster on this machine, each found without the provider's help. */
async function onHost(cluster: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (cmdline[0]?.endsWith('qemu-system-x86_64') && cmdline.some((a) => a.split(' ').includes(`cnilab.cluster=${cluster}`))) {
      found.push(`qemu pid ${pid}`);
    }
  }
  const links = JSON.parse((await hostExec(['ip', '-j', 'link', 'show'], { what: 'ip link' })).stdout) as { ifname: string; ifalias?: string }[];
  // By alias, and by the names the cluster's links get (an up killed before the alias was set).
  const names = [bridgeName(cluster), routerLinkName(cluster), ...Array.from({ length: 16 }, (_, i) => tapName(cluster, i))];
  found.push(...links.filter((l) => l.ifalias?.endsWith(`:${cluster}`) || names.includes(l.ifname)).map((l) => `link ${l.ifname}`));
  const netns = (await hostExec(['ip', 'netns', 'list'], { what: 'ip netns' })).stdout;
  found.push(...netns.split('\n').filter((l) => l.startsWith(`cni-lab-${cluster}-`)).map((l) => `netns ${l}`));
  const fwd = (await hostExec(['iptables', '-w', '-S', 'FORWARD'], { what: 'iptables -S FORWARD' })).stdout;
  found.push(...fwd.split('\n').filter((r) => r.includes(`cluster=${cluster}"`)).map((r) => `rule ${r}`));
  if (existsSync(runDir(cluster))) found.push(`directory ${runDir(cluster)}`);
  return found;
}

function qemuUp(cluster: { args: string[] }, workers: number, env: NodeJS.ProcessEnv = process.env) {
  return runCli(['cluster', 'up', '--provider', 'qemu', ...cluster.args, '--workers', String(workers), ...RANGES], { env });
}

describe('qemu VMs', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cni-lab-qemu-test-'));
  });

  afterAll(async () => {
    for (const name of ['qslow', 'qkill', 'qcrash', 'qalias']) await runCli(['cluster', 'down', '--provider', 'qemu', '--name', name]);
    await rm(dir, { recursive: true, force: true });
  });

  it('picks KVM only when a guest really boots under it, and says why', async () => {
    const image = await ensureVmImage();
    // This machine's real answer, whichever it is: the reason must match the choice.
    const choice = await probeKvm(image);
    if (choice.accel === 'kvm') expect(choice.reason).toMatch(/a KVM guest booted in [\d.]+ s/);
    else expect(choice.reason).toMatch(/qemu -accel kvm failed|did not boot within/);
    expect(await chooseAccel(image, { CNI_LAB_QEMU_ACCEL: 'tcg' })).toEqual({ accel: 'tcg', reason: 'CNI_LAB_QEMU_ACCEL' });
    await expect(chooseAccel(image, { CNI_LAB_QEMU_ACCEL: 'hvf' })).rejects.toThrow('CNI_LAB_QEMU_ACCEL="hvf": use kvm or tcg');
  }, UP_MS);

  it('tells the three outcomes of the KVM probe apart (a stand-in qemu: a guest that boots, one that hangs, an error)', async () => {
    const bin = join(dir, 'fake-qemu');
    await mkdir(bin, { recursive: true });
    // Writes what the probe guest would print to the -serial file, or hangs, or fails as KVM does here.
    await writeFile(
      join(bin, 'qemu-system-x86_64'),
      `#!/bin/sh
for a; do case "$a" in file:*) serial=\${a#file:} ;; esac; done
case "$FAKE_QEMU" in
  boots) echo "cni-lab: probe ok" >"$serial" ;;
  hangs) exec sleep 60 ;;
  fails) echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2; exit 1 ;;
esac
`,
      { mode: 0o755 },
    );
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const image = { kernel: '/nonexistent/vmlinux', initrd: '/nonexistent/initrd' };
      process.env.FAKE_QEMU = 'boots';
      expect(await probeKvm(image, 3)).toMatchObject({ accel: 'kvm', reason: expect.stringMatching(/^a KVM guest booted in [\d.]+ s$/) });
      process.env.FAKE_QEMU = 'hangs';
      expect(await probeKvm(image, 1)).toEqual({ accel: 'tcg', reason: 'a KVM guest did not boot within 1 s' });
      process.env.FAKE_QEMU = 'fails';
      expect(await probeKvm(image, 3)).toEqual({ accel: 'tcg', reason: 'qemu -accel kvm failed (error: failed to set MSR 0x10a to 0x69)' });
    } finally {
      process.env.PATH = path;
      delete process.env.FAKE_QEMU;
    }
  });

  it('a VM that does not answer SSH in time fails naming the VM and the tail of its console, and up removes what it made', async () => {
    const c = testCluster('qslow', dir);
    // Under TCG: a KVM guest might answer within 3 s.
    const res = await qemuUp(c, 0, { ...process.env, CNI_LAB_QEMU_BOOT_TIMEOUT: '3', CNI_LAB_QEMU_ACCEL: 'tcg' });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/start my-k8s-master failed: VM cni-lab-qslow-my-k8s-master did not answer SSH on 127\.0\.0\.1:\d+ within 3 s/);
    // The console's last lines follow, and the log itself is kept for whoever debugs it.
    expect(res.stderr).toMatch(/its last log lines:\n {4}\S/);
    const tailLine = res.stderr.split('its last log lines:\n')[1]!.split('\n')[0]!.trim();
    const consolePath = /console log (\S+?\.log)/.exec(res.stderr)?.[1];
    expect(consolePath, res.stderr).toBeDefined();
    const consoleText = await readFile(consolePath!, 'utf8');
    // The kernel prints its command line, which carries the echo passphrase: never shown.
    const secret = /cnilab\.echo=(\S+)/.exec(consoleText)?.[1];
    expect(secret, 'the console shows the kernel command line').toBeDefined();
    expect(res.stderr).not.toContain(secret);
    expect(consoleText.split(secret!).join('<secret>')).toContain(tailLine);
    expect(await onHost('qslow')).toEqual([]);
  }, UP_MS);

  it('runs pods on a VM and removes them (podman calls the plugin), then, with a VM killed, status names it and down leaves nothing behind', async () => {
    const c = testCluster('qkill', dir);
    const up = await qemuUp(c, 1);
    expect(up.code, up.stderr).toBe(0);
    const state = await mustReadState(c.statePath);
    // Pods come and go on the VMs' own kernels and cgroups (all four land on the one worker).
    const install = await runCli(['plugin', 'install', ...c.args]);
    expect(install.code, install.stderr).toBe(0);
    const apply = await runCli(['apply', '-f', 'pods.yaml', ...c.args]);
    expect(apply.code, `${apply.stdout}${apply.stderr}`).toBe(0);
    const pods = await runCli(['get', 'pods', ...c.args]);
    expect(pods.stdout.match(/ Running /g)?.length, pods.stdout).toBe(4);
    const del = await runCli(['delete', '-f', 'pods.yaml', ...c.args]);
    expect(del.code, `${del.stdout}${del.stderr}`).toBe(0);
    const log = await new QemuProvider().transport(state, state.nodes[1]!).exec(['cat', '/var/log/my-cni-plugin.log'], { what: 'read the plugin log' });
    expect(log.stdout.match(/ DEL cid=\S+ if=eth0 ok/g)?.length, log.stdout).toBe(4);

    expect(state.provider).toBe('qemu');
    const details = state.providerDetails as unknown as QemuDetails;
    const worker = details.vms['my-k8s-worker-1']!;
    expect((await onHost('qkill')).length).toBeGreaterThan(0);
    const echoServer = ['pgrep', '-f', `nping --echo-server ${state.outside.echoSecret}`];
    expect((await hostExec(echoServer, { what: 'pgrep', allowFailure: true })).stdout, 'the echo server runs before down').toMatch(/^\d+/);
    process.kill(worker.pid, 'SIGKILL');
    const status = await runCli(['cluster', 'status', ...c.args]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/my-k8s-worker-1 .*missing/);
    expect(status.stdout).toMatch(/my-k8s-master .*running/);
    const down = await runCli(['cluster', 'down', ...c.args]);
    expect(down.code, down.stderr).toBe(0);
    expect(await onHost('qkill')).toEqual([]);
    // The echo host's server is gone with its namespace.
    const echo = await hostExec(echoServer, { what: 'pgrep', allowFailure: true });
    expect(echo.stdout).toBe('');
  }, UP_MS);

  it('down finds links by their names too: an up killed between creating a link and setting its alias', async () => {
    await hostExec(['ip', 'link', 'add', bridgeName('qalias'), 'type', 'bridge'], { what: 'add a bridge' });
    await hostExec(['ip', 'tuntap', 'add', 'dev', tapName('qalias', 0), 'mode', 'tap'], { what: 'add a tap' });
    expect(await onHost('qalias')).toHaveLength(2);
    const status = await runCli(['cluster', 'status', '--provider', 'qemu', '--name', 'qalias']);
    expect(status.stdout + status.stderr).toContain(`link ${bridgeName('qalias')}`);
    const down = await runCli(['cluster', 'down', '--provider', 'qemu', '--name', 'qalias']);
    expect(down.code, down.stderr).toBe(0);
    expect(await onHost('qalias')).toEqual([]);
  });

  it('an up killed while its VMs boot leaves VMs that down finds without a state file', async () => {
    const c = testCluster('qcrash', dir);
    const child = spawnCli(['cluster', 'up', '--provider', 'qemu', ...c.args, '--workers', '1', ...RANGES]);
    const exited = new Promise((r) => child.on('close', r));
    const deadline = Date.now() + 240_000;
    while (!(await onHost('qcrash')).some((x) => x.startsWith('qemu pid')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await exited;
    const left = await onHost('qcrash');
    expect(left.filter((x) => x.startsWith('qemu pid')).length, left.join('\n')).toBeGreaterThan(0);
    expect(existsSync(c.statePath)).toBe(false);
    const down = await runCli(['cluster', 'down', '--provider', 'qemu', '--name', 'qcrash']);
    expect(down.code, down.stderr).toBe(0);
    expect(await onHost('qcrash')).toEqual([]);
  }, UP_MS);
});
