import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LiveCluster } from '../matrix/expand.ts';

/** What the setup project learned about the running lab, for the specs' fixtures. */
export interface RunFile {
  statePath: string;
  plugin: string;
  /** The nping echo passphrase of every echo server in the lab. */
  secret: string;
  live: LiveCluster;
  /** The container to exec into for each pod (podman kube play names it <pod>-<container>). */
  podContainers: Record<string, string>;
  /** Each pod's network namespace on its node, where probes from the pod run. */
  podNetns?: Record<string, string>;
}

export const RUN_FILE = resolve(import.meta.dirname, '../../reports/.run/lab.json');

export function writeRunFile(run: RunFile): void {
  mkdirSync(dirname(RUN_FILE), { recursive: true });
  writeFileSync(RUN_FILE, JSON.stringify(run, null, 2));
}

export function readRunFile(): RunFile {
  try {
    return JSON.parse(readFileSync(RUN_FILE, 'utf8')) as RunFile;
  } catch (err) {
    throw new Error(`${RUN_FILE} cannot be read: the setup project writes it; run the whole flow with npm run test:e2e`, { cause: err });
  }
}
