/**
 * What `uninstall --purge` removes from a node's iptables, planned from `iptables-save`
 * alone: the rules a plugin made (found by their comment, or by jumping to its chains) and
 * its chains. The plan is iptables-restore --noflush input, one transaction per table.
 */

/** How to recognise one plugin's rules and chains. */
export interface RuleOwner {
  /** A rule is the plugin's when its comment matches. */
  comment: (text: string) => boolean;
  /** Chains with this prefix are the plugin's... */
  chainPrefix: string;
  /** ...all of them (our plugin's MY-CNI-*), or only those its rules jump to (the reference CNI-*, shared with other networks). */
  allPrefixed: boolean;
}

/** Owners by plugin type. The reference plugins comment their rules `name: "<net>" id: "<container>"`. */
export function ruleOwner(type: string, network: string): RuleOwner {
  if (type === 'my-cni-plugin') return { comment: (c) => c.startsWith('my-cni-plugin:'), chainPrefix: 'MY-CNI-', allPrefixed: true };
  return { comment: (c) => c.startsWith(`name: "${network}" `), chainPrefix: 'CNI-', allPrefixed: false };
}

interface SavedRule {
  chain: string;
  spec: string;
  comment?: string;
  target?: string;
}

/** `-A CHAIN spec` as iptables-save prints it; the comment with its quotes undone. */
export function parseRule(line: string): SavedRule | undefined {
  const m = /^-A (\S+) (.*)$/.exec(line);
  if (!m) return undefined;
  const spec = m[2]!;
  const c = /--comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(spec);
  const comment = c ? (c[1] !== undefined ? c[1].replace(/\\(.)/g, '$1') : c[2]) : undefined;
  const target = /(?:^| )-[jg] (\S+)/.exec(spec)?.[1];
  return { chain: m[1]!, spec, comment, target };
}

/** The restore input that removes the owner's rules and chains; '' when there is nothing. */
export function purgePlan(save: string, owner: RuleOwner): string {
  let out = '';
  for (const block of save.split(/^(?=\*)/m)) {
    const table = /^\*(\S+)/.exec(block)?.[1];
    if (!table) continue;
    const lines = block.split('\n');
    const declared = lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]!);
    const rules = lines.map(parseRule).filter((r): r is SavedRule => r !== undefined);
    const owned = (r: SavedRule): boolean => r.comment !== undefined && owner.comment(r.comment);
    const chains = new Set(
      declared.filter(
        (c) => c.startsWith(owner.chainPrefix) && (owner.allPrefixed || rules.some((r) => r.target === c && owned(r))),
      ),
    );
    const deletes = rules.filter((r) => !chains.has(r.chain) && (owned(r) || (r.target !== undefined && chains.has(r.target))));
    if (deletes.length === 0 && chains.size === 0) continue;
    out += `*${table}\n`;
    out += deletes.map((r) => `-D ${r.chain} ${r.spec}\n`).join('');
    out += [...chains].map((c) => `-F ${c}\n`).join('');
    out += [...chains].map((c) => `-X ${c}\n`).join('');
    out += 'COMMIT\n';
  }
  return out;
}
