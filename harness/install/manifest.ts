import type { NodeTransport } from '../providers/provider.ts';
import { readNodeFile, writeNodeFile } from './node-files.ts';

/**
 * What `install` put on a node, kept on the node itself so that `uninstall`, `apply` (which
 * network to run pods on) and `--purge` (what to revert) know it without any local state.
 */
export interface InstallManifest {
  /** The CNI network name: podman's --network, the IPAM store's directory. */
  network: string;
  /** The plugin type, also the executable's name in /opt/cni/bin. */
  type: string;
  /** The bridge named in the config (default cni0): purge removes it. */
  bridge: string;
  binary: string;
  confList: string;
  /**
   * The files of `binary` and `confList` that the node had before install, with the same
   * content (a machine the lab does not own, say /opt/cni/bin/bridge of its own): uninstall
   * leaves them. Absent in manifests written before this field.
   */
  preexisting?: string[];
  /** Where the executable came from on the machine that installed it. */
  source: string;
  installedAt: string;
}

export const MANIFEST_PATH = '/var/lib/cni-lab/install.json';
/** A plain uninstall moves the manifest here, so that a later `uninstall --purge` still knows what to revert. */
export const UNINSTALLED_PATH = '/var/lib/cni-lab/uninstalled.json';

export async function readManifest(node: NodeTransport, path = MANIFEST_PATH): Promise<InstallManifest | undefined> {
  const text = await readNodeFile(node, path);
  return text === undefined ? undefined : (JSON.parse(text) as InstallManifest);
}

export function writeManifest(node: NodeTransport, m: InstallManifest): Promise<void> {
  return writeNodeFile(node, MANIFEST_PATH, `${JSON.stringify(m, null, 2)}\n`);
}
