import type { ClusterState } from './state.ts';
import type { ClusterPlan } from './topology.ts';

/**
 * What a running cluster has that differs from the options the user passed to `up` (only
 * those: an `up` without options reports whatever is running), e.g. "--workers 10 (it has 2)".
 */
export function planDifferences(state: ClusterState, plan: ClusterPlan, given: (option: string) => boolean): string[] {
  const have: Record<string, [string, string]> = {
    workers: [String(plan.nodes.length - 1), String(state.nodes.length - 1)],
    'host-network': [plan.hostNetwork, state.hostNetwork],
    'pod-network': [plan.podNetwork, state.podNetwork],
    'outside-network': [plan.outsideNetwork, state.outside.network],
  };
  return Object.entries(have)
    .filter(([option, [asked, is]]) => given(option) && asked !== is)
    .map(([option, [asked, is]]) => `--${option} ${asked} (it has ${is})`);
}
