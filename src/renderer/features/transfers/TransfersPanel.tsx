/** The transfers panel: overall progress and controls, and a virtualised list of every transfer. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Info } from 'lucide-react';
import { memo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransferSnapshot } from '../../../shared/contract';
import { retryCanWork } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ExpirySelect, LinkOutput, useShareLink } from '../../components/ShareLink';
import { PropertiesPanel } from '../browser/PropertiesPanel';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatDuration, formatSpeed, percent } from '../../format';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { SignInAgainButton } from '../connections/SignInAgain';

const ROW_HEIGHT = 76;

const Row = memo(function Row({ row }: { row: TransferSnapshot }) {
  const { t, i18n } = useTranslation();
  // A row has no room for a message: refusals are toasts.
  const { run } = useCommand({ toast: true });
  const locale = i18n.language;
  const { expiry, setExpiry, link, copy: copyLink } = useShareLink({ profileId: row.profileId, bucket: row.bucket, key: row.key });
  const [showProperties, setShowProperties] = useState(false);
  // Frozen numbers read as live: no speed or time left while browser mode has lost its engine.
  const live = useAppState((s) => s.connection) === 'connected';
  const active = row.state === 'running' || row.state === 'queued' || row.state === 'waiting-auth' || row.state === 'waiting-network';
  const value = row.state === 'done' || row.state === 'skipped' ? 100 : percent(row.bytesDone, row.bytesTotal);

  const store = useStoreApi();
  const draggable = row.direction === 'download' && row.state === 'done' && !!store.api.bridge.startDrag;

  return (
    <div
      className={`transfer-row state-${row.state}`}
      data-testid="transfer-row"
      data-state={row.state}
      data-key={row.key}
      // A finished download drags out onto the desktop or a folder (Electron only: the main process starts the OS drag).
      draggable={draggable || undefined}
      onDragStart={
        draggable
          ? (e) => {
              e.preventDefault();
              store.api.bridge.startDrag?.(row.id);
            }
          : undefined
      }
    >
      <div className="transfer-main">
        <div className="transfer-name" title={row.key}>
          {row.name}
        </div>
        <div className="hint transfer-dest">{t('transfers.destination', { dest: `${row.bucket}/${row.key}` })}</div>
        <ProgressBar value={value} label={t('transfers.rowLabel', { name: row.name })} valueText={`${formatBytes(row.bytesDone, locale)} / ${formatBytes(row.bytesTotal, locale)}`} />
      </div>
      <div className="transfer-stats">
        <span className="transfer-state">{t(`transfers.state.${row.state}`)}</span>
        {live && row.state === 'running' && <span>{formatSpeed(row.speed, locale)}</span>}
        {live && row.state === 'running' && row.etaSeconds !== null && <span>{t('transfers.eta', { time: formatDuration(row.etaSeconds, locale) })}</span>}
      </div>
      <div className="transfer-actions">
        {active && (
          <button type="button" onClick={() => void run('transfers:pause', { id: row.id })} aria-label={`${t('transfers.pause')}: ${row.name}`}>
            {t('transfers.pause')}
          </button>
        )}
        {row.state === 'paused' && (
          <button type="button" onClick={() => void run('transfers:resume', { id: row.id })} aria-label={`${t('transfers.resume')}: ${row.name}`}>
            {t('transfers.resume')}
          </button>
        )}
        {row.state === 'waiting-auth' && <SignInAgainButton profileId={row.profileId} name={row.name} />}
        {row.state === 'waiting-network' && (
          // The engine tries again by itself; this is for someone who knows the connection is back.
          <button type="button" onClick={() => void run('transfers:resume', { id: row.id })} aria-label={`${t('transfers.tryNow')}: ${row.name}`}>
            {t('transfers.tryNow')}
          </button>
        )}
        {(row.state === 'failed' || row.state === 'cancelled') && retryCanWork(row.error) && (
          <button type="button" onClick={() => void run('transfers:retry', { id: row.id })} aria-label={`${t('transfers.retry')}: ${row.name}`}>
            {t('transfers.retry')}
          </button>
        )}
        {(active || row.state === 'paused' || row.state === 'waiting-answer') && (
          <button
            type="button"
            onClick={() => void run('transfers:cancel', { id: row.id })}
            aria-label={`${t('transfers.cancel')}: ${row.name}`}
          >
            {t('transfers.cancel')}
          </button>
        )}
        {row.state === 'done' && (
          <>
            <ExpirySelect id={`exp-${row.id}`} value={expiry} onChange={setExpiry} />
            <button type="button" onClick={() => void copyLink()} aria-label={`${t('transfers.copyLink')}: ${row.name}`}>
              {t('transfers.copyLink')}
            </button>
            {row.direction !== 'download' && (
              // The object just uploaded: its properties (metadata, versions, preview) without finding it in the listing.
              <button type="button" onClick={() => setShowProperties(true)} aria-label={t('transfers.propertiesOf', { name: row.name })} title={t('transfers.properties')}>
                <Info aria-hidden size={16} />
              </button>
            )}
          </>
        )}
      </div>
      {showProperties && (
        <PropertiesPanel
          profileId={row.profileId}
          bucket={row.bucket}
          entry={{ kind: 'object', key: row.key, name: row.key.slice(row.key.lastIndexOf('/') + 1), size: row.bytesTotal }}
          onClose={() => setShowProperties(false)}
        />
      )}
      {link && <LinkOutput link={link} expiry={expiry} />}
      {row.error && row.state === 'failed' && <ErrorMessage error={row.error} announce={false} />}
      {row.state === 'waiting-network' && <div className="hint transfer-waiting">{t('transfers.waitingNetworkHint')}</div>}
    </div>
  );
});

/** The panel. */
export function TransfersPanel() {
  const { t, i18n } = useTranslation();
  const { run } = useCommand({ toast: true });
  const rows = useAppState((s) => s.transfers.rows);
  const overall = useAppState((s) => s.transfers.overall);
  const scrollRef = useRef<HTMLDivElement>(null);
  const locale = i18n.language;
  // Measured sizes are cached by key: keyed by index, a row with an error would lend its height to whichever
  // row slid into its place when newer transfers were added on top, and rows would overlap.
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is the documented way to window long lists.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => rows[rows.length - 1 - i]?.id ?? i,
    overscan: 6,
  });
  const active = overall.running + overall.queued + overall.paused + (overall.asking ?? 0) > 0;
  // Pause all only when something runs or waits its turn: paused rows and questions have nothing to pause.
  const pausable = overall.running + overall.queued > 0;
  // Retry failed only when one of them can work (a file that is gone or a refused name would fail again at once).
  const retryable = overall.failed > 0 && rows.some((r) => r.state === 'failed' && retryCanWork(r.error));
  // Without the engine the last speed and time left would stand still and read as live ("1 sec left" for good).
  const live = useAppState((s) => s.connection) === 'connected';

  return (
    <section className="transfers" aria-labelledby="transfers-title">
      <header className="transfers-head">
        <h2 id="transfers-title">{t('transfers.title')}</h2>
        {rows.length > 0 && (
          // Idle, "0 bytes of 0 bytes · Uploading 0 · waiting 0…" says nothing; the empty list below says it in words.
          <div className="transfers-overall">
            <ProgressBar value={percent(overall.bytesDone, overall.bytesTotal)} label={t('transfers.overallLabel')} valueText={t('transfers.summary', { done: formatBytes(overall.bytesDone, locale), total: formatBytes(overall.bytesTotal, locale) })} />
            <span className="hint">
              {t('transfers.summary', { done: formatBytes(overall.bytesDone, locale), total: formatBytes(overall.bytesTotal, locale) })}
              {live && overall.running > 0 && ` · ${formatSpeed(overall.speed, locale)}`}
              {live && overall.running > 0 && overall.etaSeconds !== null && ` · ${t('transfers.eta', { time: formatDuration(overall.etaSeconds, locale) })}`}
            </span>
            <span className="hint" data-testid="transfer-counts">
              {t('transfers.counts', { running: overall.running, queued: overall.queued, paused: overall.paused, done: overall.done, failed: overall.failed })}
              {/* Only when there are some: the line already wraps at 1200 px in Portuguese. */}
              {overall.cancelled > 0 && ` · ${t('transfers.cancelledCount', { cancelled: overall.cancelled })}`}
              {(overall.asking ?? 0) > 0 && ` · ${t('transfers.asking', { count: overall.asking })}`}
            </span>
          </div>
        )}
        <div className="actions">
          {overall.allPaused ? (
            <button type="button" onClick={() => void run('transfers:resume', {})}>
              {t('transfers.resumeAll')}
            </button>
          ) : (
            <button type="button" disabled={!pausable} onClick={() => void run('transfers:pause', {})}>
              {t('transfers.pauseAll')}
            </button>
          )}
          {overall.allPaused === false && overall.paused > 0 && (
            <button type="button" onClick={() => void run('transfers:resume', {})}>
              {t('transfers.resumeAll')}
            </button>
          )}
          {active && (
            <button type="button" onClick={() => void run('transfers:cancel', {})}>
              {t('transfers.cancelAll')}
            </button>
          )}
          {retryable && (
            <button type="button" onClick={() => void run('transfers:retry', {})}>
              {t('transfers.retryFailed')}
            </button>
          )}
          {/* Failed rows stay through "Clear finished": clearing what went well must not hide what did not. */}
          <button type="button" disabled={overall.done + overall.cancelled === 0} onClick={() => void run('transfers:clearFinished', {})}>
            {t('transfers.clearFinished')}
          </button>
          {overall.failed > 0 && (
            <button type="button" onClick={() => void run('transfers:clearFailed', {})}>
              {t('transfers.clearFailed')}
            </button>
          )}
        </div>
      </header>
      {rows.length === 0 ? (
        <p className="hint">{t('transfers.empty')}</p>
      ) : (
        <div ref={scrollRef} className="transfer-scroll" data-testid="transfer-scroll">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              // Newest first: people look for what they just dropped.
              const row = rows[rows.length - 1 - v.index]!;
              return (
                <div key={row.id} data-index={v.index} ref={virtualizer.measureElement} className="transfer-slot" style={{ transform: `translateY(${v.start}px)` }}>
                  <Row row={row} />
                </div>
              );
            })}
          </div>
        </div>
      )}
    </section>
  );
}
