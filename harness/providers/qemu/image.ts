import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_CACHE_DIR } from '../../cluster/state.ts';
import { hostExec } from '../../host-exec.ts';
import { aptMirror } from '../docker/apt-mirror.ts';
import { listFiles, NODE_PACKAGES, processAlive } from '../docker/node-image.ts';

/** Bump when the build below changes in a way the package list and files do not show. */
const BUILD_VERSION = 1;
const SUITE = 'bookworm';

/**
 * The VM image: the docker lab's node packages (the same tools on both kinds of node), plus
 * a Debian kernel with its modules, sshd, and busybox for the initramfs.
 */
export const VM_PACKAGES = [...NODE_PACKAGES, 'linux-image-amd64', 'kmod', 'openssh-server', 'busybox-static'];

const HERE = dirname(fileURLToPath(import.meta.url));
/** podman's configuration, shared with the docker lab's nodes. */
const DOCKER_ROOTFS = join(HERE, '..', 'docker', 'image', 'rootfs');
/** The VM's own init and sshd configuration. */
const VM_ROOTFS = join(HERE, 'image', 'rootfs');
const INITRAMFS_INIT = join(HERE, 'image', 'initramfs-init');

/**
 * What the initramfs loads before it can mount the root disk, dependencies first: virtio-pci
 * and virtio-blk for /dev/vda, ext4 and the crc32c it checks metadata with. Everything else
 * (virtio-net, bridge, veth, netfilter) loads from the root disk on use.
 */
export const INITRAMFS_MODULES = [
  'kernel/drivers/virtio/virtio.ko',
  'kernel/drivers/virtio/virtio_ring.ko',
  'kernel/drivers/virtio/virtio_pci_legacy_dev.ko',
  'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
  'kernel/drivers/virtio/virtio_pci.ko',
  'kernel/drivers/block/virtio_blk.ko',
  'kernel/crypto/crc32c_generic.ko',
  'kernel/lib/crc16.ko',
  'kernel/fs/mbcache.ko',
  'kernel/fs/jbd2/jbd2.ko',
  'kernel/fs/ext4/ext4.ko',
];

const EXCLUDED_PATHS = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'];
/** The root disk's size; the file is sparse, and each VM writes to its own overlay. */
const ROOT_DISK_SIZE = '3G';

export interface VmImage {
  /** The directory holding vmlinux, initrd.img and root.raw. */
  dir: string;
  id: string;
  kernel: string;
  initrd: string;
  rootDisk: string;
  kernelVersion: string;
  built: boolean;
  buildSeconds?: number;
}

export const IMAGE_ROOT = join(LAB_CACHE_DIR, 'qemu-image');

/** The image id: a hash of everything that goes into the image. */
export async function vmImageId(): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ BUILD_VERSION, SUITE, VM_PACKAGES, EXCLUDED_PATHS, INITRAMFS_MODULES, ROOT_DISK_SIZE }));
  for (const dir of [DOCKER_ROOTFS, VM_ROOTFS]) {
    for (const file of await listFiles(dir)) {
      const st = await stat(file);
      h.update(`${relative(dir, file)}\0${st.mode & 0o777}\0`);
      h.update(await readFile(file));
    }
  }
  h.update(await readFile(INITRAMFS_INIT));
  return h.digest('hex').slice(0, 12);
}

function imageOf(dir: string, id: string, kernelVersion: string, built: boolean): VmImage {
  return {
    dir, id, kernelVersion, built,
    kernel: join(dir, 'vmlinux'),
    initrd: join(dir, 'initrd.img'),
    rootDisk: join(dir, 'root.raw'),
  };
}

/** Returns the VM image, building it first if this machine has none of these inputs. */
export async function ensureVmImage(): Promise<VmImage> {
  const id = await vmImageId();
  const dir = join(IMAGE_ROOT, id);
  const done = join(dir, 'kernel-version');
  if (existsSync(done)) return imageOf(dir, id, (await readFile(done, 'utf8')).trim(), false);
  const t0 = performance.now();
  await buildVmImage(dir);
  const image = imageOf(dir, id, (await readFile(done, 'utf8')).trim(), true);
  image.buildSeconds = (performance.now() - t0) / 1000;
  await removeOtherImages(id);
  return image;
}

/**
 * mmdebstrap writes the root into a directory named after the building process; the image
 * files are made beside it and the directory is renamed into place last, so that a build
 * killed halfway is never taken for an image, and two `up`s may build at once.
 */
async function buildVmImage(dir: string): Promise<void> {
  const mirror = await aptMirror(SUITE);
  for (const d of [DOCKER_ROOTFS, VM_ROOTFS]) {
    // mmdebstrap splits a hook on spaces.
    if (/\s/.test(d)) throw new Error(`the checkout's path has a space, which mmdebstrap's sync-in hook cannot take: ${d}`);
  }
  await mkdir(IMAGE_ROOT, { recursive: true });
  await removeAbandonedBuilds();
  const work = join(IMAGE_ROOT, `build-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const root = join(work, 'root');
    await hostExec(
      [
        'env', 'INITRD=No', // the kernel's initramfs-tools hook: the lab makes its own initramfs
        'mmdebstrap', '--quiet', '--variant=minbase', `--include=${VM_PACKAGES.join(',')}`,
        ...EXCLUDED_PATHS.map((p) => `--dpkgopt=path-exclude=${p}`),
        '--dpkgopt=path-include=/usr/share/doc/*/copyright',
        `--customize-hook=sync-in ${DOCKER_ROOTFS} /`,
        `--customize-hook=sync-in ${VM_ROOTFS} /`,
        '--customize-hook=mkdir -p "$1/opt/cni/bin" "$1/etc/cni/net.d"',
        SUITE, root, mirror,
      ],
      { what: 'build the VM root file system (mmdebstrap)' },
    );
    const kernelVersion = await onlyKernelVersion(root);
    await extractVmlinux(join(root, 'boot', `vmlinuz-${kernelVersion}`), join(work, 'vmlinux'));
    await buildInitramfs(root, kernelVersion, join(work, 'initramfs'), join(work, 'initrd.img'));
    await hostExec(['mkfs.ext4', '-q', '-F', '-L', 'cni-lab-root', '-d', root, join(work, 'root.raw'), ROOT_DISK_SIZE], {
      what: 'make the VM root disk (mkfs.ext4 -d)',
    });
    await rm(root, { recursive: true, force: true });
    await rm(join(work, 'initramfs'), { recursive: true, force: true });
    await writeFile(join(work, 'kernel-version'), `${kernelVersion}\n`);
    // A build that finished first is kept (a VM may already boot from it; this one is the
    // same image); only a half-made directory, without kernel-version, is replaced.
    if (existsSync(join(dir, 'kernel-version'))) return;
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir).catch((e: NodeJS.ErrnoException) => {
      if ((e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') || !existsSync(join(dir, 'kernel-version'))) throw e;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function onlyKernelVersion(root: string): Promise<string> {
  const versions = (await readdir(join(root, 'lib', 'modules'))).sort();
  if (versions.length !== 1) throw new Error(`the VM root has ${versions.length} kernels (${versions.join(', ')}); expected one`);
  return versions[0]!;
}

/**
 * Debian's bzImage holds the kernel as an xz stream; qemu boots the uncompressed ELF
 * directly (it has a PVH note), which saves the guest about 6 s of decompressing under
 * emulation (docs/environment.md).
 */
async function extractVmlinux(bzImage: string, out: string): Promise<void> {
  const data = await readFile(bzImage);
  const at = data.indexOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  if (at < 0) throw new Error(`${bzImage}: no xz stream found; is the kernel built with CONFIG_KERNEL_XZ?`);
  const slice = join(dirname(out), 'vmlinux.xz');
  await writeFile(slice, data.subarray(at));
  // --single-stream: the setup code after the stream is not xz; stop at the stream's end.
  const res = await hostExec(['xz', '--decompress', '--single-stream', '--keep', '--force', slice], {
    what: 'decompress the kernel (xz)',
    allowFailure: true,
  });
  await rm(slice, { force: true });
  const elf = await readFile(out).catch(() => Buffer.alloc(0));
  if (elf.subarray(0, 4).toString('latin1') !== '\x7fELF') {
    throw new Error(`the kernel in ${bzImage} did not decompress into an ELF file: ${res.stderr.trim()}`);
  }
}

/** A busybox initramfs: /init, busybox, and the modules of INITRAMFS_MODULES in that order. */
async function buildInitramfs(root: string, kernelVersion: string, dir: string, out: string): Promise<void> {
  for (const d of ['bin', 'modules', 'proc', 'dev', 'sys', 'newroot']) await mkdir(join(dir, d), { recursive: true });
  const busybox = join(dir, 'bin', 'busybox');
  await copyFile(join(root, 'bin', 'busybox'), busybox);
  await symlink('busybox', join(dir, 'bin', 'sh'));
  await copyFile(INITRAMFS_INIT, join(dir, 'init'));
  const order: string[] = [];
  for (const m of INITRAMFS_MODULES) {
    const file = join(root, 'lib', 'modules', kernelVersion, m);
    if (!existsSync(file)) throw new Error(`kernel ${kernelVersion} has no ${m}; update INITRAMFS_MODULES in ${fileURLToPath(import.meta.url)}`);
    await copyFile(file, join(dir, 'modules', m.split('/').at(-1)!));
    order.push(m.split('/').at(-1)!);
  }
  await writeFile(join(dir, 'modules', 'order'), `${order.join('\n')}\n`);
  // newc cpio from busybox's own applet (no cpio package needed), then gzip.
  await hostExec(
    ['sh', '-c', 'cd "$1" && find . | "$2" cpio -o -H newc 2>/dev/null | gzip -1 >"$3"', 'initramfs', dir, busybox, out],
    { what: 'pack the initramfs (busybox cpio)' },
  );
}

async function removeAbandonedBuilds(): Promise<void> {
  for (const name of await readdir(IMAGE_ROOT).catch(() => [])) {
    const m = /^build-(\d+)$/.exec(name);
    if (m && !processAlive(Number(m[1]))) await rm(join(IMAGE_ROOT, name), { recursive: true, force: true });
  }
}

/** Images of earlier inputs are never used again: removed once a new one is built (a running VM keeps its open files). */
async function removeOtherImages(keep: string): Promise<void> {
  for (const name of await readdir(IMAGE_ROOT).catch(() => [])) {
    if (/^[0-9a-f]{12}$/.test(name) && name !== keep) await rm(join(IMAGE_ROOT, name), { recursive: true, force: true });
  }
}
