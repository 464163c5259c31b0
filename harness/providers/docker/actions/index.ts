import type { Action } from './action.ts';
import { allowBridges } from './allow-bridges.ts';
import { checkRanges } from './check-ranges.ts';
import { configureMachines } from './configure-machines.ts';
import { createNetworks } from './create-networks.ts';
import { ensureImage } from './ensure-image.ts';
import { startMachines } from './start-machines.ts';

/** The steps of `cluster up`, in order. An optional step is added here under its condition. */
export function createActions(): Action[] {
  return [checkRanges, ensureImage, createNetworks, allowBridges, startMachines, configureMachines];
}
