import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { deleteLinkAsync } from '../ip.ts';
import { delegate } from '../ipam.ts';
import type { Logger } from '../log.ts';
import { hostVethName } from '../names.ts';

/**
 * DEL is best effort and idempotent: it needs neither the pod's namespace nor prevResult.
 * The host end has a name derived from the attachment, and deleting it removes the pod end
 * too, so nothing is left even when CNI_NETNS is empty or already gone. The two steps are
 * independent and run side by side. The node-wide bridge and rules stay: other pods use
 * them (`plugin.sh uninstall --purge` removes them).
 */
export async function cmdDel(conf: NetConf, env: CniEnv, log: Logger): Promise<void> {
  const veth = hostVethName(env.containerId, env.ifname);
  const link = deleteLinkAsync(veth);
  const [linkDone, ipamDone] = await Promise.allSettled([link, delegate(conf, env, 'DEL')]);
  if (linkDone.status === 'fulfilled' && linkDone.value) log.info(`deleted ${veth} and ${env.ifname}`);
  for (const done of [linkDone, ipamDone]) if (done.status === 'rejected') throw done.reason;
}
