import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostExec } from '../host-exec.ts';
import { aptMirror } from '../providers/docker/apt-mirror.ts';

/**
 * The pods' image for the lab and VM nodes: busybox (sh and its applets), nping with exactly
 * the shared libraries it loads, and my-nping. Podman's vfs driver copies the whole image
 * for every container, so it is kept to what a probe needs (about 17 MB; a Debian minbase
 * with nmap is 276 MB and made `kube play` take 8.6 s).
 */
const BUILD_VERSION = 1;
const SUITE = 'bookworm';
const PACKAGES = ['busybox-static', 'nmap'];
const HERE = dirname(fileURLToPath(import.meta.url));
export const MY_NPING = join(HERE, 'image', 'my-nping');
const CACHE = join(resolve(HERE, '..', '..'), '.cache', 'pod-image');

export const POD_IMAGE_NAME = 'localhost/cni-lab-pod';
/** The name pods.yaml uses; every node tags the image of the current inputs with it. */
export const POD_IMAGE = `${POD_IMAGE_NAME}:latest`;
/** The image's PATH: podman import keeps no environment of its own. */
export const POD_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface PodImage {
  /** localhost/cni-lab-pod:<hash of the inputs>. */
  ref: string;
  tar: string;
  sizeBytes: number;
  built: boolean;
  buildMs?: number;
}

export async function podImageTag(): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ BUILD_VERSION, SUITE, PACKAGES, POD_PATH }));
  h.update(await readFile(MY_NPING));
  return h.digest('hex').slice(0, 12);
}

/** Returns the image tar from .cache/, building it first (mmdebstrap --variant=extract, 4 s) when missing. */
export async function ensurePodImage(): Promise<PodImage> {
  const tag = await podImageTag();
  const tar = join(CACHE, `cni-lab-pod-${tag}.tar`);
  const ref = `${POD_IMAGE_NAME}:${tag}`;
  const size = await stat(tar).then((s) => s.size, () => undefined);
  if (size !== undefined) return { ref, tar, sizeBytes: size, built: false };
  const t0 = performance.now();
  await buildPodImage(tar);
  return { ref, tar, sizeBytes: (await stat(tar)).size, built: true, buildMs: performance.now() - t0 };
}

async function buildPodImage(out: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'cni-lab-pod-image-'));
  try {
    const debs = join(work, 'debs');
    // extract: the packages' files only, no maintainer scripts; their dependencies come along.
    await hostExec(['mmdebstrap', '--quiet', '--variant=extract', `--include=${PACKAGES.join(',')}`, SUITE, debs, await aptMirror(SUITE)], {
      what: 'unpack busybox-static and nmap (mmdebstrap)',
    });
    const root = join(work, 'root');
    for (const d of ['bin', 'usr/bin', 'usr/local/bin', 'etc', 'tmp', 'root']) await mkdir(join(root, d), { recursive: true });
    await chmod(join(root, 'tmp'), 0o1777);
    await copyFile(join(debs, 'bin', 'busybox'), join(root, 'bin', 'busybox'));
    await chmod(join(root, 'bin', 'busybox'), 0o755);
    const applets = (await hostExec([join(debs, 'bin', 'busybox'), '--list'], { what: 'list busybox applets' })).stdout.split('\n').filter(Boolean);
    for (const a of applets) if (a !== 'busybox') await symlink('busybox', join(root, 'bin', a));
    await copyFile(join(debs, 'usr', 'bin', 'nping'), join(root, 'usr', 'bin', 'nping'));
    await chmod(join(root, 'usr', 'bin', 'nping'), 0o755);
    for (const lib of await sharedLibraries(debs, '/usr/bin/nping')) {
      await mkdir(join(root, dirname(lib)), { recursive: true });
      await copyFile(await resolveIn(debs, lib), join(root, lib));
    }
    await copyFile(MY_NPING, join(root, 'usr', 'local', 'bin', 'my-nping'));
    await chmod(join(root, 'usr', 'local', 'bin', 'my-nping'), 0o755);
    await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tmp = join(work, 'image.tar');
    await hostExec(['tar', '-C', root, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-cf', tmp, '.'], { what: 'pack the pod image' });
    await mkdir(CACHE, { recursive: true });
    await copyFile(tmp, `${out}.tmp`);
    await rename(`${out}.tmp`, out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The libraries an executable loads, as the unpacked tree's own loader resolves them (paths inside the tree). */
async function sharedLibraries(root: string, exe: string): Promise<string[]> {
  const res = await hostExec(['chroot', root, '/lib64/ld-linux-x86-64.so.2', '--list', exe], { what: `list the libraries of ${exe}` });
  return parseLoaderList(res.stdout);
}

/** The library paths of `ld.so --list` (ldd's format); the vDSO has no file and is left out. */
export function parseLoaderList(out: string): string[] {
  const libs = out.split('\n').flatMap((l) => {
    const m = /=> (\/\S+)/.exec(l) ?? /^\s*(\/\S+) \(/.exec(l);
    return m ? [m[1]!] : [];
  });
  return [...new Set(libs)];
}

/**
 * The real file behind a path inside an unpacked tree: symlinks are followed inside the
 * tree, so an absolute link (lib64/ld-linux-x86-64.so.2 -> /lib/...) never reaches this
 * machine's own files.
 */
async function resolveIn(root: string, path: string, depth = 0): Promise<string> {
  if (depth > 20) throw new Error(`too many symlinks at ${path} in ${root}`);
  const parts = path.split('/').filter(Boolean);
  let at = '/';
  for (let i = 0; i < parts.length; i++) {
    const next = posix.join(at, parts[i]!);
    const st = await lstat(join(root, next));
    if (st.isSymbolicLink()) {
      const target = await readlink(join(root, next));
      const rest = parts.slice(i + 1).join('/');
      return resolveIn(root, posix.join(target.startsWith('/') ? target : posix.join(at, target), rest), depth + 1);
    }
    at = next;
  }
  return join(root, at);
}
