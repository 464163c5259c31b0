import { readManifest, UNINSTALLED_PATH } from '../../install/manifest.ts';
import { uninstallFromNode } from '../../install/uninstall.ts';
import { POD_IMAGE_NAME } from '../../pods/pod-image.ts';
import type { NodeTransport } from '../provider.ts';

/**
 * What the lab's later commands leave on a machine after `up`: the pods `cni-lab apply` ran,
 * the plugin `./plugin.sh install` put there (and what the plugin set up), the pod image and
 * my-nping. Other providers' `down` removes these with the machine; on a machine the lab does
 * not own, `down` removes them one by one, found by the harness's own records on the machine,
 * because after `down` no state file is left to run `cni-lab delete` or `plugin.sh uninstall`.
 */

/** Where the podman runtime keeps each pod's manifest (harness/pods/podman-runtime.ts). */
const POD_DIR = '/var/lib/cni-lab/pods';
const MY_NPING_PATH = '/usr/local/bin/my-nping';

export interface Residue {
  pods: string[];
  plugin?: string;
  images: string[];
  myNping: boolean;
}

export async function findResidue(t: NodeTransport): Promise<Residue> {
  const [pods, installed, uninstalled, images, nping] = await Promise.all([
    t.exec(['sh', '-c', 'for f in "$1"/*.yaml "$1"/*.event; do [ -e "$f" ] && basename "$f"; done | sed "s/\\.[a-z]*$//" | sort -u', 'pods', POD_DIR], { what: 'list the lab\'s pods' }),
    readManifest(t),
    readManifest(t, UNINSTALLED_PATH),
    t.exec(['podman', 'images', '--noheading', '--filter', `reference=${POD_IMAGE_NAME}`, '--format', '{{.ID}}'], { allowFailure: true }),
    t.exec(['test', '-e', MY_NPING_PATH], { allowFailure: true }),
  ]);
  const m = installed ?? uninstalled;
  return {
    pods: pods.stdout.split('\n').filter(Boolean),
    ...(m ? { plugin: `${m.type}${installed ? '' : ' (uninstalled, not purged)'}` } : {}),
    images: [...new Set(images.exitCode === 0 ? images.stdout.split('\n').filter(Boolean) : [])],
    myNping: nping.exitCode === 0,
  };
}

export function describeResidue(r: Residue): string[] {
  return [
    ...r.pods.map((p) => `pod ${p}`),
    ...(r.plugin ? [`CNI plugin ${r.plugin} and what it set up`] : []),
    ...(r.images.length > 0 ? [`pod image ${POD_IMAGE_NAME} (${r.images.length})`] : []),
    ...(r.myNping ? [MY_NPING_PATH] : []),
  ];
}

/** Pods first (podman runs the plugin's DEL for each), then the plugin with --purge, then the image. */
export async function removeResidue(t: NodeTransport, r: Residue, linksBefore: string[] = []): Promise<void> {
  for (const pod of r.pods) {
    // --time 0: nping ignores SIGTERM. A pod podman no longer knows is only forgotten.
    await t.exec(['podman', 'pod', 'stop', '--time', '0', pod], { what: `stop pod ${pod}`, allowFailure: true });
    const rm = await t.exec(['podman', 'pod', 'rm', '--force', pod], { what: `remove pod ${pod}`, allowFailure: true });
    const exists = await t.exec(['podman', 'pod', 'exists', pod], { allowFailure: true });
    if (exists.exitCode === 0) throw new Error(`${t.node}: podman pod rm ${pod} failed: ${rm.stderr.trim()}`);
    await t.exec(['rm', '-f', `${POD_DIR}/${pod}.yaml`, `${POD_DIR}/${pod}.event`], { what: `forget pod ${pod}` });
  }
  await t.exec(['sh', '-c', '[ ! -d "$1" ] || rmdir "$1" 2>/dev/null || true', 'pods', POD_DIR], { allowFailure: true });
  // A bridge of the same name that the machine had before `up` is the machine's own, not the plugin's.
  if (r.plugin) await uninstallFromNode(t, true, { links: linksBefore });
  if (r.images.length > 0) await t.exec(['podman', 'rmi', '--force', ...r.images], { what: `remove the pod image ${POD_IMAGE_NAME}` });
  if (r.myNping) await t.exec(['rm', '-f', MY_NPING_PATH], { what: `remove ${MY_NPING_PATH}` });
}
