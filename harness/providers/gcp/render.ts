import { shellQuote } from '../../errors.ts';
import type { PlannedCommand } from '../provider.ts';
import { gcpNames } from './names.ts';
import type { GcpSettings } from './settings.ts';
import type { Step } from './steps.ts';

/**
 * A step as a line to paste into a shell. Commands on a VM are shown through
 * `gcloud compute ssh USER@INSTANCE --command`, which finds the VM's address by itself;
 * create() runs the same argv over its own SSH connection (ssh2) to that address.
 */
export function renderStep(step: Step, cluster: string, s: GcpSettings): PlannedCommand {
  if (step.on === 'host') return { title: step.title, command: shellQuote(step.argv) };
  const instance = gcpNames(cluster).instance(step.machine);
  const retry = step.retry ? ` (retried up to ${Math.round(step.retry.timeoutMs / 1000)} s${step.retry.expect ? ` until it prints ${step.retry.expect}` : ''})` : '';
  return {
    title: `${step.title}${retry}`,
    command: shellQuote(['gcloud', 'compute', 'ssh', `${s.sshUser}@${instance}`, `--zone=${s.zone}`, `--project=${s.project}`, `--command=${shellQuote(step.argv)}`]),
  };
}
