import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { PlannedNode } from '../../cluster/topology.ts';
import { MachineStartError, tail } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';
import { openSsh } from '../ssh/connection.ts';
import type { Accel } from './accel.ts';
import type { VmImage } from './image.ts';
import { labMac, MGMT_GUEST_IP, MGMT_MAC, MGMT_NETWORK, vmName } from './names.ts';

export interface VmSpec {
  cluster: string;
  node: PlannedNode;
  /** The node's prefix length on the host network. */
  hostPrefix: number;
  gateway: string;
  nameserver: string;
  tap: string;
  image: VmImage;
  overlay: string;
  console: string;
  pidFile: string;
  /** The host directory the VM mounts read-only at SHARE_MOUNT (virtio-9p). */
  share: string;
  sshPort: number;
  /** The base64 body of the lab's ed25519 public key. */
  publicKey: string;
  echoSecret: string;
  accel: Accel;
  memoryMb: number;
}

/** The kernel command line: what cni-lab-vm-init reads (image/rootfs/usr/local/sbin). */
export function kernelArgs(s: VmSpec): string {
  const mgmtPrefix = MGMT_NETWORK.split('/')[1];
  return [
    // The kernel's messages stay on: a VM that hangs shows in its console log how far it got.
    'console=ttyS0', 'panic=-1',
    `cnilab.cluster=${s.cluster}`,
    `cnilab.name=${s.node.name}`,
    `cnilab.mac=${labMac(s.node.ip)}`,
    `cnilab.ip=${s.node.ip}/${s.hostPrefix}`,
    `cnilab.gw=${s.gateway}`,
    `cnilab.mgmtmac=${MGMT_MAC}`,
    `cnilab.mgmtip=${MGMT_GUEST_IP}/${mgmtPrefix}`,
    `cnilab.key=${s.publicKey}`,
    `cnilab.echo=${s.echoSecret}`,
    `cnilab.dns=${s.nameserver}`,
  ].join(' ');
}

export function qemuArgv(s: VmSpec): string[] {
  const [mgmtNet] = MGMT_NETWORK.split('/');
  const mgmtHost = mgmtNet!.replace(/\.0$/, '.2');
  return [
    'qemu-system-x86_64',
    '-name', `guest=${vmName(s.cluster, s.node.name)}`,
    '-machine', 'q35',
    ...(s.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max']), // max: RDRAND, so sshd does not wait for entropy
    '-m', String(s.memoryMb), '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-kernel', s.image.kernel, '-initrd', s.image.initrd, '-append', kernelArgs(s),
    '-drive', `file=${s.overlay},if=virtio,format=qcow2`,
    // SSH from this machine only, on loopback; restrict=on: the VM reaches nothing through it.
    '-netdev', `user,id=mgmt,restrict=on,net=${MGMT_NETWORK},host=${mgmtHost},hostfwd=tcp:127.0.0.1:${s.sshPort}-${MGMT_GUEST_IP}:22`,
    '-device', `virtio-net-pci,netdev=mgmt,mac=${MGMT_MAC}`,
    '-netdev', `tap,id=lab,ifname=${s.tap},script=no,downscript=no`,
    '-device', `virtio-net-pci,netdev=lab,mac=${labMac(s.node.ip)}`,
    '-virtfs', `local,path=${s.share},mount_tag=cnilab,security_model=none,readonly=on`,
    '-serial', `file:${s.console}`,
    '-pidfile', s.pidFile,
    '-daemonize',
  ];
}

/** Starts the VM in the background (qemu -daemonize returns once the VM runs); returns its pid. */
export async function startVm(s: VmSpec): Promise<number> {
  await hostExec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', s.image.rootDisk, '-F', 'raw', s.overlay], {
    what: `create the root disk overlay of ${s.node.name}`,
  });
  try {
    await hostExec(qemuArgv(s), { what: `start VM ${s.node.name}` });
  } catch (e) {
    // The failed command line holds the echo passphrase (in -append).
    const why = (e as Error).message.split(s.echoSecret).join('<secret>');
    throw new MachineStartError(s.node.name, why, await consoleTail(s.console, s.echoSecret), { cause: e });
  }
  return Number((await readFile(s.pidFile, 'utf8')).trim());
}

/** The console's last lines; `secret` (on the kernel command line, which the kernel prints) shows as <secret>. */
export async function consoleTail(file: string, secret: string, lines = 15): Promise<string> {
  const text = (await readFile(file, 'utf8').catch(() => '')).split(secret).join('<secret>');
  return tail(text.replace(/\r/g, ''), lines) || '(the console log is empty)';
}

/** A free TCP port on 127.0.0.1 for a VM's SSH forward (qemu binds it a moment later). */
export async function freePort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  // The kernel may hand out a port again once it is closed: one per VM needs the ones picked so far.
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    if (!taken.has(port)) return port;
  }
}

export interface RunningVm {
  pid: number;
  cluster: string;
  node: string;
}

/**
 * The qemu processes of a cluster, found in /proc by their command line: `-name
 * guest=cni-lab-<cluster>-<node>` and `cnilab.cluster=<cluster>` in -append (a cluster
 * name can be another's prefix; the second is exact).
 */
export async function runningVms(cluster: string): Promise<RunningVm[]> {
  const out: RunningVm[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).split('\0');
    if (!argv[0]?.endsWith('qemu-system-x86_64')) continue;
    const append = argv[argv.indexOf('-append') + 1] ?? '';
    if (!append.split(' ').includes(`cnilab.cluster=${cluster}`)) continue;
    const node = /(?:^| )cnilab\.name=(\S+)/.exec(append)?.[1] ?? '?';
    out.push({ pid: Number(entry), cluster, node });
  }
  return out;
}

/** Whether the process runs: a zombie (exited, not yet reaped by its parent) does not. */
export function alive(pid: number): boolean {
  try {
    // The state is the field after the parenthesised command name.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Waits until the VM's init has printed its SSH host key on the console and an SSH
 * connection with that key succeeds; returns the key. A VM that exits, or does not answer
 * in time, fails naming the VM with the tail of its console log.
 */
export async function waitForSsh(
  s: VmSpec,
  pid: number,
  privateKey: Buffer,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'the console never showed the host key';
  for (;;) {
    signal?.throwIfAborted();
    if (!alive(pid)) throw new MachineStartError(s.node.name, `VM ${vmName(s.cluster, s.node.name)} exited while booting`, await consoleTail(s.console, s.echoSecret));
    const log = await readFile(s.console, 'utf8').catch(() => '');
    const hostKey = /cni-lab: host key ssh-ed25519 (\S+)/.exec(log)?.[1];
    if (hostKey && log.includes('cni-lab: vm ready')) {
      try {
        const client = await openSsh(s.node.name, { host: '127.0.0.1', port: s.sshPort, user: 'root', privateKey, hostKey, readyTimeoutMs: 10_000 });
        client.end();
        return hostKey;
      } catch (e) {
        lastError = (e as Error).message;
      }
    }
    if (Date.now() > deadline) {
      throw new MachineStartError(
        s.node.name,
        `VM ${vmName(s.cluster, s.node.name)} did not answer SSH on 127.0.0.1:${s.sshPort} within ${Math.round(timeoutMs / 1000)} s (${lastError}); console log ${s.console}`,
        await consoleTail(s.console, s.echoSecret),
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
