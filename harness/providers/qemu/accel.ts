import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_CACHE_DIR } from '../../cluster/state.ts';
import { UsageError } from '../../errors.ts';
import { hostExec } from '../../host-exec.ts';
import type { VmImage } from './image.ts';

export type Accel = 'kvm' | 'tcg';

export interface AccelChoice {
  accel: Accel;
  /** Why: the probe's outcome, or the override. */
  reason: string;
}

/** KVM must answer a boot within this; a nested KVM that hangs (docs/environment.md) does not. */
const PROBE_TIMEOUT_S = 20;
const CACHE = join(LAB_CACHE_DIR, 'qemu-accel.json');

/**
 * KVM when it really runs a guest, TCG otherwise. /dev/kvm existing proves nothing (here it
 * exists and a guest spins forever), so the lab boots its own kernel and initramfs under
 * KVM with `cnilab.probe`, which prints a line and powers off at once. The answer is kept for
 * this boot of the machine and this image. CNI_LAB_QEMU_ACCEL=kvm|tcg skips the probe.
 */
export async function chooseAccel(image: VmImage, env: NodeJS.ProcessEnv = process.env): Promise<AccelChoice> {
  const forced = forcedAccel(env);
  if (forced) return { accel: forced, reason: 'CNI_LAB_QEMU_ACCEL' };
  const kvmOpen = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false);
  if (!kvmOpen) return { accel: 'tcg', reason: 'no usable /dev/kvm' };
  const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  const key = `${bootId}/${image.id}`;
  const cached = JSON.parse(await readFile(CACHE, 'utf8').catch(() => '{}')) as Record<string, AccelChoice>;
  if (cached[key]) return { ...cached[key], reason: `${cached[key].reason} (probed earlier this boot)` };
  const choice = await probeKvm(image);
  await mkdir(LAB_CACHE_DIR, { recursive: true });
  await writeFile(CACHE, `${JSON.stringify({ [key]: choice })}\n`);
  return choice;
}

/** CNI_LAB_QEMU_ACCEL, checked: the acceleration the user asked for, if any. */
export function forcedAccel(env: NodeJS.ProcessEnv = process.env): Accel | undefined {
  const forced = env.CNI_LAB_QEMU_ACCEL;
  if (!forced) return undefined;
  if (forced !== 'kvm' && forced !== 'tcg') throw new UsageError(`CNI_LAB_QEMU_ACCEL=${JSON.stringify(forced)}: use kvm or tcg`);
  return forced;
}

/** Boots the image's kernel under KVM with `cnilab.probe` and says what happened. */
export async function probeKvm(image: Pick<VmImage, 'kernel' | 'initrd'>, timeoutS = PROBE_TIMEOUT_S): Promise<AccelChoice> {
  const log = join(LAB_CACHE_DIR, `qemu-accel-probe-${process.pid}.log`);
  await mkdir(LAB_CACHE_DIR, { recursive: true });
  const t0 = performance.now();
  try {
    const res = await hostExec(
      [
        'timeout', '--kill-after=2', String(timeoutS),
        'qemu-system-x86_64', '-accel', 'kvm', '-cpu', 'host', '-m', '256', '-nodefaults', '-no-user-config',
        '-display', 'none', '-no-reboot', '-kernel', image.kernel, '-initrd', image.initrd,
        '-append', 'console=ttyS0 quiet panic=-1 cnilab.probe', '-serial', `file:${log}`,
      ],
      { what: 'probe KVM', allowFailure: true },
    );
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const out = await readFile(log, 'utf8').catch(() => '');
    if (out.includes('cni-lab: probe ok')) return { accel: 'kvm', reason: `a KVM guest booted in ${seconds} s` };
    const said = res.stderr.split('\n').find((l) => l.includes('error')) ?? res.stderr.trim().split('\n')[0] ?? `exit ${res.exitCode}`;
    const why = res.exitCode === 124 ? `a KVM guest did not boot within ${timeoutS} s` : `qemu -accel kvm failed (${said.replace(/^qemu-system-x86_64: /, '').trim()})`;
    return { accel: 'tcg', reason: why };
  } finally {
    await rm(log, { force: true });
  }
}
