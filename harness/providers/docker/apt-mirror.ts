import { readFile } from 'node:fs/promises';
import { PrerequisiteError } from '../../errors.ts';

/**
 * The Debian mirror this machine's apt uses for `suite`, read at run time so that no mirror
 * host name is ever written into the repository.
 */
export async function aptMirror(suite: string): Promise<string> {
  for (const [file, parse] of [
    ['/etc/apt/sources.list.d/debian.sources', mirrorFromDeb822],
    ['/etc/apt/sources.list', mirrorFromSourcesList],
  ] as const) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const uri = parse(text, suite);
    if (uri) return uri;
  }
  throw new PrerequisiteError(
    `no Debian mirror for ${suite} in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list`,
    `configure apt with a ${suite} mirror (the node image is built from it with mmdebstrap)`,
  );
}

/** The first URI of a deb822 stanza of Types deb whose Suites include `suite`. */
export function mirrorFromDeb822(text: string, suite: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    const types = (fields.get('types') ?? '').split(/\s+/);
    const suites = (fields.get('suites') ?? '').split(/\s+/);
    const uri = (fields.get('uris') ?? '').split(/\s+/)[0];
    if (types.includes('deb') && suites.includes(suite) && uri && fields.get('enabled') !== 'no') return uri;
  }
  return undefined;
}

/** The URI of the first one-line `deb [options] URI suite components` entry for `suite`. */
export function mirrorFromSourcesList(text: string, suite: string): string | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim();
    const [type, uri, s] = line.split(/\s+/);
    if (type === 'deb' && uri && s === suite) return uri;
  }
  return undefined;
}
