import type { Controller } from '../controller.ts';
import type { NodeTransport } from '../provider.ts';
import type { Inventory, InventoryNode } from './inventory.ts';

/**
 * What `up` changes on a machine it does not own, and how `down` takes exactly that back.
 * Each machine keeps its own record (CHANGES_DIR/<cluster>.changes.json), written before each
 * change is made, so that `down` reverts a crashed `up` too, and works without any local file.
 * Data reaches the machine only as arguments of fixed scripts, never as shell text.
 */

export const CHANGES_DIR = '/var/lib/cni-lab';
export const changesPath = (cluster: string): string => `${CHANGES_DIR}/${cluster}.changes.json`;
export const echoLogPath = (cluster: string): string => `${CHANGES_DIR}/${cluster}.nping-echo.log`;

export type Change =
  | { kind: 'sysctl'; key: string; old: string; new: string }
  | { kind: 'route'; dst: string; via: string }
  | { kind: 'hosts'; line: string; addedNewline: boolean }
  /** pid 0: recorded before the start, not yet known (a crash in between): found by its log file. */
  | { kind: 'echo-server'; pid: number; startTime: string; log: string };

export interface ChangeRecord {
  cluster: string;
  statePath: string;
  /** Absent in records of earlier versions: then any controller may take the record for its own. */
  owner?: Controller;
  /** Whether `up` made CHANGES_DIR (then `down` removes it once empty). */
  createdDir: boolean;
  /**
   * What podman and libcni make on first use when the lab's pods run, and that was absent at
   * `up`: `down` removes it again, once the pods are gone (BYPRODUCTS, and podman's pause
   * images by id).
   */
  absentBefore: string[];
  /** Unknown (so none is removed) until podman has answered. */
  pauseImagesBefore?: string[];
  /** The machine's network interfaces at `up`: `down` never deletes one of them (a cni0 of its own, say). */
  linksBefore?: string[];
  changes: Change[];
}

/** Files and directories podman and libcni create on first use: removed by `down` if absent at `up` (directories only when empty). */
export const BYPRODUCTS = ['/etc/cni/net.d/cni.lock', '/var/lib/cni/networks', '/var/lib/cni/results', '/var/lib/cni'];
const PAUSE_IMAGE = 'localhost/podman-pause';

/** What a machine looks like before `up`, read without changing anything. */
export interface NodeFacts {
  uid: string;
  missing: string[];
  addresses: string[];
  ipForward: string;
  hosts: string;
  /** Echo servers in the machine's own network namespace (pods' ones do not serve the node). */
  echoServers: { pid: number; args: string[] }[];
  /** Pod subnets of the other nodes that already have a route here. */
  existingRoutes: string[];
  routeToEcho: boolean;
  otherClusters: string[];
  /** This cluster's own changes file is there: an earlier `up` that no `down` took back. */
  ownRecord: boolean;
  hasDir: boolean;
  absentBefore: string[];
  links: string[];
}

const PREREQUISITES = ['ip', 'iptables', 'nping', 'podman', 'runc', 'sysctl'];

/** Lists nping processes in the caller's network namespace: one line each, pid then its argv split by spaces. */
const ECHO_SERVERS_SCRIPT = `
me=$(readlink /proc/$$/ns/net)
for d in /proc/[0-9]*; do
  [ "$(cat "$d/comm" 2>/dev/null)" = nping ] || continue
  [ "$(readlink "$d/ns/net" 2>/dev/null)" = "$me" ] || continue
  printf '%s ' "\${d#/proc/}"; tr '\\0' ' ' <"$d/cmdline"; echo
done`;

export function describeNode(n: InventoryNode): string {
  return `${n.name} (${n.user}@${n.host}:${n.port})`;
}

export async function readFacts(t: NodeTransport, inv: Inventory, node: InventoryNode, cluster: string): Promise<NodeFacts> {
  const run = async (argv: string[], what: string) => (await t.exec(argv, { what, allowFailure: true }));
  const others = inv.nodes.filter((n) => n.name !== node.name);
  // The checks never run podman: any podman command creates /etc/cni/net.d/cni.lock.
  const [uid, which, addr, fwd, hosts, echo, routes, echoRoute, absent, dir, links] = await Promise.all([
    run(['id', '-u'], 'read the user id'),
    run(['sh', '-c', 'for c in "$@"; do command -v "$c" >/dev/null 2>&1 || echo "$c"; done', 'which', ...PREREQUISITES], 'look for the tools the lab needs'),
    run(['ip', '-4', '-o', 'addr', 'show'], 'list addresses'),
    run(['cat', '/proc/sys/net/ipv4/ip_forward'], 'read net.ipv4.ip_forward'),
    run(['cat', '/etc/hosts'], 'read /etc/hosts'),
    run(['sh', '-c', ECHO_SERVERS_SCRIPT], 'list nping echo servers'),
    run(['sh', '-c', 'for c in "$@"; do [ -n "$(ip route show exact "$c")" ] && echo "$c"; done; true', 'routes', ...others.map((o) => o.podCidr)], 'look for pod subnet routes'),
    run(['ip', 'route', 'get', inv.outside.echoHostIp], 'look for a route to the echo host'),
    run(['sh', '-c', 'for p in "$@"; do [ -e "$p" ] || echo "$p"; done; true', 'absent', ...BYPRODUCTS], 'look for podman\'s files'),
    run(['sh', '-c', '[ -d "$1" ] || exit 0; echo dir; for f in "$1"/*.changes.json; do [ -e "$f" ] && echo "$f"; done; true', 'changes', CHANGES_DIR], 'look for other clusters'),
    run(['ls', '/sys/class/net'], 'list network interfaces'),
  ]);
  const dirLines = dir.stdout.split('\n').filter(Boolean);
  return {
    uid: uid.stdout.trim(),
    missing: which.stdout.split('\n').filter(Boolean),
    addresses: [...addr.stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!),
    ipForward: fwd.stdout.trim(),
    hosts: hosts.stdout,
    echoServers: echo.stdout.split('\n').filter(Boolean).map((l) => {
      const [pid, ...args] = l.trim().split(' ');
      return { pid: Number(pid), args };
    }),
    existingRoutes: routes.stdout.split('\n').filter(Boolean),
    routeToEcho: echoRoute.exitCode === 0,
    otherClusters: dirLines.filter((l) => l !== 'dir' && l !== changesPath(cluster)).map((f) => f.slice(CHANGES_DIR.length + 1, -'.changes.json'.length)),
    ownRecord: dirLines.includes(changesPath(cluster)),
    hasDir: dirLines.includes('dir'),
    absentBefore: absent.stdout.split('\n').filter(Boolean),
    links: links.stdout.split(/\s+/).filter(Boolean),
  };
}

/** The secret an `nping --echo-server` runs with, and whether it has --no-crypto. */
function echoArgs(args: string[]): { secret?: string; noCrypto: boolean } {
  const i = args.indexOf('--echo-server');
  return { ...(i >= 0 && args[i + 1] ? { secret: args[i + 1] } : {}), noCrypto: args.includes('--no-crypto') };
}

/** Every reason this machine cannot take part, each with its fix; empty when it can. */
export function checkFacts(f: NodeFacts, inv: Inventory, node: InventoryNode, cluster: string): string[] {
  const problems: string[] = [];
  if (f.uid !== '0') {
    problems.push(`logs in as ${node.user} (uid ${f.uid || '?'}), not root: the lab runs ip, iptables, sysctl and podman as root; give user: root (or a login with uid 0)`);
  }
  if (f.missing.length > 0) {
    problems.push(`has no ${f.missing.join(', ')} on PATH: install them (Debian: apt-get install iproute2 iptables nmap podman runc procps)`);
  }
  if (!f.addresses.includes(node.nodeIp)) {
    problems.push(`nodeIp ${node.nodeIp} is not an address of this machine (it has ${f.addresses.join(', ') || 'none'}): fix nodeIp in the inventory`);
  }
  if (!f.routeToEcho) problems.push(`has no route to the echo host ${inv.outside.echoHostIp}: give it a default route or one to ${inv.outside.network}`);
  for (const s of f.echoServers) {
    const a = echoArgs(s.args);
    if (a.secret === undefined) continue;
    if (a.secret !== inv.outside.echoSecret) {
      problems.push(`already runs an nping echo server (pid ${s.pid}) with another passphrase, and only one can listen: stop it, or set outside.echoSecret to its passphrase`);
    } else if (!a.noCrypto) {
      problems.push(`runs an nping echo server (pid ${s.pid}) without --no-crypto, which the lab's probes need: restart it with --no-crypto`);
    }
  }
  const mapped = hostsEntries(f.hosts).filter((e) => e.names.includes(inv.outside.echoHostName) && e.ip !== inv.outside.echoHostIp);
  if (mapped.length > 0) {
    problems.push(`/etc/hosts maps ${inv.outside.echoHostName} to ${mapped[0]!.ip}, not to echoHostIp ${inv.outside.echoHostIp}: remove that line, or set outside.echoHostName to another name`);
  }
  if (f.ownRecord) {
    // Preparing over it would lose what it lists: the new record would take its changes for the machine's own.
    problems.push(`still has ${changesPath(cluster)} from an earlier up of this cluster that no down took back: \`./cluster.sh down --provider ssh --name ${cluster} --inventory ${inv.file}\` first`);
  }
  if (f.otherClusters.length > 0) {
    problems.push(`is already prepared for lab cluster ${f.otherClusters.join(', ')}: \`./cluster.sh down --provider ssh --name ${f.otherClusters[0]}\` first (one lab cluster per machine)`);
  }
  return problems;
}

function hostsEntries(text: string): { ip: string; names: string[] }[] {
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)).filter((w) => w.length > 1).map(([ip, ...names]) => ({ ip: ip!, names }));
}

/** The one line `up` adds to /etc/hosts, recognisable by its comment. */
export const hostsLine = (inv: Inventory, cluster: string): string => `${inv.outside.echoHostIp} ${inv.outside.echoHostName} # cni-lab ${cluster}`;

export async function writeRecord(t: NodeTransport, record: ChangeRecord): Promise<void> {
  await t.exec(
    ['sh', '-c', 'mkdir -p "$1" && printf "%s\\n" "$3" >"$2.tmp" && mv "$2.tmp" "$2"', 'record', CHANGES_DIR, changesPath(record.cluster), JSON.stringify(record, null, 2)],
    { what: `record the lab's changes in ${changesPath(record.cluster)}` },
  );
}

export async function readRecord(t: NodeTransport, cluster: string): Promise<ChangeRecord | undefined> {
  const r = await t.exec(['cat', changesPath(cluster)], { what: `read ${changesPath(cluster)}`, allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as ChangeRecord;
  } catch (e) {
    throw new Error(`${t.node}: ${changesPath(cluster)} is not JSON (${(e as Error).message}): revert it by hand from its content, then remove it`, { cause: e });
  }
}

/**
 * Prepares one machine, recording each change before making it: IP forwarding, routes to the
 * other nodes' pod subnets (the seed's GCP routes; only the absent ones), the echo host's
 * name, and an echo server with the cluster's passphrase unless one runs. Returns what changed.
 */
export async function prepareNode(
  t: NodeTransport, inv: Inventory, node: InventoryNode, f: NodeFacts, cluster: string, statePath: string, owner: Controller,
): Promise<Change[]> {
  const record: ChangeRecord = { cluster, statePath, owner, createdDir: !f.hasDir, absentBefore: f.absentBefore, linksBefore: f.links, changes: [] };
  await writeRecord(t, record);
  // Only now, with the record written: podman creates cni.lock, which absentBefore may name.
  const pause = await t.exec(['podman', 'images', '--noheading', '--filter', `reference=${PAUSE_IMAGE}`, '--format', '{{.ID}}'], { what: 'list podman\'s pause images' });
  record.pauseImagesBefore = [...new Set(pause.stdout.split('\n').filter(Boolean))];
  const change = async (c: Change, make: () => Promise<unknown>): Promise<void> => {
    record.changes.push(c);
    await writeRecord(t, record);
    await make();
  };
  await writeRecord(t, record);
  if (f.ipForward !== '1') {
    await change({ kind: 'sysctl', key: 'net.ipv4.ip_forward', old: f.ipForward, new: '1' }, () =>
      t.exec(['sysctl', '-qw', 'net.ipv4.ip_forward=1'], { what: 'turn on IP forwarding' }));
  }
  for (const other of inv.nodes) {
    if (other.name === node.name || f.existingRoutes.includes(other.podCidr)) continue;
    await change({ kind: 'route', dst: other.podCidr, via: other.nodeIp }, () =>
      t.exec(['ip', 'route', 'add', other.podCidr, 'via', other.nodeIp], { what: `route ${other.name}'s pods (${other.podCidr}) via ${other.nodeIp}` }));
  }
  const hasName = hostsEntries(f.hosts).some((e) => e.names.includes(inv.outside.echoHostName));
  if (!hasName) {
    const line = hostsLine(inv, cluster);
    const addedNewline = f.hosts !== '' && !f.hosts.endsWith('\n');
    await change({ kind: 'hosts', line, addedNewline }, () =>
      t.exec(['sh', '-c', 'printf "%s%s\\n" "$1" "$2" >>/etc/hosts', 'hosts', addedNewline ? '\n' : '', line], { what: `add ${inv.outside.echoHostName} to /etc/hosts` }));
  }
  const running = f.echoServers.some((s) => echoArgs(s.args).secret === inv.outside.echoSecret);
  if (!running) {
    // setsid: the server leaves the SSH session's process group and outlives it; every
    // descriptor is redirected, so the channel closes at once.
    const log = echoLogPath(cluster);
    // Recorded before it starts, as every change: a crash right after the start leaves a
    // record that `down` follows to the server by its log file.
    const pending: Change = { kind: 'echo-server', pid: 0, startTime: '', log };
    record.changes.push(pending);
    await writeRecord(t, record);
    const started = await t.exec(
      ['sh', '-c', 'setsid nping --echo-server "$1" --no-crypto --interface any >"$2" 2>&1 </dev/null & echo $!', 'echo', inv.outside.echoSecret, log],
      { what: 'start an nping echo server' },
    );
    // Its pid and start time (kept across setsid's exec of nping) are recorded at once, so that
    // `down` stops it by pid even when the check below finds it not yet, or no longer, nping.
    const pid = Number(started.stdout.trim());
    const first = await t.exec(['cat', `/proc/${pid}/stat`], { what: 'read the echo server\'s start time', allowFailure: true });
    const startTime = first.exitCode === 0 ? startTimeOf(first.stdout) : '';
    Object.assign(pending, { pid, startTime });
    await writeRecord(t, record);
    await new Promise((r) => setTimeout(r, 500));
    const st = await t.exec(['cat', `/proc/${pid}/stat`], { what: 'check the echo server', allowFailure: true });
    if (st.exitCode !== 0 || !st.stdout.includes('(nping)') || startTimeOf(st.stdout) !== startTime) {
      // The log stays for the revert that follows a failed up (it removes it).
      const out = await t.exec(['cat', log], { allowFailure: true });
      throw new Error(`${describeNode(node)}: nping --echo-server is not running 0.5 s after its start: ${out.stdout.trim().split('\n').slice(-3).join(' / ') || 'no output'}`);
    }
  }
  return record.changes;
}

/** Field 22 of /proc/PID/stat (after the parenthesised command name): tells a reused pid apart. */
function startTimeOf(stat: string): string {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

export function describeChange(c: Change): string {
  switch (c.kind) {
    case 'sysctl': return `${c.key} ${c.old} -> ${c.new}`;
    case 'route': return `route ${c.dst} via ${c.via}`;
    case 'hosts': return `/etc/hosts line "${c.line}"`;
    case 'echo-server': return c.pid ? `nping echo server pid ${c.pid}` : `nping echo server writing to ${c.log} (its start was not recorded)`;
  }
}

/** Takes back one change; each is checked first, so reverting twice, or a change never made, does nothing. */
export async function revertChange(t: NodeTransport, c: Change): Promise<void> {
  switch (c.kind) {
    case 'echo-server': {
      if (c.pid === 0) {
        // Started (maybe) but never recorded: the nping whose output goes to the lab's log file.
        await t.exec(['sh', '-c', 'for d in /proc/[0-9]*; do [ "$(cat "$d/comm" 2>/dev/null)" = nping ] && [ "$(readlink "$d/fd/1")" = "$1" ] && kill -KILL "${d#/proc/}"; done; true', 'echo', c.log], {
          what: `stop the echo server writing to ${c.log}`,
        });
        await t.exec(['rm', '-f', c.log], { what: `remove ${c.log}` });
        return;
      }
      const st = await t.exec(['cat', `/proc/${c.pid}/stat`], { allowFailure: true });
      // nping ignores SIGTERM (README): SIGKILL, only if the pid is still the server it started.
      if (st.exitCode === 0 && st.stdout.includes('(nping)') && startTimeOf(st.stdout) === c.startTime) {
        await t.exec(['kill', '-KILL', String(c.pid)], { what: `stop the echo server (pid ${c.pid})` });
      }
      await t.exec(['rm', '-f', c.log], { what: `remove ${c.log}` });
      return;
    }
    case 'hosts':
      await removeHostsLine(t, c.line, c.addedNewline);
      return;
    case 'route': {
      const r = await t.exec(['ip', 'route', 'show', 'exact', c.dst], { what: `look for the route to ${c.dst}` });
      if (r.stdout.includes(`via ${c.via} `)) await t.exec(['ip', 'route', 'del', c.dst, 'via', c.via], { what: `remove the route to ${c.dst}` });
      return;
    }
    case 'sysctl':
      await t.exec(['sysctl', '-qw', `${c.key}=${c.old}`], { what: `restore ${c.key}` });
      return;
  }
}

/**
 * Removes the lab's line from a hosts file on the machine, and the newline `up` put before it
 * when the file did not end in one. The file is edited there, never sent as an argument (a
 * large hosts file is over the kernel's 128 KiB limit for one), and written in place, not
 * renamed over, so that a bind-mounted /etc/hosts keeps working.
 */
export async function removeHostsLine(t: NodeTransport, line: string, addedNewline: boolean, file = '/etc/hosts'): Promise<void> {
  await t.exec(['sh', '-c', REMOVE_HOSTS_LINE, 'hosts', file, line, addedNewline ? '1' : '0'], { what: `remove the lab's line from ${file}` });
}

const REMOVE_HOSTS_LINE = `
grep -qxF -- "$2" "$1" || exit 0
tmp=$(mktemp) || exit 1
last=$(tail -n 1 "$1")
grep -vxF -- "$2" "$1" >"$tmp"
if [ "$3" = 1 ] && [ "$last" = "$2" ] && [ -s "$tmp" ]; then head -c -1 "$tmp" >"$1"; else cat "$tmp" >"$1"; fi
ok=$?; rm -f "$tmp"; exit $ok`;

/** Podman's pause images and libcni's files that appeared since `up` (the lab's pods made them); call once the pods are gone. */
export async function removeByproducts(t: NodeTransport, record: ChangeRecord): Promise<string[]> {
  const removed: string[] = [];
  const pause = await t.exec(['podman', 'images', '--noheading', '--filter', `reference=${PAUSE_IMAGE}`, '--format', '{{.ID}}'], { allowFailure: true });
  const before = record.pauseImagesBefore;
  const fresh = before ? [...new Set(pause.stdout.split('\n').filter(Boolean))].filter((id) => !before.includes(id)) : [];
  // Without --force: a pause image that some other pod uses now stays.
  if (fresh.length > 0 && (await t.exec(['podman', 'rmi', ...fresh], { allowFailure: true })).exitCode === 0) removed.push(`${PAUSE_IMAGE} (${fresh.length})`);
  for (const p of BYPRODUCTS.filter((b) => (record.absentBefore ?? []).includes(b))) {
    // Files only if empty, directories only if empty: nothing that holds data is removed.
    const r = await t.exec(['sh', '-c', 'if [ -d "$1" ]; then rmdir "$1"; elif [ -f "$1" ] && [ ! -s "$1" ]; then rm -f "$1"; else exit 1; fi', 'byproduct', p], { allowFailure: true });
    if (r.exitCode === 0) removed.push(p);
  }
  return removed;
}

/** Reverts a record in reverse order, then removes it (and the directory, if `up` made it and it is empty). */
export async function revertRecord(t: NodeTransport, record: ChangeRecord): Promise<void> {
  for (const c of [...record.changes].reverse()) await revertChange(t, c);
  await t.exec(['rm', '-f', changesPath(record.cluster)], { what: `remove ${changesPath(record.cluster)}` });
  if (record.createdDir) await t.exec(['rmdir', CHANGES_DIR], { allowFailure: true });
}
