import { isUtf8 } from 'node:buffer';
import { decodeUtf8, firstInvalidUtf8 } from '../../src/config/yaml-source.js';

/*
 * decodeUtf8 asks Node's isUtf8 first and looks for the bad byte only when it says no: both must
 * agree on every input, or a bad file would be decoded (or a good one refused).
 */
describe('UTF-8 validation', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);

  test.each([
    ['ASCII', bytes(0x61, 0x0a, 0x62)],
    ['two, three and four bytes', bytes(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)],
    ['a lone continuation byte', bytes(0x61, 0x80)],
    ['an overlong two-byte form', bytes(0xc0, 0xaf)],
    ['an overlong three-byte form', bytes(0xe0, 0x80, 0xaf)],
    ['an overlong four-byte form', bytes(0xf0, 0x80, 0x80, 0xaf)],
    ['a surrogate', bytes(0xed, 0xa0, 0x80)],
    ['the last surrogate', bytes(0xed, 0xbf, 0xbf)],
    ['beyond U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['U+10FFFF', bytes(0xf4, 0x8f, 0xbf, 0xbf)],
    ['a lead byte F5', bytes(0xf5, 0x80, 0x80, 0x80)],
    ['a cut sequence', bytes(0x61, 0xe2, 0x82)],
    ['a cut sequence before ASCII', bytes(0xe2, 0x82, 0x61)],
    ['FF', bytes(0xff)],
    ['nothing', bytes()],
  ])('%s: the same answer', (_what, input) => {
    expect(firstInvalidUtf8(input) === -1).toBe(isUtf8(input));
  });

  test('random bytes, mostly near-valid: the same answer', () => {
    let seed = 9;
    const next = (below: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % below);
    const pieces = [
      [0x61],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xed, 0x9f, 0xbf],
      [0xee, 0x80, 0x80],
    ];
    let invalid = 0;
    for (let round = 0; round < 2000; round++) {
      const input: number[] = [];
      for (let k = next(6); k >= 0; k--) input.push(...pieces[next(pieces.length)]);
      // Now and then one byte anything at all.
      if (next(2) === 0) input[next(input.length)] = next(256);
      const array = Uint8Array.from(input);
      expect([input, firstInvalidUtf8(array) === -1]).toEqual([input, isUtf8(array)]);
      if (!isUtf8(array)) invalid++;
    }
    expect(invalid).toBeGreaterThan(200);
  });

  test('a bad byte is still named with its line', () => {
    expect(() => decodeUtf8(bytes(0x61, 0x0a, 0x62, 0xff), 'roster.yml')).toThrow(
      'roster.yml:2: not valid UTF-8 (byte 0xFF at offset 3); save the file as UTF-8',
    );
  });
});
