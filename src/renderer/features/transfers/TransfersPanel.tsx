/**
 * The transfers drawer: a one-line summary bar (counts, overall progress, speed, the bulk actions) over a virtualised
 * list of every transfer. The list opens while work runs and closes when all is done, unless the person pinned it;
 * its height follows a drag handle that is also a keyboard separator.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { ChevronUp, Eraser, Info, Link, ListX, Pause, Pin, PinOff, Play, RefreshCw, RotateCcw, X } from 'lucide-react';
import { memo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransferSnapshot } from '../../../shared/contract';
import { retryCanWork } from '../../../shared/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FileIcon } from '../../components/FileIcon';
import { ExpirySelect, LinkOutput, useShareLink } from '../../components/ShareLink';
import { PropertiesPanel } from '../browser/PropertiesPanel';
import { SignInAgainButton } from '../connections/SignInAgain';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatDuration, formatSpeed, percent } from '../../format';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';

const ROW_HEIGHT = 64;
/** The open list's smallest height, and the keyboard's small and large steps, in CSS pixels. */
const MIN_HEIGHT = 80;
const STEP = 16;
const BIG_STEP = 80;
/** States after which a row needs nothing more from anyone: when every row is in one, the drawer closes. */
const SETTLED = new Set<TransferSnapshot['state']>(['done', 'skipped']);

const Row = memo(function Row({ row }: { row: TransferSnapshot }) {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  // A row has no room for a message: refusals are toasts.
  const { run } = useCommand({ toast: true });
  const locale = i18n.language;
  const { expiry, setExpiry, link, copy: copyLink } = useShareLink({ profileId: row.profileId, bucket: row.bucket, key: row.key });
  const [showProperties, setShowProperties] = useState(false);
  // Frozen numbers read as live: no speed or time left while browser mode has lost its engine.
  const live = useAppState((s) => s.connection) === 'connected';
  const active = row.state === 'running' || row.state === 'queued' || row.state === 'waiting-auth' || row.state === 'waiting-network';
  const value = row.state === 'done' || row.state === 'skipped' ? 100 : percent(row.bytesDone, row.bytesTotal);

  const download = row.direction === 'download';
  const draggable = download && row.state === 'done' && !!store.api.bridge.startDrag;

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
      <FileIcon name={row.name} kind="file" />
      <div className="transfer-main">
        <div className="transfer-name" title={row.key}>
          {row.name}
        </div>
        {/* A download's row (one the CLI ran on this data folder, or the desktop app's) names where it comes from. */}
        <div className="hint transfer-dest">{t(download ? 'transfers.source' : 'transfers.destination', { dest: `${row.bucket}/${row.key}` })}</div>
        <ProgressBar value={value} label={t(download ? 'transfers.downloadRowLabel' : 'transfers.rowLabel', { name: row.name })} valueText={`${formatBytes(row.bytesDone, locale)} / ${formatBytes(row.bytesTotal, locale)}`} />
      </div>
      <div className="transfer-stats">
        <span className="transfer-state">{t(download && row.state === 'running' ? 'transfers.state.downloading' : `transfers.state.${row.state}`)}</span>
        {live && row.state === 'running' && <span>{formatSpeed(row.speed, locale)}</span>}
        {live && row.state === 'running' && row.etaSeconds !== null && <span>{t('transfers.eta', { time: formatDuration(row.etaSeconds, locale) })}</span>}
      </div>
      <div className="transfer-actions">
        {active && (
          <IconButton label={`${t('transfers.pause')}: ${row.name}`} onClick={() => void run('transfers:pause', { id: row.id })}>
            <Pause />
          </IconButton>
        )}
        {row.state === 'paused' && (
          <IconButton label={`${t('transfers.resume')}: ${row.name}`} onClick={() => void run('transfers:resume', { id: row.id })}>
            <Play />
          </IconButton>
        )}
        {row.state === 'waiting-network' && (
          // The engine tries again by itself; this is for someone who knows the connection is back.
          <IconButton label={`${t('transfers.tryNow')}: ${row.name}`} onClick={() => void run('transfers:resume', { id: row.id })}>
            <RefreshCw />
          </IconButton>
        )}
        {row.state === 'waiting-auth' && <SignInAgainButton profileId={row.profileId} name={row.name} />}
        {(row.state === 'failed' || row.state === 'cancelled') && retryCanWork(row.error) && (
          <IconButton label={`${t('transfers.retry')}: ${row.name}`} onClick={() => void run('transfers:retry', { id: row.id })}>
            <RotateCcw />
          </IconButton>
        )}
        {(active || row.state === 'paused' || row.state === 'waiting-answer') && (
          <IconButton label={`${t('transfers.cancel')}: ${row.name}`} onClick={() => void run('transfers:cancel', { id: row.id })}>
            <X />
          </IconButton>
        )}
        {row.state === 'done' && (
          <>
            <ExpirySelect id={`exp-${row.id}`} value={expiry} onChange={setExpiry} />
            <IconButton label={`${t('transfers.copyLink')}: ${row.name}`} onClick={() => void copyLink()}>
              <Link />
            </IconButton>
            {!download && (
              // The object just uploaded: its properties (metadata, versions, preview) without finding it in the listing.
              <IconButton label={t('transfers.propertiesOf', { name: row.name })} onClick={() => setShowProperties(true)}>
                <Info />
              </IconButton>
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

/** A square button showing only an icon; its label is its accessible name and its tooltip. */
function IconButton({ label, onClick, children }: { label: string; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={onClick}>
      {children}
    </button>
  );
}

/** What the drawer does: follow the work ('auto'), or stay as the person pinned it. */
type DrawerPin = 'auto' | 'open' | 'closed';

/** The drawer. */
export function TransfersPanel() {
  const { t, i18n } = useTranslation();
  const store = useStoreApi();
  const { run, settle } = useCommand({ toast: true });
  const rows = useAppState((s) => s.transfers.rows);
  const overall = useAppState((s) => s.transfers.overall);
  const pin: DrawerPin = useAppState((s) => s.settings?.transfersDrawer) ?? 'auto';
  const savedHeight = useAppState((s) => s.settings?.transfersDrawerHeight) ?? 260;
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

  // Open while anything still needs the engine or the person (running, waiting, paused, failed, cancelled).
  const needsAttention = rows.some((r) => !SETTLED.has(r.state));
  // A click on the bar's toggle holds for the session until the work changes course (starts, or all is done).
  const [manual, setManual] = useState<boolean | null>(null);
  const [seenAttention, setSeenAttention] = useState(needsAttention);
  if (seenAttention !== needsAttention) {
    setSeenAttention(needsAttention);
    setManual(null);
  }
  const open = rows.length > 0 && (pin === 'open' || (pin === 'auto' && (manual ?? needsAttention)));

  // The handle's height while it is dragged or arrow-keyed; saved to settings when the gesture ends.
  const [dragHeight, setDragHeight] = useState<number | null>(null);
  const dragStart = useRef<{ y: number; height: number } | null>(null);
  const maxHeight = Math.max(MIN_HEIGHT, Math.round(window.innerHeight * 0.6));
  const clamp = (h: number) => Math.min(maxHeight, Math.max(MIN_HEIGHT, Math.round(h)));
  const height = clamp(dragHeight ?? savedHeight);
  const saveHeight = (h: number) => void settle(store.saveSettings({ transfersDrawerHeight: clamp(h) }));
  const onHandleKey = (e: KeyboardEvent) => {
    const next = { ArrowUp: height + STEP, ArrowDown: height - STEP, PageUp: height + BIG_STEP, PageDown: height - BIG_STEP, Home: MIN_HEIGHT, End: maxHeight }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    setDragHeight(clamp(next));
  };
  const onHandleKeyUp = () => {
    if (dragHeight !== null && dragHeight !== savedHeight) saveHeight(dragHeight);
  };
  const onPointerDown = (e: PointerEvent) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    dragStart.current = { y: e.clientY, height };
  };
  const onPointerMove = (e: PointerEvent) => {
    // The handle sits on the drawer's top edge: dragging up makes the list taller.
    if (dragStart.current) setDragHeight(clamp(dragStart.current.height + dragStart.current.y - e.clientY));
  };
  const onPointerUp = () => {
    if (!dragStart.current) return;
    dragStart.current = null;
    if (dragHeight !== null) saveHeight(dragHeight);
  };

  const toggle = () => {
    if (pin === 'auto') setManual(!open);
    else void settle(store.saveSettings({ transfersDrawer: open ? 'closed' : 'open' }));
  };
  const togglePin = () => {
    // Unpinning leaves the drawer as it is now; pinning keeps it so.
    if (pin !== 'auto') setManual(open);
    void settle(store.saveSettings({ transfersDrawer: pin !== 'auto' ? 'auto' : open ? 'open' : 'closed' }));
  };

  // One short line: only the counts there are ("0 uploading · 0 waiting" says nothing).
  const counts = (['running', 'queued', 'paused', 'done', 'failed', 'cancelled'] as const).filter((k) => overall[k] > 0).map((k) => t(`transfers.count.${k}`, { count: overall[k] }));
  if ((overall.asking ?? 0) > 0) counts.push(t('transfers.asking', { count: overall.asking }));
  const listHeight = Math.min(height, virtualizer.getTotalSize());
  const pinLabel = pin === 'auto' ? t(open ? 'transfers.pinOpen' : 'transfers.pinClosed') : t('transfers.unpin');

  return (
    <section className={`transfers drawer${open ? ' open' : ''}`} aria-labelledby="transfers-title" data-testid="transfers-drawer" data-open={open}>
      {open && (
        <div
          className="drawer-handle"
          role="separator"
          aria-orientation="horizontal"
          aria-label={t('transfers.resize')}
          aria-controls="transfers-body"
          aria-valuemin={MIN_HEIGHT}
          aria-valuemax={maxHeight}
          aria-valuenow={height}
          tabIndex={0}
          data-testid="transfers-resize"
          onKeyDown={onHandleKey}
          onKeyUp={onHandleKeyUp}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        />
      )}
      <header className="drawer-bar" data-testid="transfers-bar">
        <h2 id="transfers-title" className="drawer-title">
          <button type="button" className="drawer-toggle" aria-expanded={open} aria-controls="transfers-body" disabled={rows.length === 0} onClick={toggle} data-testid="transfers-toggle">
            <ChevronUp className="chevron" aria-hidden="true" size="1.1em" />
            {t('transfers.title')}
          </button>
        </h2>
        {rows.length === 0 ? (
          <span className="hint drawer-counts">{t('transfers.empty')}</span>
        ) : (
          <>
            <span className="hint drawer-counts" data-testid="transfer-counts">
              {counts.join(' · ')}
            </span>
            <div className="drawer-progress">
              <ProgressBar value={percent(overall.bytesDone, overall.bytesTotal)} label={t('transfers.overallLabel')} valueText={t('transfers.summary', { done: formatBytes(overall.bytesDone, locale), total: formatBytes(overall.bytesTotal, locale) })} />
              <span className="hint drawer-bytes">
                {t('transfers.summary', { done: formatBytes(overall.bytesDone, locale), total: formatBytes(overall.bytesTotal, locale) })}
                {live && overall.running > 0 && ` · ${formatSpeed(overall.speed, locale)}`}
                {live && overall.running > 0 && overall.etaSeconds !== null && ` · ${t('transfers.eta', { time: formatDuration(overall.etaSeconds, locale) })}`}
              </span>
            </div>
          </>
        )}
        <div className="actions drawer-actions">
          {overall.allPaused ? (
            <BarButton icon={<Play />} label={t('transfers.resumeAll')} onClick={() => void run('transfers:resume', {})} />
          ) : (
            <BarButton icon={<Pause />} label={t('transfers.pauseAll')} disabled={!pausable} onClick={() => void run('transfers:pause', {})} />
          )}
          {overall.allPaused === false && overall.paused > 0 && <BarButton icon={<Play />} label={t('transfers.resumeAll')} onClick={() => void run('transfers:resume', {})} />}
          {active && <BarButton icon={<X />} label={t('transfers.cancelAll')} onClick={() => void run('transfers:cancel', {})} />}
          {retryable && <BarButton icon={<RotateCcw />} label={t('transfers.retryFailed')} onClick={() => void run('transfers:retry', {})} />}
          {/* Failed rows stay through "Clear finished": clearing what went well must not hide what did not. */}
          <BarButton icon={<Eraser />} label={t('transfers.clearFinished')} disabled={overall.done + overall.cancelled === 0} onClick={() => void run('transfers:clearFinished', {})} />
          {overall.failed > 0 && <BarButton icon={<ListX />} label={t('transfers.clearFailed')} onClick={() => void run('transfers:clearFailed', {})} />}
          <button type="button" className="icon-button" aria-pressed={pin !== 'auto'} aria-label={pinLabel} title={pinLabel} onClick={togglePin} data-testid="transfers-pin">
            {pin === 'auto' ? <Pin /> : <PinOff />}
          </button>
        </div>
      </header>
      {/* Closed, the list stays mounted (its scroll position kept, the closing animated) but inert: out of reach and out of the reading order. */}
      <div className="drawer-body" id="transfers-body" inert={!open} data-testid="transfers-body">
        <div className="drawer-inner">
          {rows.length > 0 && (
            <div ref={scrollRef} className="transfer-scroll" data-testid="transfer-scroll" style={{ height: listHeight }}>
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
        </div>
      </div>
    </section>
  );
}

/** A bar action: an icon and its words; below 1100 px the words are read, not shown, so the bar stays one line. */
function BarButton({ icon, label, onClick, disabled }: { icon: ReactNode; label: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" className="bar-button" title={label} disabled={disabled} onClick={onClick}>
      {icon}
      <span className="bar-label">{label}</span>
    </button>
  );
}
