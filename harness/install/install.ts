import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from '../cluster/state.ts';
import { CommandError, UsageError } from '../errors.ts';
import type { NodeTransport } from '../providers/provider.ts';
import { readManifest, writeManifest, type InstallManifest } from './manifest.ts';
import { readNodeFile, writeNodeFile } from './node-files.ts';
import { checkPluginMatches, confListPath, renderConfList, type ConfList } from './render.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_PLUGIN = join(REPO_ROOT, 'dist', 'my-cni-plugin');
export const DEFAULT_TEMPLATE = join(REPO_ROOT, 'my-cni-plugin.conf.jsonnet');

export interface InstallOptions {
  plugin: string;
  template: string;
}

export interface NodeInstall {
  manifest: InstallManifest;
  ms: number;
}

/** Checks the options before any node is touched, quoting the bad value. */
export async function checkInstallOptions(o: InstallOptions): Promise<void> {
  try {
    await access(o.plugin, constants.X_OK);
  } catch {
    const hint = o.plugin === DEFAULT_PLUGIN ? ': build it first (npm run build)' : ': give the path of a CNI plugin executable';
    throw new UsageError(`--plugin ${o.plugin} is not an executable file${hint}`);
  }
}

/** What install will put on one node, rendered and checked before any node is changed. */
export interface NodePlan {
  node: NodeTransport;
  podCidr: string;
  list: ConfList;
  manifest: InstallManifest;
  /** The executable's sha256 here and on the node (undefined: not there). */
  localSum: string;
  remoteSum?: string;
}

/**
 * Renders the node's config and checks that the node has no other plugin installed (a second
 * network beside the first would leave the first one's files behind, unowned) and no file of
 * its own where install would write.
 */
export async function planInstall(state: ClusterState, nodeName: string, node: NodeTransport, o: InstallOptions, localSum: string): Promise<NodePlan> {
  const n = state.nodes.find((x) => x.name === nodeName)!;
  const list = await renderConfList(o.template, { podSubnet: n.podCidr, podNetwork: state.podNetwork, hostNetwork: state.hostNetwork });
  const type = checkPluginMatches(o.plugin, list, o.template);
  const manifest: InstallManifest = {
    network: list.name,
    type,
    bridge: typeof list.plugins[0]!.bridge === 'string' ? (list.plugins[0]!.bridge as string) : 'cni0',
    binary: `/opt/cni/bin/${type}`,
    confList: confListPath(list),
    source: resolve(o.plugin),
    installedAt: new Date().toISOString(),
  };
  const confText = confListText(list);
  const [present, remoteSum, remoteConf] = await Promise.all([
    readManifest(node),
    node.exec(['sha256sum', manifest.binary], { allowFailure: true }).then((r) => (r.exitCode === 0 ? r.stdout.split(' ')[0] : undefined)),
    readNodeFile(node, manifest.confList),
  ]);
  if (present && (present.network !== manifest.network || present.type !== manifest.type)) {
    throw new CommandError(
      `install ${type} (network ${list.name})`, n.name, './plugin.sh uninstall --purge', 1,
      `${present.type} is installed here (network ${present.network}): uninstall it first`,
    );
  }
  // A file that install did not put there is the machine's own: taken as it is when it has the
  // same content (and then left by uninstall), never overwritten.
  const preexisting: string[] = [];
  for (const [path, there, same] of [
    [manifest.binary, remoteSum !== undefined, remoteSum === localSum],
    [manifest.confList, remoteConf !== undefined, remoteConf === confText],
  ] as const) {
    if (!there || (present && !(present.preexisting ?? []).includes(path))) continue;
    if (!same) {
      throw new CommandError(
        `install ${type} (network ${list.name})`, n.name, `cmp ${path}`, 1,
        `${path} is already there, not put there by the lab, and differs from what install would write: move it away (the lab does not overwrite a machine's own files), or install that same file`,
      );
    }
    preexisting.push(path);
  }
  if (preexisting.length > 0) manifest.preexisting = preexisting;
  return { node, podCidr: n.podCidr, list, manifest, localSum, ...(remoteSum ? { remoteSum } : {}) };
}

const confListText = (list: ConfList): string => `${JSON.stringify(list, null, 2)}\n`;

/**
 * Installs the plugin on one node: the executable to /opt/cni/bin/<type> (skipped when the
 * node already has the same bytes: it is 95 MB), the conflist to /etc/cni/net.d, then the
 * manifest. Returns whether the executable was copied.
 */
export async function installOnNode(plan: NodePlan, o: InstallOptions): Promise<NodeInstall & { copied: boolean }> {
  const t0 = performance.now();
  const { node, manifest } = plan;
  // The executable first: a config whose plugin is missing would make podman fail every pod.
  await node.exec(['mkdir', '-p', '/opt/cni/bin', '/etc/cni/net.d'], { what: 'create the CNI directories' });
  const copied = plan.localSum !== plan.remoteSum;
  if (copied) await node.copy(o.plugin, manifest.binary);
  await writeNodeFile(node, manifest.confList, confListText(plan.list));
  await writeManifest(node, manifest);
  return { manifest, copied, ms: performance.now() - t0 };
}

/** The plugin's sha256, read once per install (95 MB) and compared with each node's copy by planInstall. */
export async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
