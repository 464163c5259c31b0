import type { NetConf } from '../config.ts';
import type { CniEnv } from '../env.ts';
import { CniError, ErrorCode } from '../errors.ts';
import { deleteLink, listLinks } from '../ip.ts';
import { delegate, ipamVersions } from '../ipam.ts';
import type { Logger } from '../log.ts';
import { parseVethAlias } from '../names.ts';
import { atLeast } from '../versions.ts';

interface Attachment {
  containerId: string;
  ifname: string;
}
const key = (a: Attachment): string => `${a.containerId}/${a.ifname}`;

/**
 * GC: remove every attachment of this network that is not in cni.dev/valid-attachments:
 * its host veth (found by its alias) and its address. Errors are collected, not fatal.
 */
export async function cmdGc(conf: NetConf, env: CniEnv, log: Logger): Promise<void> {
  if (!atLeast(conf.cniVersion, '1.1.0')) {
    throw new CniError(ErrorCode.IncompatibleVersion, `config version ${conf.cniVersion} does not allow GC`, 'GC needs cniVersion 1.1.0');
  }
  const valid = new Set(validAttachments(conf).map(key));
  const errors: string[] = [];
  const stale = new Map<string, Attachment>();
  for (const link of listLinks()) {
    const owner = parseVethAlias(link.ifalias ?? '');
    if (!owner || owner.network !== conf.name || valid.has(key(owner))) continue;
    stale.set(key(owner), owner);
    try {
      deleteLink(link.ifname);
      log.info(`gc: deleted ${link.ifname} of ${key(owner)}`);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (ipamVersions(conf, env).includes('1.1.0')) {
    try {
      await delegate(conf, env, 'GC');
    } catch (err) {
      errors.push((err as Error).message);
    }
  } else {
    for (const a of await hostLocalReservations(conf)) if (!valid.has(key(a))) stale.set(key(a), a);
    for (const a of stale.values()) {
      try {
        await delegate(conf, env, 'DEL', a);
        log.info(`gc: released the address of ${key(a)}`);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
  }
  if (errors.length > 0) throw new CniError(ErrorCode.CommandFailed, `GC could not remove everything: ${errors.join('; ')}`);
}

/** libcni sends the list under both names (the 1.1.0 tag spelt it cni.dev/attachments). */
function validAttachments(conf: NetConf): Attachment[] {
  const list = conf.json['cni.dev/valid-attachments'] ?? conf.json['cni.dev/attachments'] ?? [];
  if (!Array.isArray(list)) throw new CniError(ErrorCode.InvalidConfig, '"cni.dev/valid-attachments" must be a list of {containerID, ifname}');
  return list.map((item: { containerID?: unknown; ifname?: unknown }, i) => {
    if (typeof item?.containerID !== 'string' || typeof item.ifname !== 'string') {
      throw new CniError(ErrorCode.InvalidConfig, `"cni.dev/valid-attachments"[${i}] must have string "containerID" and "ifname"`);
    }
    return { containerId: item.containerID, ifname: item.ifname };
  });
}

/**
 * host-local has no GC of its own (upstream FIXME), and after a reboot its reservations
 * outlive their veths. Its documented store is one file per address holding
 * "containerID\r\nifname"; each stale one is released through host-local's own DEL.
 */
async function hostLocalReservations(conf: NetConf): Promise<Attachment[]> {
  if (conf.ipam.type !== 'host-local') return [];
  const dataDir = typeof conf.ipam.dataDir === 'string' ? conf.ipam.dataDir : '/var/lib/cni/networks';
  // node:fs only here: GC is rare, and the module costs start-up time on every call.
  const { readdirSync, readFileSync } = await import('node:fs');
  const dir = `${dataDir}/${conf.name}`;
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Attachment[] = [];
  for (const file of files) {
    if (file === 'lock' || file.startsWith('last_reserved_ip')) continue;
    const [containerId, ifname] = readFileSync(`${dir}/${file}`, 'utf8').split(/\r?\n/).map((s) => s.trim());
    if (containerId && ifname) out.push({ containerId, ifname });
  }
  return out;
}
