/**
 * Drops on the main screen: the whole window takes them (a folder row that carries folderDropProps takes them into
 * its folder), with an overlay that names the destination; the dashed box is the visible hint and holds
 * "Add files…" and "Add folder…" for people who don't drag.
 */
import { FilePlus, FolderPlus, FolderX, Upload } from 'lucide-react';
import { useEffect, useEffectEvent, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Target } from '../../../shared/contract';
import { hasDotSegment } from '../../../shared/dot-segments';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { useCsvQuestion } from '../landing/CsvQuestion';
import { hasLandingChoices, isDataFile, localiseTemplateError, uploadOptionsOf, withUploadOptions, type DataFile, type LandingChoices } from '../landing/landing-options';
import { useDataDestination } from '../landing/use-data-destination';
import { excludeOf, objectOptionsOf, problemsOf, type ObjectChoices } from '../options/object-options';
import { destinationOf, dragHasFiles, dropTargetFor, enqueuePaths, enqueuePicked, filesFromDataTransfer, filesFromInput, folderDropElement, topLevelFiles, type DropOutcome, type PickedFile } from './drop';

/** Props: where dropped files go (undefined until a bucket is chosen), and the data-file choices. */
export interface DropZoneProps {
  target?: Target;
  /** Name pattern, gzip and UTF-8 choices for the next uploads. */
  landing?: LandingChoices;
  /** Told about the first .csv/.tsv/.txt of each drop (set only while the data-file options are open). */
  onDataFile?: (file: DataFile) => void;
  /** "More options": storage class, encryption, metadata, tags and files to leave out. */
  more?: ObjectChoices;
}

/**
 * Whether files may go to `to`. A folder named "." or ".." (made by other tools: an object "../x.txt") can be browsed
 * and its objects handled, but the engine refuses every upload key under it, so the screen says so before the drop.
 */
const takesFiles = (to: Target): boolean => !hasDotSegment(to.prefix);

/** The row that files hover now: marked so the listing's CSS can light it up. */
let markedRow: Element | null = null;
function markRow(row: Element | null) {
  if (row === markedRow) return;
  markedRow?.removeAttribute('data-drop-over');
  row?.setAttribute('data-drop-over', '');
  markedRow = row;
}

/** The drop zone, and the window-wide drop it stands for. */
export function DropZone({ target, landing, onDataFile, more }: DropZoneProps) {
  const { t } = useTranslation();
  const store = useStoreApi();
  const caps = useAppState((s) => s.info?.capabilities);
  const includeJunk = useAppState((s) => s.settings?.uploadJunkFiles ?? false);
  // While files are dragged over the window: where they would go (the folder row under the pointer, or the current folder).
  const [hovering, setHovering] = useState<Target | 'nowhere' | null>(null);
  const depth = useRef(0);
  const [preparing, setPreparing] = useState<{ done: number; total: number } | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const where = target ? destinationOf(target) : '';
  const refused = !!target && !takesFiles(target);
  const bridge = store.api.bridge;
  // Refusals are toasts: the drop zone has no room for a message. The drop helpers get commands that add the
  // landing options to 'transfers:enqueue'.
  const commands = useCommand({ toast: true });
  const landingOptions = landing && uploadOptionsOf(landing);
  const objectOptions = more && objectOptionsOf(more);
  // "More options" apply to every file; the landing options (data files) win where both set a field.
  const options = landingOptions || objectOptions ? { ...objectOptions, ...landingOptions } : undefined;
  const exclude = more ? excludeOf(more) : [];
  const dest = useDataDestination(target, landing);
  const csvQuestion = useCsvQuestion();
  // The CSV check comes before the upload whenever the data options are in use (open, or set).
  const checking = Boolean(onDataFile) || Boolean(landing && hasLandingChoices(landing));

  /**
   * Checks the drop's first data file before anything is queued, and asks when the check finds a problem. Returns
   * the commands to queue the drop with (converting when the person chose "Convert and upload"), or null to send
   * nothing.
   */
  const uploaderFor = async (file: DataFile | undefined) => {
    if (file) onDataFile?.(file);
    if (!file || !checking) return withUploadOptions(commands, options, exclude);
    const answer = await csvQuestion.ask(file, options?.convertToUtf8 === true);
    if (answer === 'cancel') return null;
    return withUploadOptions(commands, answer === 'convert' ? { ...options, convertToUtf8: true } : options, exclude);
  };

  /** A refused name pattern, or a tag S3 would refuse, stops the upload before anything is sent; the reason is shown. */
  const blocked = (): boolean => {
    if (more && problemsOf(more).length > 0) {
      store.toast({ level: 'error', key: 'moreOptions.invalid' });
      return true;
    }
    if (!landing?.templateError) return false;
    commands.report(localiseTemplateError(landing.templateError, (key, values) => t(key, values)));
    return true;
  };

  /** Says what a drop queued and what its folders left out (system files, and files with a problem by name). */
  const tell = ({ queued, leftOut }: DropOutcome) => {
    if (queued > 0) store.toast({ level: 'info', key: 'drop.queued', params: { count: queued } });
    if (leftOut.systemFiles > 0) store.toast({ level: 'info', key: 'drop.leftOutSystem', params: { count: leftOut.systemFiles } });
    // A file left out because another of the drop takes its key says so: its name itself is fine.
    const warn = (key: string, names: string[]) => {
      if (names.length === 0) return;
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
      store.toast({ level: 'warning', key, params: { count: names.length, names: shown } });
    };
    warn('drop.leftOutProblems', leftOut.problems.filter((p) => p.kind !== 'same-key').map((p) => p.path));
    warn('drop.leftOutSameKey', leftOut.problems.filter((p) => p.kind === 'same-key').map((p) => p.path));
  };

  /** Electron paths are the files themselves: the first data file is checked in place. */
  const firstDataPath = (paths: string[]): DataFile | undefined => {
    const first = paths.find(isDataFile);
    return first ? { path: first, name: first.split(/[\\/]/).pop() ?? first } : undefined;
  };

  /** Queues local paths (Electron's drop and native pickers) once the CSV question, if any, is answered. */
  const sendPaths = async (paths: string[], to: Target) => {
    const uploader = await uploaderFor(firstDataPath(paths));
    if (uploader) tell(await enqueuePaths(uploader, to, paths));
  };

  const send = async (picked: PickedFile[], to: Target) => {
    if (picked.length === 0 || blocked()) return;
    const data = (onDataFile || checking) && picked.find((p) => isDataFile(p.relativeKey));
    let file: DataFile | undefined;
    if (data && bridge.spoolFile) {
      // Browser mode: the upload's spooled copy is deleted once it is sent, so the check gets its own copy.
      file = await bridge.spoolFile(data.file).then(
        (path) => ({ path, name: data.relativeKey }),
        () => undefined,
      );
    } else if (data && caps?.dropGivesPaths && bridge.getPathForFile) file = firstDataPath([bridge.getPathForFile(data.file)]);
    const uploader = await uploaderFor(file);
    if (!uploader) return;
    setPreparing({ done: 0, total: picked.length });
    try {
      tell(await enqueuePicked(uploader, bridge, to, picked, (done, total) => setPreparing({ done, total }), includeJunk));
    } finally {
      setPreparing(null);
    }
  };

  const dropInto = (dt: DataTransfer, to: Target) => {
    if (blocked()) return;
    if (caps?.dropGivesPaths && bridge.getPathForFile) {
      // Electron: a dropped folder has a path too; the engine keeps the folder's name in the keys.
      // Items without a path (dragged out of another app's page) cannot be read by the engine: skip them.
      const paths = topLevelFiles(dt)
        .map((f) => bridge.getPathForFile!(f))
        .filter((p) => p !== '');
      void sendPaths(paths, to);
      return;
    }
    void filesFromDataTransfer(dt).then((picked) => send(picked, to));
  };

  // The window's drag events, read through an effect event so the listeners are added once and see the latest target.
  const onWindowDrag = useEffectEvent((e: DragEvent) => {
    if (!dragHasFiles(e.dataTransfer)) return;
    // Always prevented: a file dropped where nothing takes it must not replace the app with the file.
    e.preventDefault();
    const to = target && dropTargetFor(e.target, target);
    // A folder row that cannot take files is not lit up; the overlay says why.
    markRow(e.type === 'dragover' && to && takesFiles(to) ? folderDropElement(e.target) : null);
    // Moving from one element to the next fires dragenter on the new one before dragleave on the old: the count
    // reaches zero only when the drag leaves the window.
    if (e.type === 'dragenter') depth.current += 1;
    if (e.type === 'dragleave') {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setHovering(null);
      return;
    }
    if (e.dataTransfer) e.dataTransfer.dropEffect = to && takesFiles(to) ? 'copy' : 'none';
    if (e.type === 'drop') {
      depth.current = 0;
      setHovering(null);
      if (to && takesFiles(to) && e.dataTransfer) dropInto(e.dataTransfer, to);
      return;
    }
    setHovering((old) => (to ? (old !== 'nowhere' && old?.prefix === to.prefix && old.bucket === to.bucket ? old : to) : 'nowhere'));
  });
  useEffect(() => {
    const types = ['dragenter', 'dragover', 'dragleave', 'drop'] as const;
    for (const type of types) window.addEventListener(type, onWindowDrag);
    return () => {
      for (const type of types) window.removeEventListener(type, onWindowDrag);
      markRow(null);
    };
  }, []);

  const pick = async (folders: boolean) => {
    if (!target || refused || blocked()) return;
    if (caps?.nativeDialogs) {
      const res = await commands.run('app:pickFiles', { folders });
      if (res.ok) await sendPaths(res.value, target);
      return;
    }
    (folders ? folderInput : filesInput).current?.click();
  };

  // Both hidden inputs (files and folder) hand their picks to the same upload path, then reset for the next pick.
  const onPicked = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = filesFromInput(e.currentTarget.files ?? new DataTransfer().files);
    e.currentTarget.value = '';
    if (target && !refused) void send(picked, target);
  };

  const overlayTarget = hovering && hovering !== 'nowhere' ? destinationOf(hovering) : null;
  const overlayKey = hovering && hovering !== 'nowhere' && !takesFiles(hovering) ? 'drop.dotsOverlay' : 'drop.overlay';
  // The box lights up only when the drop would go where its sentence says (not while a folder row is aimed at).
  const overHere = !!target && !refused && overlayTarget === where;
  /** The sentence under the title: why files cannot go here, or the real destination (data options move data files, or in data mode every file, elsewhere). */
  const hint = () => {
    if (refused) return t('drop.dotsHint', { target: where });
    if (dest.data === undefined) return t('drop.hint', { target: where });
    return t(dest.dataMode ? 'drop.hintDataMode' : 'drop.hintData', { target: where, dataTarget: dest.data });
  };
  const label = !target ? t('drop.noBucket') : t(refused ? 'drop.dotsLabel' : 'drop.label', { target: where });

  return (
    <section className="drop-area">
      <div className={`drop-zone${overHere ? ' over' : ''}${target ? '' : ' disabled'}${refused ? ' refused' : ''}`} role="region" aria-label={label} data-testid="drop-zone">
        {refused ? <FolderX className="drop-icon" aria-hidden="true" size="1.75em" /> : <Upload className="drop-icon" aria-hidden="true" size="1.75em" />}
        <div className="drop-text">
          <p className="drop-title">{!target ? t('drop.noBucket') : t(refused ? 'drop.dotsTitle' : 'drop.title')}</p>
          {target && (
            <p className="drop-hint" data-testid="drop-destination">
              {hint()}
            </p>
          )}
          {preparing && (
            <p className="drop-hint" role="status">
              {t('drop.preparing', preparing)}
            </p>
          )}
        </div>
        <div className="drop-buttons">
          <button type="button" disabled={!target || refused} onClick={() => void pick(false)}>
            <FilePlus aria-hidden="true" size="1.1em" />
            {t('drop.addFiles')}
          </button>
          <button type="button" disabled={!target || refused} onClick={() => void pick(true)}>
            <FolderPlus aria-hidden="true" size="1.1em" />
            {t('drop.addFolder')}
          </button>
        </div>
      </div>
      {hovering && (
        // Shown only while files are dragged over the window; pointer-events pass through so the row under it takes the drop.
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-card">
            <Upload aria-hidden="true" size="2.5em" />
            <p>{overlayTarget ? t(overlayKey, { target: overlayTarget }) : t('drop.noBucket')}</p>
          </div>
        </div>
      )}
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        data-testid="files-input"
        onChange={onPicked}
      />
      <input
        ref={(el) => {
          folderInput.current = el;
          // React has no typed prop for webkitdirectory; set the attribute directly.
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        onChange={onPicked}
      />
      {csvQuestion.element}
    </section>
  );
}
