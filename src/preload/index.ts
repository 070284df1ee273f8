/** Preload (placeholder until the Electron wiring lands). */
export {};
