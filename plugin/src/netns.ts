import { CniError, ErrorCode } from './errors.ts';

const SELF = '/proc/self/ns/net';

const stat = async (path: string) => Bun.file(path).stat().catch(() => undefined);

/** Whether the path still exists (a namespace that was deleted leaves nothing). */
export const netnsExists = async (path: string): Promise<boolean> => (await stat(path)) !== undefined;

/**
 * CNI_NETNS must be a network namespace other than the plugin's own: setting up "the pod"
 * in the node's namespace would reconfigure the node itself.
 */
export async function checkNetns(path: string): Promise<void> {
  const [st, self] = await Promise.all([stat(path), stat(SELF)]);
  if (!st) {
    throw new CniError(ErrorCode.InvalidEnvironment, `CNI_NETNS "${path}" does not exist: pass the path of the pod's network namespace, e.g. /run/netns/NAME or /proc/PID/ns/net`);
  }
  // Every namespace file lives on the nsfs filesystem: same device, one inode per namespace.
  if (!self || st.dev !== self.dev) {
    throw new CniError(ErrorCode.InvalidEnvironment, `CNI_NETNS "${path}" is not a network namespace: pass /run/netns/NAME or /proc/PID/ns/net`);
  }
  if (st.ino === self.ino) {
    throw new CniError(ErrorCode.InvalidEnvironment, `CNI_NETNS "${path}" is the plugin's own network namespace: pass the pod's namespace, not the node's`);
  }
}
