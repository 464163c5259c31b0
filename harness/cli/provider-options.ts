import { resolve } from 'node:path';
import type { ClusterState } from '../cluster/state.ts';
import { UsageError } from '../errors.ts';
import type { DryRunRequest, Provider } from '../providers/provider.ts';
import type { OptionSpec, OptionValues } from './args.ts';

/** Options of `cluster up` and `cluster down` that are handed to the provider. */
export const PROVIDER_OPTIONS: OptionSpec = {
  'dry-run': { type: 'boolean' },
  project: { type: 'string' },
  zone: { type: 'string' },
  /** The ssh provider's machines (harness/providers/ssh/README.md). */
  inventory: { type: 'string' },
};

/**
 * --project and --zone (gcp) become gcloud's own property variables, which gcloud and the
 * provider both read, so that `--project p` and `CLOUDSDK_CORE_PROJECT=p` mean the same
 * ("Setting properties via environment variables", cloud.google.com/sdk/docs/properties).
 * Without the option, a state file's recorded project and zone win over the environment:
 * `down` and `status` must find the cluster where `up` made it.
 */
export function applyProviderOptions(values: OptionValues, state?: ClusterState): void {
  const recorded = state?.providerDetails ?? {};
  const set = (variable: string, given: unknown, fallback: unknown): void => {
    if (typeof given === 'string') process.env[variable] = given;
    else if (typeof fallback === 'string') process.env[variable] = fallback;
  };
  set('CLOUDSDK_CORE_PROJECT', values.project, recorded.project);
  set('CLOUDSDK_COMPUTE_ZONE', values.zone, recorded.zone);
  // The ssh provider reads its inventory from here (made absolute: the provider may run elsewhere).
  // Without --inventory, the one the state file recorded: `down` must find the machines even when the local record is gone.
  if (typeof values.inventory === 'string') process.env.CNI_LAB_INVENTORY = resolve(values.inventory);
  else if (typeof recorded.inventory === 'string' && state?.provider === 'ssh') process.env.CNI_LAB_INVENTORY = recorded.inventory;
}

/** --dry-run: prints every command the provider would run, numbered, one per line, and runs none. */
export function printDryRun(provider: Provider, request: DryRunRequest): number {
  if (!provider.plan) {
    throw new UsageError(`--dry-run: the ${provider.name} provider cannot list its commands ahead of running them`);
  }
  const commands = provider.plan(request);
  const width = String(commands.length).length;
  commands.forEach((c, i) => console.log(`${String(i + 1).padStart(width)}  ${c.command}  # ${c.title}`));
  return 0;
}
