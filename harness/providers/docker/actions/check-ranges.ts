import { checkRangesFree, hostRoutes } from '../host-routes.ts';
import type { Action } from './action.ts';

export const checkRanges: Action = {
  title: () => 'address ranges free on this machine',
  async execute(ctx) {
    checkRangesFree(ctx.plan, await hostRoutes());
  },
};
