import { describe, expect, it } from 'vitest';
import { placePods } from './placement.ts';

const NODES = [
  { name: 'my-k8s-master', role: 'control-plane' },
  { name: 'my-k8s-worker-1', role: 'worker' },
  { name: 'my-k8s-worker-2', role: 'worker' },
];
const seed = ['pod-1', 'pod-2', 'pod-3', 'pod-4'].map((name) => ({ name }));

describe('pod placement', () => {
  it("spreads the seed's four pods two per worker, never on the control plane", () => {
    expect(Object.fromEntries(placePods(seed, NODES, new Map()))).toEqual({
      'pod-1': 'my-k8s-worker-1', 'pod-2': 'my-k8s-worker-2', 'pod-3': 'my-k8s-worker-1', 'pod-4': 'my-k8s-worker-2',
    });
  });

  it('honours nodeName, the control plane included, and spreads the rest around it', () => {
    const pods = [{ name: 'a', nodeName: 'my-k8s-worker-1' }, { name: 'b', nodeName: 'my-k8s-worker-1' }, { name: 'c' }, { name: 'd', nodeName: 'my-k8s-master' }];
    expect(Object.fromEntries(placePods(pods, NODES, new Map()))).toEqual({
      a: 'my-k8s-worker-1', b: 'my-k8s-worker-1', c: 'my-k8s-worker-2', d: 'my-k8s-master',
    });
  });

  it('keeps a running pod where it runs and counts it when spreading new ones', () => {
    const running = new Map([['pod-1', 'my-k8s-worker-2'], ['other', 'my-k8s-worker-2']]);
    expect(Object.fromEntries(placePods(seed.slice(0, 3), NODES, running))).toEqual({
      'pod-1': 'my-k8s-worker-2', 'pod-2': 'my-k8s-worker-1', 'pod-3': 'my-k8s-worker-1',
    });
  });

  it('refuses a nodeName that is not a node, and a cluster without workers', () => {
    expect(() => placePods([{ name: 'x', nodeName: 'worker-9' }], NODES, new Map())).toThrow(/pod x: nodeName "worker-9" is not a node of this cluster/);
    expect(() => placePods([{ name: 'x' }], NODES.slice(0, 1), new Map())).toThrow(/no worker/);
  });
});
