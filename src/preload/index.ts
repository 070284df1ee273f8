/**
 * The preload: the only place with raw `ipcRenderer`. It exposes `window.s3drop` (the contract bridge)
 * through contextBridge and nothing else: no ipcRenderer, no process, no Node.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIpcBridge } from './bridge';

contextBridge.exposeInMainWorld(
  's3drop',
  createIpcBridge(ipcRenderer, (file) => webUtils.getPathForFile(file)),
);
