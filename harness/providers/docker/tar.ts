/**
 * A tar archive holding one regular file, for Docker's put-archive endpoint (the API copies
 * only archives). ustar: a 512-byte header, the data padded to 512 bytes, two empty blocks.
 */
export function singleFileTar(name: string, data: Buffer, mode: number, mtimeSeconds = 0): Buffer {
  if (Buffer.byteLength(name) > 100) throw new RangeError(`tar: file name longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'utf8');
  };
  const octal = (n: number, length: number): string => `${n.toString(8).padStart(length - 1, '0')}\0`;
  field(0, 100, name);
  field(100, 8, octal(mode & 0o7777, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(data.length, 12));
  field(136, 12, octal(Math.floor(mtimeSeconds), 12));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  const checksum = header.reduce((sum, b) => sum + b, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}
