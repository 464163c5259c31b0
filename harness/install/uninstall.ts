import { CommandError } from '../errors.ts';
import type { NodeTransport } from '../providers/provider.ts';
import { MANIFEST_PATH, readManifest, UNINSTALLED_PATH, type InstallManifest } from './manifest.ts';
import { purgePlan, ruleOwner } from './purge-plan.ts';

export interface NodeUninstall {
  manifest?: InstallManifest;
  removed: string[];
}

/**
 * Throws when podman still runs pods on the installed network: their DEL needs the plugin,
 * and without it their addresses, veths and namespaces would stay behind. Checked on every
 * node before any node is changed.
 */
export async function checkNoPods(node: NodeTransport): Promise<void> {
  const m = await readManifest(node);
  if (!m) return;
  const res = await node.exec(['podman', 'ps', '-a', '--pod', '--filter', `network=${m.network}`, '--format', '{{.PodName}}'], {
    what: `list pods on network ${m.network}`,
  });
  const pods = [...new Set(res.stdout.split('\n').filter(Boolean))];
  if (pods.length > 0) {
    throw new CommandError(
      `uninstall ${m.type}`, node.node, 'npx cni-lab delete -f pods.yaml', 1,
      `pods still on network ${m.network}: ${pods.join(', ')}; delete them first, so that the plugin can release their addresses`,
    );
  }
}

/**
 * Removes what install put on the node; with purge also what the plugin set up: its bridge,
 * its iptables rules and chains, the IPAM store and libcni's cached results of the network
 * (and our plugin's log and lock file). A purge after a plain uninstall still works.
 */
export async function uninstallFromNode(node: NodeTransport, purge: boolean, keep: { links?: string[] } = {}): Promise<NodeUninstall> {
  const m = await readManifest(node);
  const removed: string[] = [];
  if (m) {
    const ours = [m.binary, m.confList].filter((f) => !(m.preexisting ?? []).includes(f));
    if (ours.length > 0) await node.exec(['rm', '-f', ...ours], { what: `remove ${m.type}` });
    await node.exec(['mv', MANIFEST_PATH, UNINSTALLED_PATH], { what: 'keep the manifest for a later purge' });
    removed.push(...ours);
  }
  const gone = m ?? (purge ? await readManifest(node, UNINSTALLED_PATH) : undefined);
  if (purge && gone) {
    removed.push(...(await purgeNode(node, gone, keep.links ?? [])));
    await node.exec(['rm', '-f', UNINSTALLED_PATH], { what: 'forget the uninstalled plugin' });
  }
  return { ...(gone ? { manifest: gone } : {}), removed };
}

/** `keepLinks`: interfaces that were there before the lab came (a machine it does not own): never deleted. */
async function purgeNode(node: NodeTransport, m: InstallManifest, keepLinks: string[]): Promise<string[]> {
  const removed: string[] = [];
  const link = await node.exec(['ip', 'link', 'show', 'dev', m.bridge], { allowFailure: true });
  if (link.exitCode === 0 && !keepLinks.includes(m.bridge)) {
    await node.exec(['ip', 'link', 'delete', 'dev', m.bridge], { what: `delete bridge ${m.bridge}` });
    removed.push(`bridge ${m.bridge}`);
  }
  const save = (await node.exec(['iptables-save'], { what: 'read iptables rules' })).stdout;
  const plan = purgePlan(save, ruleOwner(m.type, m.network));
  if (plan) {
    // The plan goes in as an argument of a fixed script, never spliced into shell text.
    await node.exec(['sh', '-c', 'printf %s "$1" | iptables-restore --wait --noflush', 'purge', plan], { what: `remove the iptables rules of ${m.type}` });
    removed.push(`${plan.split('\n').filter((l) => /^-[DX] /.test(l)).length} iptables rules and chains`);
  }
  const store = `/var/lib/cni/networks/${m.network}`;
  const files = ['rm', '-rf', store];
  if (m.type === 'my-cni-plugin') files.push('/var/log/my-cni-plugin.log', '/run/my-cni-plugin.lock');
  await node.exec(files, { what: 'remove the IPAM store' });
  await node.exec(['find', '/var/lib/cni/results', '-maxdepth', '1', '-name', `${m.network}-*`, '-delete'], { what: 'remove cached CNI results', allowFailure: true });
  removed.push(store);
  return removed;
}
