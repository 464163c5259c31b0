import { parseAllDocuments } from 'yaml';
import { UsageError } from '../errors.ts';

/** One Pod of a manifest such as pods.yaml, as the pod runtimes need it. */
export interface PodDoc {
  name: string;
  /** spec.nodeName: the pod asks for this node. */
  nodeName?: string;
  /** The whole document, to hand to the runtime (podman kube play, kubectl apply). */
  doc: PodObject;
}

export interface ContainerSpec {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string }>;
  [key: string]: unknown;
}

export interface PodObject {
  apiVersion: string;
  kind: 'Pod';
  metadata: { name: string; [key: string]: unknown };
  spec: { nodeName?: string; containers: ContainerSpec[]; [key: string]: unknown };
}

/** The Pods of a multi-document YAML manifest; anything that is not a Pod is refused by name and line. */
export function parsePodManifest(text: string, file: string): PodDoc[] {
  const pods: PodDoc[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((d, i) => {
    if (d.errors.length > 0) throw new UsageError(`${file}: ${d.errors[0]!.message}`);
    const obj = d.toJS() as Partial<PodObject> | null;
    if (obj === null || obj === undefined) return;
    const where = `${file} document ${i + 1}`;
    if (obj.kind !== 'Pod') throw new UsageError(`${where}: kind ${JSON.stringify(obj.kind)} is not supported here, only Pod`);
    const name = obj.metadata?.name;
    if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      throw new UsageError(`${where}: metadata.name ${JSON.stringify(name)} is not a Kubernetes pod name`);
    }
    const containers = obj.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0 || containers.some((c) => typeof c?.name !== 'string' || typeof c?.image !== 'string')) {
      throw new UsageError(`${where} (pod ${name}): spec.containers needs at least one container with a name and an image`);
    }
    if (pods.some((p) => p.name === name)) throw new UsageError(`${where}: pod ${name} appears twice`);
    const nodeName = obj.spec?.nodeName;
    pods.push({ name, ...(typeof nodeName === 'string' ? { nodeName } : {}), doc: obj as PodObject });
  });
  if (pods.length === 0) throw new UsageError(`${file}: no Pod in it`);
  return pods;
}

/** The env variable that carries the nping echo passphrase in pods.yaml, my-nping and the echo servers. */
export const ECHO_SECRET_ENV = 'ECHO_SECRET';

/**
 * A copy of the pod for one cluster: its images replaced where a setting says so, the echo
 * passphrase set to the cluster's, and nodeName dropped (the harness has placed it).
 */
export function podForCluster(doc: PodObject, o: { images?: Record<string, string>; echoSecret?: string; dropNodeName?: boolean }): PodObject {
  const copy = structuredClone(doc);
  if (o.dropNodeName) delete copy.spec.nodeName;
  for (const c of copy.spec.containers) {
    c.image = o.images?.[c.image] ?? c.image;
    if (o.echoSecret !== undefined) {
      c.env = (c.env ?? []).map((e) => (e.name === ECHO_SECRET_ENV ? { name: e.name, value: o.echoSecret } : e));
    }
  }
  return copy;
}
