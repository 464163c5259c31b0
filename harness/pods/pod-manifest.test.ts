import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parsePodManifest, podForCluster } from './pod-manifest.ts';

describe('pods.yaml', () => {
  it("holds the seed's four pods, each an nping echo server with NET_RAW and no grace period, on the lab's pod image", async () => {
    const pods = parsePodManifest(await readFile('pods.yaml', 'utf8'), 'pods.yaml');
    expect(pods.map((p) => p.name)).toEqual(['pod-1', 'pod-2', 'pod-3', 'pod-4']);
    for (const p of pods) {
      const [c] = p.doc.spec.containers;
      expect(c!.image).toBe('localhost/cni-lab-pod:latest');
      expect(JSON.stringify(c!.command)).toMatch(/nping --echo-server .*--no-crypto --interface any/);
      expect(c!.securityContext).toEqual({ capabilities: { add: ['NET_RAW'] } });
      expect(p.doc.spec.terminationGracePeriodSeconds).toBe(0);
      expect(p.nodeName).toBeUndefined();
    }
  });

  it('refuses what is not a Pod, bad names and duplicates, naming the document', () => {
    expect(() => parsePodManifest('kind: Service\nmetadata: {name: s}\n', 'f.yaml')).toThrow(/f\.yaml document 1: kind "Service" is not supported/);
    expect(() => parsePodManifest('kind: Pod\nmetadata: {name: Pod_1}\nspec: {containers: [{name: c, image: i}]}\n', 'f.yaml')).toThrow(/metadata.name "Pod_1"/);
    const one = 'kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n';
    expect(() => parsePodManifest(`${one}---\n${one}`, 'f.yaml')).toThrow(/document 2: pod a appears twice/);
    expect(() => parsePodManifest('kind: Pod\nmetadata: {name: a}\nspec: {containers: []}\n', 'f.yaml')).toThrow(/at least one container/);
    expect(() => parsePodManifest('', 'f.yaml')).toThrow(/no Pod/);
  });

  it("sets the cluster's echo secret and image, and drops nodeName, on a copy", () => {
    const [p] = parsePodManifest(
      'kind: Pod\nmetadata: {name: a}\nspec:\n  nodeName: w1\n  containers: [{name: c, image: img, env: [{name: ECHO_SECRET, value: x}, {name: K, value: v}]}]\n',
      'f.yaml',
    );
    const copy = podForCluster(p!.doc, { images: { img: 'registry/img:1' }, echoSecret: 's3', dropNodeName: true });
    expect(copy.spec).toEqual({ containers: [{ name: 'c', image: 'registry/img:1', env: [{ name: 'ECHO_SECRET', value: 's3' }, { name: 'K', value: 'v' }] }] });
    expect(p!.doc.spec.nodeName).toBe('w1');
  });
});
