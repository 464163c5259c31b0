import { readFile } from 'node:fs/promises';
import { formatCidr, overlaps, parseCidr, type Cidr } from '../../cluster/cidr.ts';
import type { ClusterPlan } from '../../cluster/topology.ts';
import { UsageError } from '../../errors.ts';

export interface HostRoute {
  iface: string;
  cidr: Cidr;
}

/**
 * The host's IPv4 routes from /proc/net/route (addresses in little-endian hex), without the
 * default route.
 */
export function parseProcNetRoute(text: string): HostRoute[] {
  const routes: HostRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHex(f[1]!);
    const mask = leHex(f[7]!);
    const prefix = mask.toString(2).replace(/0/g, '').length;
    if (prefix > 0) routes.push({ iface: f[0]!, cidr: { base: dest, prefix } });
  }
  return routes;
}

function leHex(hex: string): number {
  const n = parseInt(hex, 16);
  return ((n & 0xff) * 2 ** 24 + ((n >>> 8) & 0xff) * 2 ** 16 + ((n >>> 16) & 0xff) * 2 ** 8 + ((n >>> 24) & 0xff));
}

/**
 * Docker does not check a user-given subnet against the host's own networks: a lab range that
 * overlaps the host's LAN would cut the host off. So the lab refuses such ranges itself.
 */
export function checkRangesFree(plan: ClusterPlan, routes: HostRoute[]): void {
  const ranges: [string, string][] = [
    ['--host-network', plan.hostNetwork],
    ['--pod-network', plan.podNetwork],
    ['--outside-network', plan.outsideNetwork],
  ];
  for (const [option, range] of ranges) {
    const hit = routes.find((r) => overlaps(r.cidr, parseCidr(range)));
    if (hit) {
      throw new UsageError(
        `${option} ${range} overlaps ${formatCidr(hit.cidr)} on this machine's ${hit.iface} (another lab, or the host's own network): choose another range or take that lab down`,
      );
    }
  }
}

export async function hostRoutes(): Promise<HostRoute[]> {
  return parseProcNetRoute(await readFile('/proc/net/route', 'utf8'));
}
