import { createNetwork } from '../networks.ts';
import type { Action } from './action.ts';

/** The VPC (host network) and the outside world, both --internal. */
export const createNetworks: Action = {
  title: () => 'networks',
  async execute(ctx) {
    const { plan } = ctx;
    ctx.networks = await Promise.all([
      createNetwork(plan.cluster, { net: 'vpc', subnet: plan.hostNetwork, gateway: plan.hostGateway }),
      createNetwork(plan.cluster, { net: 'outside', subnet: plan.outsideNetwork, gateway: plan.outsideGateway }),
    ]);
    return ctx.networks.map((n) => `${n.name} (${n.bridge})`).join(', ');
  },
};
