/**
 * The one way the UI downloads: in browser mode one browser download of the whole choice, streamed by the server
 * (one file as itself, more as a ZIP), so the browser never needs to reach the S3 endpoint and folders download
 * too; in the desktop app, the transfer queue into the Downloads folder. An older version takes the same path.
 */
import { useCallback } from 'react';
import type { DownloadSource } from '../../shared/contract';
import { useAppState, useStoreApi } from './store';
import type { Commands } from './use-command';

/** Returns `download(source)`; refusals go where `commands` reports them. */
export function useDownload(commands: Pick<Commands, 'run' | 'report'>): (source: DownloadSource) => Promise<void> {
  const store = useStoreApi();
  const transport = useAppState((s) => s.info?.capabilities.transport);
  const downloadsDir = useAppState((s) => s.info?.downloadsDir);
  const { run, report } = commands;

  return useCallback(
    async (source: DownloadSource) => {
      if (transport === 'browser') {
        const link = store.api.bridge.downloadLink;
        if (!link) return report({ code: 'NOT_SUPPORTED', message: '', params: { what: 'downloads' } });
        const res = await link(source);
        if (!res.ok) return report(res.error);
        // The download attribute keeps this page where it is, even when the server answers with an error.
        const a = document.createElement('a');
        a.href = res.value;
        a.download = '';
        a.rel = 'noopener';
        a.click();
        return;
      }
      if (!downloadsDir) return report({ code: 'NOT_SUPPORTED', message: '', params: { what: 'downloads' } });
      const res = await run('transfers:download', { source, folder: downloadsDir, priority: 0 });
      if (!res.ok) return;
      store.toast({ level: 'info', key: 'listing.download.started', params: { count: res.value.ids.length, folder: downloadsDir } });
      if (res.value.renamed.length > 0) {
        const names = res.value.renamed.map((r) => r.path);
        store.toast({ level: 'warning', key: 'listing.download.renamed', params: { count: names.length, names: names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '') } });
      }
    },
    [store, transport, downloadsDir, run, report],
  );
}
