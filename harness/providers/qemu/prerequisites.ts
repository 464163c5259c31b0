import { PrerequisiteError } from '../../errors.ts';
import { requireTools } from '../docker/prerequisites.ts';

const SETUP = 'run `bash scripts/bootstrap.sh` (Debian 12, as root) to install everything the lab needs';

/** One clear message per missing prerequisite of the qemu provider, naming the fix. */
export async function checkQemuPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError('not running as root', 'the qemu lab makes a bridge, taps and network namespaces on this machine; run it as root');
  }
  const tools: [string, string][] = [
    ['qemu-system-x86_64', 'install QEMU (apt-get install qemu-system-x86)'],
    ['qemu-img', 'install qemu-utils (apt-get install qemu-utils): each VM gets a copy-on-write overlay'],
    ['mmdebstrap', 'install mmdebstrap (apt-get install mmdebstrap): it builds the VM image from Debian packages'],
    ['mkfs.ext4', 'install e2fsprogs (apt-get install e2fsprogs): it makes the VM root disk'],
    ['xz', 'install xz-utils (apt-get install xz-utils): it unpacks the kernel'],
    ['ssh-keygen', 'install openssh-client (apt-get install openssh-client): it makes the lab key'],
    ['jsonnet', 'install jsonnet (apt-get install jsonnet): the plugin config is rendered with it'],
    ['nping', 'install nmap (apt-get install nmap): it provides nping, the echo host'],
    ['iptables', 'install iptables (apt-get install iptables)'],
    ['ip', 'install iproute2 (apt-get install iproute2)'],
  ];
  await requireTools(tools, SETUP);
}
