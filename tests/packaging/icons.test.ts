/** The committed icons: real PNGs of the sizes they claim, a valid .icns and .ico, and every tray state. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const assets = join(import.meta.dirname, '../../assets');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), file).toBe(true);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('icons', () => {
  it.each([16, 24, 32, 48, 64, 128, 256, 512, 1024])('assets/icons/%ix%i.png is that size', (size) => {
    expect(pngSize(join(assets, 'icons', `${size}x${size}.png`))).toEqual([size, size]);
  });

  it('icon.png is 1024 px, icon.icns and icon.ico have valid headers', () => {
    expect(pngSize(join(assets, 'icon.png'))).toEqual([1024, 1024]);
    const icns = readFileSync(join(assets, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const ico = readFileSync(join(assets, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    expect(count).toBeGreaterThanOrEqual(4);
    // Windows wants a 256 px image (stored as 0 in the directory entry).
    const widths = Array.from({ length: count }, (_, i) => ico[6 + i * 16]);
    expect(widths).toContain(0);
  });

  it.each(['idle', 'syncing', 'paused', 'error'])('tray %s has colour and macOS Template icons at 1x and 2x', (state) => {
    expect(pngSize(join(assets, 'tray', `tray-${state}.png`))).toEqual([16, 16]);
    expect(pngSize(join(assets, 'tray', `tray-${state}@2x.png`))).toEqual([32, 32]);
    expect(pngSize(join(assets, 'tray', `tray-${state}Template.png`))).toEqual([16, 16]);
    expect(pngSize(join(assets, 'tray', `tray-${state}Template@2x.png`))).toEqual([32, 32]);
    // Template icons must be black (macOS recolours them from the alpha channel only).
    expect(readFileSync(join(assets, 'tray', `tray-${state}Template.svg`), 'utf8')).not.toMatch(/#(?!000000)[0-9a-f]{6}/i);
  });
});
