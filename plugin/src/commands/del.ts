import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { deleteLink } from '../ip.ts';
import { delegate } from '../ipam.ts';
import type { Logger } from '../log.ts';
import { hostVethName } from '../names.ts';

/**
 * DEL is best effort and idempotent: it needs neither the pod's namespace nor prevResult.
 * The host end has a name derived from the attachment, and deleting it removes the pod end
 * too, so nothing is left even when CNI_NETNS is empty or already gone. The node-wide
 * bridge and rules stay: other pods use them (`plugin.sh uninstall --purge` removes them).
 */
export function cmdDel(conf: NetConf, env: CniEnv, log: Logger): void {
  const errors: Error[] = [];
  const veth = hostVethName(env.containerId, env.ifname);
  try {
    if (deleteLink(veth)) log.info(`deleted ${veth} and ${env.ifname}`);
  } catch (err) {
    errors.push(err as Error);
  }
  try {
    delegate(conf, env, 'DEL');
  } catch (err) {
    errors.push(err as Error);
  }
  if (errors.length > 0) throw errors[0];
}
