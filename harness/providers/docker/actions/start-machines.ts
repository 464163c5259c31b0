import type { ClusterPlan } from '../../../cluster/topology.ts';
import { startLabContainer, type LabContainerSpec } from '../lab-container.ts';
import { ECHO_HOST_NAME, containerName, networkName } from '../names.ts';
import { need, type Action } from './action.ts';
import { settleAll } from './settle-all.ts';

/** Nodes, the router and the echo host, all started at once from the node image. */
export const startMachines: Action = {
  title: (ctx) => `machines: ${ctx.plan.nodes.length} nodes, router, echo host`,
  async execute(ctx) {
    const specs = machineSpecs(ctx.plan, need(ctx.image, 'node image').tag, ctx.echoSecret, ctx.statePath);
    const started = await settleAll(specs.map((s) => startLabContainer(s)));
    specs.forEach((s, i) => ctx.containerIds.set(s.hostname, started[i]!.getId()));
  },
};

export function machineSpecs(plan: ClusterPlan, image: string, echoSecret: string, statePath: string): LabContainerSpec[] {
  const c = plan.cluster;
  const vpc = networkName(c, 'vpc');
  const outside = networkName(c, 'outside');
  const hosts = [
    { host: ECHO_HOST_NAME, ipAddress: plan.echoHostIp },
    ...plan.nodes.map((n) => ({ host: n.name, ipAddress: n.ip })),
  ];
  const base = { cluster: c, statePath, image, env: { CNI_LAB_ECHO_SECRET: echoSecret, CNI_LAB_NAMESERVER: plan.echoHostIp }, extraHosts: hosts };
  return [
    {
      ...base, role: 'router', name: containerName(c, 'router'), hostname: 'router',
      attachments: [{ network: vpc, ip: plan.routerHostIp }, { network: outside, ip: plan.routerOutsideIp }],
    },
    {
      ...base, role: 'echo', name: containerName(c, 'echo'), hostname: 'echo',
      attachments: [{ network: outside, ip: plan.echoHostIp }],
    },
    ...plan.nodes.map((n): LabContainerSpec => ({
      ...base, role: n.role, name: containerName(c, n.name), hostname: n.name,
      attachments: [{ network: vpc, ip: n.ip }],
    })),
  ];
}
