import { setTimeout as delay } from 'node:timers/promises';
import { CommandError } from '../../errors.ts';
import type { ExecResult } from '../../host-exec.ts';
import type { Progress } from '../../progress.ts';
import { settleAll } from '../docker/actions/settle-all.ts';
import type { NodeTransport } from '../provider.ts';
import { PLACEHOLDER, type MachineStep, type Step } from './steps.ts';

/** What steps printed for later ones: the VMs (external addresses), the join command, the kubeconfig. */
export type Captures = Partial<Record<'instances' | 'join-command' | 'kubeconfig', string>>;

export interface RunContext {
  host(argv: string[], what: string): Promise<ExecResult>;
  /** The connection to one machine; called after the `instances` capture, which gives its address. */
  machine(name: string, captures: Captures): Pick<NodeTransport, 'exec'>;
  progress: Progress;
  signal?: AbortSignal;
  /** Between attempts of a retried step. */
  retryIntervalMs?: number;
}

/** Runs the steps in order (a group's chains at once), checking for abort between steps. */
export async function runSteps(steps: Step[], ctx: RunContext): Promise<Captures> {
  const captures: Captures = {};
  for (let i = 0; i < steps.length; ) {
    ctx.signal?.throwIfAborted();
    const group = steps[i]!.group;
    let j = i + 1;
    while (group && j < steps.length && steps[j]!.group === group) j++;
    const batch = steps.slice(i, j);
    const title = group && batch.length > 1 ? `${group}: ${batch.length} commands on ${chains(batch).size} machines` : batch[0]!.title;
    await ctx.progress.step(title, () => settleAll([...chains(batch).values()].map(async (chain) => {
      for (const step of chain) await runStep(step, ctx, captures);
    })));
    i = j;
  }
  return captures;
}

/** A group's steps, one chain per machine (host steps each on their own), each in list order. */
function chains(batch: Step[]): Map<string, Step[]> {
  const m = new Map<string, Step[]>();
  batch.forEach((s, k) => {
    const key = s.on === 'host' ? `host ${k}` : s.machine;
    m.set(key, [...(m.get(key) ?? []), s]);
  });
  return m;
}

async function runStep(step: Step, ctx: RunContext, captures: Captures): Promise<void> {
  if (step.on === 'host') {
    const res = await ctx.host(step.argv, step.title);
    if (step.capture) captures[step.capture] = res.stdout;
    return;
  }
  const argv = expand(step.argv, captures);
  try {
    const res = step.retry ? await retry(step, argv, ctx, captures) : await ctx.machine(step.machine, captures).exec(argv, { what: step.title });
    if (step.capture) captures[step.capture] = res.stdout;
  } catch (e) {
    throw argv === step.argv ? e : withoutToken(e, argv);
  }
}

/** A failed `kubeadm join` must not print its bootstrap token: the error shows <token> instead. */
export function withoutToken(e: unknown, argv: string[]): unknown {
  const token = argv[argv.indexOf('--token') + 1];
  if (!(e instanceof CommandError) || !token || argv.indexOf('--token') < 0) return e;
  const mask = (s: string) => s.split(token).join('<token>');
  // No cause: the original carries the token.
  return new CommandError(e.what, e.target, mask(e.command), e.exitCode, mask(e.stderr));
}

/** Runs a machine step until it succeeds (printing `expect`, if set) or its deadline passes; then throws the last failure. */
async function retry(step: MachineStep, argv: string[], ctx: RunContext, captures: Captures): Promise<ExecResult> {
  const { timeoutMs, expect } = step.retry!;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const res = await ctx.machine(step.machine, captures).exec(argv, { what: step.title, allowFailure: true });
      if (res.exitCode === 0 && (expect === undefined || res.stdout.trim() === expect)) return res;
      last = new CommandError(step.title, step.machine, argv.join(' '), res.exitCode, res.exitCode === 0 ? `printed ${JSON.stringify(res.stdout.trim())}, not ${expect}` : res.stderr);
    } catch (e) {
      last = e; // the VM does not answer SSH yet
    }
    if (performance.now() >= deadline) throw last;
    ctx.signal?.throwIfAborted();
    await delay(ctx.retryIntervalMs ?? 5_000);
  }
}

/** Replaces the join command placeholder by the words the master printed. */
export function expand(argv: string[], captures: Captures): string[] {
  if (!argv.includes(PLACEHOLDER.joinCommand)) return argv;
  return argv.flatMap((a) => (a === PLACEHOLDER.joinCommand ? joinWords(captures['join-command']) : [a]));
}

/** `kubeadm token create --print-join-command` prints one line: kubeadm join HOST:6443 --token T --discovery-token-ca-cert-hash sha256:H. */
export function joinWords(printed: string | undefined): string[] {
  const words = (printed ?? '').trim().split(/\s+/);
  if (words[0] !== 'kubeadm' || words[1] !== 'join' || !words.includes('--token') || !words.includes('--discovery-token-ca-cert-hash')) {
    throw new Error(`the master's join command is not a kubeadm join with a token and a CA hash: ${JSON.stringify(printed)}`);
  }
  return words;
}
