import { describe, expect, it } from 'vitest';
import { formatCidr } from '../../cluster/cidr.ts';
import { planCluster, SEED_TOPOLOGY } from '../../cluster/topology.ts';
import { checkRangesFree, parseProcNetRoute } from './host-routes.ts';

const PROC_NET_ROUTE = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
  'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
].join('\n');

describe('host routes', () => {
  const routes = parseProcNetRoute(PROC_NET_ROUTE);

  it('reads /proc/net/route without the default route', () => {
    expect(routes.map((r) => `${r.iface} ${formatCidr(r.cidr)}`)).toEqual(['docker0 172.17.0.0/16', 'eth0 192.0.2.0/24']);
  });

  it("refuses a lab range that overlaps the host's own network, naming the option and the interface", () => {
    expect(() => checkRangesFree(planCluster({ ...SEED_TOPOLOGY, outsideNetwork: '192.0.2.0/24' }), routes)).toThrow(
      /--outside-network 192.0.2.0\/24 overlaps 192.0.2.0\/24 on this machine's eth0/,
    );
    expect(() => checkRangesFree(planCluster(SEED_TOPOLOGY), routes)).not.toThrow();
  });
});
