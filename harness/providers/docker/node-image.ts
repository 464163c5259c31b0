import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_CACHE_DIR } from '../../cluster/state.ts';
import { hostExec } from '../../host-exec.ts';
import { aptMirror } from './apt-mirror.ts';
import { LABEL_LAB } from './names.ts';

/** Bump when the build below changes in a way the package list and files do not show. */
const BUILD_VERSION = 2;
const SUITE = 'bookworm';

/**
 * One image for every lab machine (nodes, router, echo host). podman + runc + catatonit run
 * pods (docs/environment.md), the reference plugins are the baseline, nmap brings nping,
 * tcpdump and procps are there for whoever debugs a cell.
 */
export const NODE_PACKAGES = [
  'iproute2', 'iptables', 'nmap', 'containernetworking-plugins', 'podman', 'runc', 'catatonit',
  'conmon', 'util-linux', 'procps', 'tcpdump',
];

/** Files copied over the Debian root (podman config, the init script), part of the tag's hash. */
const ROOTFS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'image', 'rootfs');

const EXCLUDED_PATHS = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'];

export interface NodeImage {
  tag: string;
  built: boolean;
  /** Seconds spent building, when built. */
  buildSeconds?: number;
  sizeBytes: number;
}

/** The image tag: a hash of everything that goes into the image. */
export async function nodeImageTag(): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ BUILD_VERSION, SUITE, NODE_PACKAGES, EXCLUDED_PATHS }));
  for (const file of await listFiles(ROOTFS_DIR)) {
    const st = await stat(file);
    h.update(`${relative(ROOTFS_DIR, file)}\0${st.mode & 0o777}\0`);
    h.update(await readFile(file));
  }
  return `cni-lab-node:${h.digest('hex').slice(0, 12)}`;
}

/** Every file under dir, depth first, in name order (for hashing inputs). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

async function imageSize(tag: string): Promise<number | undefined> {
  const res = await hostExec(['docker', 'image', 'inspect', '--format', '{{.Size}}', tag], {
    what: 'inspect node image',
    allowFailure: true,
  });
  return res.exitCode === 0 ? Number(res.stdout.trim()) : undefined;
}

/** Returns the node image, building it first (mmdebstrap, docker import) if it is not there. */
export async function ensureNodeImage(): Promise<NodeImage> {
  const tag = await nodeImageTag();
  const size = await imageSize(tag);
  if (size !== undefined) return { tag, built: false, sizeBytes: size };
  const t0 = performance.now();
  await buildNodeImage(tag);
  return { tag, built: true, buildSeconds: (performance.now() - t0) / 1000, sizeBytes: (await imageSize(tag)) ?? 0 };
}

/**
 * The build writes a root file system tarball (about 300 MB) under the lab's cache, in a
 * directory named after the building process: two `up`s may build at once without touching
 * each other's files, and a build killed halfway leaves a directory that the next build
 * removes once its process is gone.
 */
const BUILD_ROOT = join(LAB_CACHE_DIR, 'image-build');

async function removeAbandonedBuilds(): Promise<void> {
  const entries = await readdir(BUILD_ROOT).catch(() => []);
  for (const name of entries) {
    if (/^\d+$/.test(name) && !processAlive(Number(name))) await rm(join(BUILD_ROOT, name), { recursive: true, force: true });
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function buildNodeImage(tag: string): Promise<void> {
  const mirror = await aptMirror(SUITE);
  // mmdebstrap splits a hook on spaces.
  if (/\s/.test(ROOTFS_DIR)) throw new Error(`the checkout's path has a space, which mmdebstrap's sync-in hook cannot take: ${ROOTFS_DIR}`);
  await removeAbandonedBuilds();
  const work = join(BUILD_ROOT, String(process.pid));
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const tar = join(work, 'rootfs.tar');
    await hostExec(
      [
        'mmdebstrap', '--quiet', '--variant=minbase', `--include=${NODE_PACKAGES.join(',')}`,
        ...EXCLUDED_PATHS.map((p) => `--dpkgopt=path-exclude=${p}`),
        '--dpkgopt=path-include=/usr/share/doc/*/copyright',
        `--customize-hook=sync-in ${ROOTFS_DIR} /`,
        // The plugin under test is installed later; podman must find both directories.
        '--customize-hook=mkdir -p "$1/opt/cni/bin" "$1/etc/cni/net.d"',
        SUITE, tar, mirror,
      ],
      { what: 'build the node root file system (mmdebstrap)' },
    );
    await hostExec(
      [
        'docker', 'import',
        '--change', `LABEL ${LABEL_LAB}=1`,
        '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        // catatonit as PID 1 reaps the zombies that podman and nping leave behind.
        '--change', 'ENTRYPOINT ["/usr/bin/catatonit", "--", "/usr/local/sbin/cni-lab-init"]',
        tar, tag,
      ],
      { what: 'import the node image' },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await removeOtherNodeImages(tag);
}

/** Node images of earlier inputs are never used again; those no container uses are removed, and untagged ones. */
async function removeOtherNodeImages(keep: string): Promise<void> {
  const res = await hostExec(
    ['docker', 'images', '--filter', `label=${LABEL_LAB}=1`, '--format', '{{.Repository}}:{{.Tag}}'],
    { what: 'list node images' },
  );
  for (const old of res.stdout.split('\n').filter((t) => t.startsWith('cni-lab-node:') && t !== keep)) {
    await hostExec(['docker', 'rmi', old], { what: `remove old node image ${old}`, allowFailure: true });
  }
  // Two ups that built at once both tagged the image; the first one's is now untagged.
  await hostExec(['docker', 'image', 'prune', '--force', '--filter', `label=${LABEL_LAB}=1`], {
    what: 'remove untagged node images',
    allowFailure: true,
  });
}
