import { access, constants } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from '../cluster/state.ts';
import { UsageError } from '../errors.ts';
import type { NodeTransport } from '../providers/provider.ts';
import { writeManifest, type InstallManifest } from './manifest.ts';
import { writeNodeFile } from './node-files.ts';
import { checkPluginMatches, confListPath, renderConfList } from './render.ts';

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

/**
 * Installs the plugin on one node: the template rendered with the node's pod subnet, the
 * executable to /opt/cni/bin/<type> and the conflist to /etc/cni/net.d, then the manifest.
 */
export async function installOnNode(state: ClusterState, nodeName: string, node: NodeTransport, o: InstallOptions): Promise<NodeInstall> {
  const t0 = performance.now();
  const n = state.nodes.find((x) => x.name === nodeName)!;
  const list = await renderConfList(o.template, { podSubnet: n.podCidr, podNetwork: state.podNetwork, hostNetwork: state.hostNetwork });
  const type = checkPluginMatches(o.plugin, list, o.template);
  const binary = `/opt/cni/bin/${type}`;
  const confList = confListPath(list);
  // The executable first: a config whose plugin is missing would make podman fail every pod.
  await node.exec(['mkdir', '-p', '/opt/cni/bin', '/etc/cni/net.d'], { what: 'create the CNI directories' });
  await node.copy(o.plugin, binary);
  await writeNodeFile(node, confList, `${JSON.stringify(list, null, 2)}\n`);
  const manifest: InstallManifest = {
    network: list.name,
    type,
    bridge: typeof list.plugins[0]!.bridge === 'string' ? (list.plugins[0]!.bridge as string) : 'cni0',
    binary,
    confList,
    source: resolve(o.plugin),
    installedAt: new Date().toISOString(),
  };
  await writeManifest(node, manifest);
  return { manifest, ms: performance.now() - t0 };
}
