/** One command of `up` or `down`: gcloud on this machine, or a command on a VM over SSH. */
export type Step = HostStep | MachineStep;

interface StepBase {
  title: string;
  /**
   * Consecutive steps with the same group run at once, one chain per machine (each chain
   * in list order); steps without one run alone, in list order.
   */
  group?: string;
}

export interface HostStep extends StepBase {
  on: 'host';
  argv: string[];
  /** Keep stdout under this name for later steps (the instances' external addresses). */
  capture?: 'instances';
}

export interface MachineStep extends StepBase {
  on: 'machine';
  /** The plan's machine name: a node (my-k8s-master) or the echo VM (echo). */
  machine: string;
  argv: string[];
  capture?: 'join-command' | 'kubeconfig';
  /** Run again until it succeeds (and prints `expect`, if set) or this deadline passes. */
  retry?: { timeoutMs: number; expect?: string };
}

/**
 * Values only `up` knows while it runs. Dry-run prints them as these placeholders; create()
 * passes the real echo secret and public key, and replaces JOIN_COMMAND by the words
 * `kubeadm token create --print-join-command` printed on the master.
 */
export const PLACEHOLDER = {
  echoSecret: '<echo-secret>',
  sshPublicKey: '<ssh-public-key>',
  joinCommand: '<join-command>',
} as const;

export interface RunValues {
  echoSecret: string;
  sshPublicKey: string;
  /** The machine running `up` (controller.ts), recorded on every VM as cni-lab-owner. */
  owner: string;
}
