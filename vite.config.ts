import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: a plain web app with no Node access. Relative base so file:// (Electron) and http:// (serve) both work.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../../out/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome130' },
});
