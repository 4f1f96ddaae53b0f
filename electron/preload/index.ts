// Preload (sandboxed, CommonJS): exposes exactly one object, window.parley. Nothing else crosses.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('parley', createBridge(ipcRenderer));
