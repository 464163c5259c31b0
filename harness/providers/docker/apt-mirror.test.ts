import { describe, expect, it } from 'vitest';
import { mirrorFromDeb822, mirrorFromSourcesList } from './apt-mirror.ts';

// Placeholder host names (RFC 2606): the real mirror is read from the machine at run time.
describe('apt mirror', () => {
  it('reads the URI of the deb822 stanza for the suite, not the security one', () => {
    const text = [
      'Types: deb',
      'URIs: http://mirror.example/debian-security',
      'Suites: bookworm-security',
      '',
      'Types: deb deb-src',
      'URIs: http://mirror.example/debian http://other.example/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
    ].join('\n');
    expect(mirrorFromDeb822(text, 'bookworm')).toBe('http://mirror.example/debian');
    expect(mirrorFromDeb822(text, 'trixie')).toBeUndefined();
  });

  it('reads a one-line sources.list entry, with or without options', () => {
    const text = '# deb http://old.example/debian bookworm main\ndeb [arch=amd64] http://mirror.example/debian bookworm main\n';
    expect(mirrorFromSourcesList(text, 'bookworm')).toBe('http://mirror.example/debian');
  });
});
