/** Electron composition root (placeholder until the Electron wiring lands). */
import { app } from 'electron';

void app.whenReady().then(() => app.quit());
