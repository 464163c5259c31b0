import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { CniError, ErrorCode } from '../errors.ts';
import { listLinks } from '../ip.ts';
import { delegate, findIpamPlugin, ipamVersions } from '../ipam.ts';
import { iptablesSave, missingRules } from '../iptables.ts';
import { parseVethAlias } from '../names.ts';
import { ipForwardEnabled } from '../sysctl.ts';
import { atLeast } from '../versions.ts';

const TOOLS = ['ip', 'nsenter', 'iptables-save', 'iptables-restore'];
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * STATUS: exit 0 when an ADD could succeed now. Otherwise code 50, or 51 when pods are
 * already attached and the node-wide datapath they rely on is damaged as well.
 */
export async function cmdStatus(conf: NetConf, env: CniEnv): Promise<void> {
  if (!atLeast(conf.cniVersion, '1.1.0')) {
    throw new CniError(ErrorCode.IncompatibleVersion, `config version ${conf.cniVersion} does not allow STATUS`, 'STATUS needs cniVersion 1.1.0');
  }
  const reasons = TOOLS.filter((tool) => !Bun.which(tool, { PATH: process.env.PATH || DEFAULT_PATH })).map((tool) => `${tool} is not installed`);
  let ipamFound = true;
  try {
    findIpamPlugin(conf, env);
  } catch (err) {
    ipamFound = false;
    reasons.push((err as Error).message);
  }
  if (ipamFound && ipamVersions(conf, env).includes('1.1.0')) {
    try {
      await delegate(conf, env, 'STATUS');
    } catch (err) {
      reasons.push((err as Error).message);
    }
  }
  if (reasons.length === 0) return;
  const damage = reasons.some((r) => r.includes('ip is not')) ? [] : await attachedButDamaged(conf);
  const code = damage.length > 0 ? ErrorCode.NotAvailableLimitedConnectivity : ErrorCode.NotAvailable;
  throw new CniError(code, `my-cni-plugin cannot add pods on this node: ${reasons.join('; ')}`, damage.length > 0 ? `existing pods may have limited connectivity: ${damage.join('; ')}` : undefined);
}

/** What is wrong with the shared datapath, if this network has pods attached. */
async function attachedButDamaged(conf: NetConf): Promise<string[]> {
  let links;
  try {
    links = listLinks();
  } catch {
    return [];
  }
  const attached = links.some((l) => parseVethAlias(l.ifalias ?? '')?.network === conf.name);
  if (!attached) return [];
  const out: string[] = [];
  const bridge = links.find((l) => l.ifname === conf.bridge);
  if (!bridge?.flags.includes('UP')) out.push(`bridge ${conf.bridge} is missing or down`);
  if (!(await ipForwardEnabled())) out.push('net.ipv4.ip_forward is 0');
  try {
    if (missingRules(conf, iptablesSave())) out.push('iptables rules are missing');
  } catch {
    out.push('iptables rules cannot be read');
  }
  return out;
}
