import { statSync } from 'node:fs';
import { CniError, ErrorCode } from './errors.ts';

const SELF = '/proc/self/ns/net';

/**
 * CNI_NETNS must be a network namespace other than the plugin's own: setting up "the pod"
 * in the node's namespace would reconfigure the node itself. Returns false if it is gone.
 */
export function netnsExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function checkNetns(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CniError(ErrorCode.InvalidEnvironment, `CNI_NETNS "${path}" does not exist: pass the path of the pod's network namespace, e.g. /run/netns/NAME or /proc/PID/ns/net`);
  }
  const self = statSync(SELF);
  // Every namespace file lives on the nsfs filesystem: same device, one inode per namespace.
  if (st.dev !== self.dev) {
    throw new CniError(ErrorCode.InvalidEnvironment, `CNI_NETNS "${path}" is not a network namespace: pass /run/netns/NAME or /proc/PID/ns/net`);
  }
  if (st.ino === self.ino) {
    throw new CniError(ErrorCode.InvalidEnvironment, `CNI_NETNS "${path}" is the plugin's own network namespace: pass the pod's namespace, not the node's`);
  }
}
