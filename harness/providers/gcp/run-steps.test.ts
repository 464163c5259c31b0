import { describe, expect, it } from 'vitest';
import { silentProgress } from '../../progress.ts';
import type { ExecResult } from '../../host-exec.ts';
import { CommandError } from '../../errors.ts';
import { joinWords, runSteps, withoutToken, type Captures } from './run-steps.ts';
import { PLACEHOLDER, type Step } from './steps.ts';

const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
const JOIN = 'kubeadm join 10.0.0.2:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00ff';

/** Records every command with where it ran; answers from a table keyed by the first words. */
function fakes(answer: (where: string, argv: string[], attempt: number) => ExecResult) {
  const log: string[] = [];
  const attempts = new Map<string, number>();
  const seen: Captures[] = [];
  const call = async (where: string, argv: string[]) => {
    const key = `${where} ${argv.join(' ')}`;
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    log.push(key);
    await Promise.resolve();
    return answer(where, argv, attempts.get(key)!);
  };
  return {
    log,
    seen,
    ctx: {
      host: (argv: string[]) => call('host', argv),
      machine: (name: string, captures: Captures) => {
        seen.push({ ...captures });
        return { exec: (argv: readonly string[]) => call(name, [...argv]) };
      },
      progress: silentProgress(),
      retryIntervalMs: 1,
    },
  };
}

describe('runSteps', () => {
  it('hands captured output to later steps and replaces the join command by the words the master printed', async () => {
    const steps: Step[] = [
      { title: 'list', on: 'host', argv: ['gcloud', 'list'], capture: 'instances' },
      { title: 'token', on: 'machine', machine: 'm', argv: ['sudo', 'kubeadm', 'token', 'create'], capture: 'join-command' },
      { title: 'join', on: 'machine', machine: 'w1', argv: ['sudo', PLACEHOLDER.joinCommand, '--node-name=w1'] },
    ];
    const f = fakes((where, argv) => (argv.includes('token') ? ok(`${JOIN}\n`) : ok(where === 'host' ? '[{"name":"vm"}]' : '')));
    const captures = await runSteps(steps, f.ctx);
    expect(f.log.at(-1)).toBe(`w1 sudo ${JOIN} --node-name=w1`);
    expect(captures['join-command']?.trim()).toBe(JOIN);
    expect(f.seen[0]!.instances).toBe('[{"name":"vm"}]');
  });

  it('retries a step until it prints what it must, then goes on', async () => {
    const steps: Step[] = [
      { title: 'cidr', on: 'machine', machine: 'm', argv: ['get', 'cidr'], retry: { timeoutMs: 5_000, expect: '200.200.1.0/24' } },
      { title: 'next', on: 'host', argv: ['next'] },
    ];
    const f = fakes((where, _argv, attempt) => (where === 'host' ? ok() : ok(attempt < 3 ? '' : '200.200.1.0/24\n')));
    await runSteps(steps, f.ctx);
    expect(f.log).toEqual(['m get cidr', 'm get cidr', 'm get cidr', 'host next']);
  });

  it('gives up after the deadline with the last failure, and runs nothing after it', async () => {
    const steps: Step[] = [
      { title: 'cidr', on: 'machine', machine: 'm', argv: ['get', 'cidr'], retry: { timeoutMs: 30, expect: '200.200.1.0/24' } },
      { title: 'next', on: 'host', argv: ['next'] },
    ];
    const f = fakes(() => ok('200.200.7.0/24'));
    await expect(runSteps(steps, f.ctx)).rejects.toThrow(/printed "200\.200\.7\.0\/24", not 200\.200\.1\.0\/24/);
    expect(f.log).not.toContain('host next');
  });

  it('runs a group\'s machines at once but each machine\'s steps in order', async () => {
    const steps: Step[] = ['a', 'b'].flatMap((m) => [1, 2].map((i): Step => ({ title: `${m}${i}`, on: 'machine', machine: m, argv: [`${m}${i}`], group: 'g' })));
    const f = fakes(() => ok());
    await runSteps(steps, f.ctx);
    // Interleaved: b1 starts before a2 (at once), and each machine keeps its order.
    expect(f.log).toEqual(['a a1', 'b b1', 'a a2', 'b b2']);
  });

  it('stops between steps when aborted', async () => {
    const abort = new AbortController();
    const steps: Step[] = [
      { title: 'one', on: 'host', argv: ['one'] },
      { title: 'two', on: 'host', argv: ['two'] },
    ];
    const f = fakes((_w, argv) => {
      if (argv[0] === 'one') abort.abort(new Error('stop'));
      return ok();
    });
    await expect(runSteps(steps, { ...f.ctx, signal: abort.signal })).rejects.toThrow('stop');
    expect(f.log).toEqual(['host one']);
  });
});

describe('joinWords', () => {
  it('takes kubeadm join with a token and a CA hash, and refuses anything else', () => {
    expect(joinWords(`${JOIN}\n`)).toEqual(JOIN.split(' '));
    expect(() => joinWords('')).toThrow(/not a kubeadm join/);
    expect(() => joinWords('kubeadm join 10.0.0.2:6443 --token x --discovery-token-unsafe-skip-ca-verification')).toThrow(/not a kubeadm join/);
  });
});

describe('withoutToken', () => {
  it("masks a failed join's bootstrap token in its command and its output, and leaves other errors alone", () => {
    const argv = ['sudo', ...JOIN.split(' '), '--node-name=w1'];
    const failed = new CommandError('kubeadm join', 'my-k8s-worker-1', `ssh -p 22 cnilab@1.2.3.4 -- '${argv.join(' ')}'`, 1, 'error: token abcdef.0123456789abcdef expired');
    const masked = withoutToken(failed, argv) as CommandError;
    expect(masked.message).not.toContain('abcdef.0123456789abcdef');
    expect(masked.command).toContain('--token <token> --discovery-token-ca-cert-hash');
    expect(masked.stderr).toBe('error: token <token> expired');
    const other = new Error('the VM does not answer');
    expect(withoutToken(other, argv)).toBe(other);
  });
});
