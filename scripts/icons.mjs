// Renders assets/icon.svg to every PNG size electron-builder and the OSes want, plus icon.icns (macOS)
// and icon.ico (Windows), and draws the tray icons (idle, syncing, paused, error) with macOS Template
// variants. Run with `npm run icons`; the generated files are committed so a build needs no renderer.
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const assets = join(import.meta.dirname, '..', 'assets');
const svg = readFileSync(join(assets, 'icon.svg'), 'utf8');
const render = (source, size) => new Resvg(source, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();

// App icon: Linux wants icons/NxN.png; buildResources/icon.png is the fallback for every target.
export const appSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
mkdirSync(join(assets, 'icons'), { recursive: true });
for (const size of appSizes) writeFileSync(join(assets, 'icons', `${size}x${size}.png`), render(svg, size));
const big = render(svg, 1024);
writeFileSync(join(assets, 'icon.png'), big);
const icns = png2icons.createICNS(big, png2icons.BICUBIC, 0);
const ico = png2icons.createICO(big, png2icons.BICUBIC, 0, true, true);
if (!icns || !ico) throw new Error('png2icons could not build icon.icns / icon.ico');
writeFileSync(join(assets, 'icon.icns'), icns);
writeFileSync(join(assets, 'icon.ico'), ico);

// Tray: a bucket glyph with a state mark. Colour variants for Windows/Linux; black-on-transparent
// "Template" variants that macOS recolours for light and dark menu bars.
const marks = {
  idle: (c) => `<path d="M10 1.2 C10.9 2.8 12 3.8 12 5 a2 2 0 0 1 -4 0 C8 3.8 9.1 2.8 10 1.2 Z" fill="${c}"/>`,
  syncing: (c) => `<path d="M10 1.5 v5 M7.8 4.5 L10 6.8 L12.2 4.5" stroke="${c}" stroke-width="1.6" fill="none" stroke-linecap="round" stroke-linejoin="round"/>`,
  paused: (c) => `<rect x="7.6" y="1.5" width="1.6" height="5" fill="${c}"/><rect x="10.8" y="1.5" width="1.6" height="5" fill="${c}"/>`,
  error: (c) => `<rect x="9.2" y="0.8" width="1.6" height="4" fill="${c}"/><rect x="9.2" y="5.6" width="1.6" height="1.6" fill="${c}"/>`,
};
const markColour = { idle: '#2563eb', syncing: '#2563eb', paused: '#6b7280', error: '#dc2626' };
const traySvg = (state, template) => {
  const body = template ? '#000000' : '#f59e0b';
  const rim = template ? '#000000' : '#b45309';
  const mark = template ? '#000000' : markColour[state];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">
  ${marks[state](mark)}
  <ellipse cx="10" cy="9.5" rx="7" ry="1.8" fill="none" stroke="${rim}" stroke-width="1.2"/>
  <path d="M3 9.5 L4.6 17 Q10 18.8 15.4 17 L17 9.5 Q10 11.8 3 9.5 Z" fill="${body}"/>
</svg>`;
};
export const trayStates = Object.keys(marks);
mkdirSync(join(assets, 'tray'), { recursive: true });
for (const state of trayStates) {
  for (const template of [false, true]) {
    const name = `tray-${state}${template ? 'Template' : ''}`;
    const source = traySvg(state, template);
    writeFileSync(join(assets, 'tray', `${name}.svg`), source);
    writeFileSync(join(assets, 'tray', `${name}.png`), render(source, 16));
    writeFileSync(join(assets, 'tray', `${name}@2x.png`), render(source, 32));
  }
}
console.log(`icons: ${appSizes.length} PNG sizes, icon.icns, icon.ico, ${trayStates.length * 2} tray icons (+@2x) in assets/`);
