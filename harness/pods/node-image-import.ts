import type { NodeTransport } from '../providers/provider.ts';
import { MY_NPING, POD_IMAGE, POD_PATH, type PodImage } from './pod-image.ts';

/**
 * Makes the pod image (and my-nping, so that nodes can probe too) available on one node:
 * imported under its hash tag unless the node has it, then tagged as the stable name that
 * pods.yaml uses. Returns whether it imported.
 */
export async function importPodImage(node: NodeTransport, image: PodImage): Promise<boolean> {
  const has = await node.exec(['podman', 'image', 'exists', image.ref], { allowFailure: true });
  let imported = false;
  if (has.exitCode !== 0) {
    const remote = `/var/tmp/${image.ref.split(':')[1]}.tar`;
    await node.copy(image.tar, remote);
    try {
      await node.exec(['podman', 'import', '--quiet', '--change', `ENV PATH=${POD_PATH}`, remote, image.ref], { what: `import ${image.ref}` });
    } finally {
      await node.exec(['rm', '-f', remote], { allowFailure: true });
    }
    imported = true;
  }
  await node.exec(['podman', 'tag', image.ref, POD_IMAGE], { what: `tag ${image.ref} as ${POD_IMAGE}` });
  // The node's own my-nping finds the echo passphrase in CNI_LAB_ECHO_SECRET, set on every lab machine.
  await node.copy(MY_NPING, '/usr/local/bin/my-nping');
  return imported;
}
