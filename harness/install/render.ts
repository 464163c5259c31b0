import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../errors.ts';
import { hostExec } from '../host-exec.ts';

/** The three values every config template takes, as the seed's jsonnet did. */
export interface TemplateVars {
  /** This node's pod subnet, e.g. 200.200.1.0/24. */
  podSubnet: string;
  /** The whole cluster's pod network, e.g. 200.200.0.0/16. */
  podNetwork: string;
  /** The nodes' network, e.g. 10.0.0.0/16. */
  hostNetwork: string;
}

/** The jsonnet command line that renders one node's config (a user can paste it). */
export function jsonnetArgv(template: string, vars: TemplateVars): string[] {
  return [
    'jsonnet',
    '--ext-str', `podSubnet=${vars.podSubnet}`,
    '--ext-str', `podNetwork=${vars.podNetwork}`,
    '--ext-str', `hostNetwork=${vars.hostNetwork}`,
    template,
  ];
}

/** A network config list as libcni reads it from /etc/cni/net.d. */
export interface ConfList {
  cniVersion: string;
  name: string;
  plugins: Array<{ type: string } & Record<string, unknown>>;
}

/**
 * The rendered template as a conflist. A single plugin object is wrapped, as libcni's
 * ConfListFromConf does, so that every node gets one file format and the network name and
 * plugin type are checked here rather than by podman at the first pod.
 */
export function toConfList(rendered: unknown, template: string): ConfList {
  const bad = (why: string): UsageError => new UsageError(`--config ${template}: ${why}`);
  if (typeof rendered !== 'object' || rendered === null || Array.isArray(rendered)) throw bad('does not render to a JSON object');
  const r = rendered as Record<string, unknown>;
  const list = Array.isArray(r.plugins)
    ? (r as unknown as ConfList)
    : { cniVersion: r.cniVersion as string, name: r.name as string, plugins: [r as ConfList['plugins'][number]] };
  if (typeof list.cniVersion !== 'string') throw bad('has no "cniVersion"');
  if (typeof list.name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(list.name)) {
    throw bad(`"name" ${JSON.stringify(list.name)} is not a CNI network name (letters, digits, "_", "." and "-")`);
  }
  if (list.plugins.length === 0 || list.plugins.some((p) => typeof p?.type !== 'string' || !/^[a-zA-Z0-9_.-]+$/.test(p.type))) {
    throw bad('every plugin needs a "type" that names an executable');
  }
  return list;
}

/** Where the config goes on a node: libcni reads the directory in name order. */
export const confListPath = (list: ConfList): string => `/etc/cni/net.d/10-${list.name}.conflist`;

/** The plugin's executable must carry the config's type as its name: that is how libcni finds it. */
export function checkPluginMatches(pluginPath: string, list: ConfList, template: string): string {
  const type = list.plugins[0]!.type;
  if (basename(pluginPath) !== type) {
    throw new UsageError(
      `--plugin ${pluginPath} is named ${JSON.stringify(basename(pluginPath))} but --config ${template} has plugin type ${JSON.stringify(type)}: give a config whose type is the plugin's name`,
    );
  }
  return type;
}

/** Renders the template for one node with jsonnet on this machine. */
export async function renderConfList(template: string, vars: TemplateVars): Promise<ConfList> {
  await readFile(template).catch((e: unknown) => {
    throw new UsageError(`--config ${template}: cannot be read (${(e as Error).message})`);
  });
  const res = await hostExec(jsonnetArgv(template, vars), { what: `render ${template} for ${vars.podSubnet}` });
  let rendered: unknown;
  try {
    rendered = JSON.parse(res.stdout);
  } catch {
    throw new UsageError(`--config ${template}: jsonnet printed something that is not JSON`);
  }
  return toConfList(rendered, template);
}
