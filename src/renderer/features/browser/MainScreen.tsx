/** The main screen: bucket picker, breadcrumb, folder listing, the drop zone, and the transfers panel. */
import { ChevronDown, Database, RefreshCw } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BucketSummary, ObjectEntry, Target } from '../../../shared/contract';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAppState, useStoreApi } from '../../state/store';
import { useCommand } from '../../state/use-command';
import { LandingPanel } from '../landing/LandingPanel';
import { landingMemory, type DataFile, type LandingChoices } from '../landing/landing-options';
import { MoreOptions } from '../options/MoreOptions';
import { objectChoicesMemory, type ObjectChoices } from '../options/object-options';
import { ExistingQuestion } from '../transfers/ExistingQuestion';
import { TransfersPanel } from '../transfers/TransfersPanel';
import { CreateBucketDialog } from './CreateBucketDialog';
import { DropZone } from './DropZone';
import { Listing } from './Listing';

/** The main screen. */
export function MainScreen() {
  const { t } = useTranslation();
  const store = useStoreApi();
  const settings = useAppState((s) => s.settings);
  const profiles = useAppState((s) => s.profiles);
  const doneCount = useAppState((s) => s.transfers.overall.done);
  const profileId = settings?.lastProfileId;
  const bucket = settings?.lastBucket || undefined;
  const prefix = settings?.lastPrefix ?? '';
  const profile = profiles.find((p) => p.id === profileId);

  const [buckets, setBuckets] = useState<BucketSummary[] | null>(null);
  // Both listings keep their error on screen while they reload; choosing a bucket or folder toasts a refusal.
  const { run: listBuckets, error: bucketError } = useCommand({ keepError: true });
  const { run: listObjects, error: listError } = useCommand({ keepError: true });
  const { settle: saving } = useCommand({ toast: true });
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  // At 900 px and below the bucket list is a drawer over the content, opened by the bucket picker button.
  const [bucketsOpen, setBucketsOpen] = useState(false);
  const [entries, setEntries] = useState<ObjectEntry[]>([]);
  // The folder whose first page is on screen; differs from the wanted one while a listing loads.
  const [listedFor, setListedFor] = useState<string | null>(null);
  const [nextToken, setNextToken] = useState<string | undefined>();
  // Data-file options for the next drops; kept for the session (not saved), like a form being filled in.
  const [landing, setLanding] = useState<LandingChoices>(landingMemory.choices);
  const [landingOpen, setLandingOpen] = useState(landingMemory.open);
  const [dataFile, setDataFile] = useState<DataFile | undefined>(landingMemory.dataFile);
  // "More options" for the next drops, kept for the session like the data-file options.
  const [more, setMore] = useState<ObjectChoices>(objectChoicesMemory.choices);
  useEffect(() => {
    objectChoicesMemory.choices = more;
  }, [more]);
  useEffect(() => {
    landingMemory.choices = landing;
    landingMemory.open = landingOpen;
    landingMemory.dataFile = dataFile;
  }, [landing, landingOpen, dataFile]);
  const changeLanding = useCallback(
    (patch: Partial<LandingChoices>) =>
      setLanding((old) => ((Object.keys(patch) as (keyof LandingChoices)[]).every((k) => old[k] === patch[k]) ? old : { ...old, ...patch })),
    [],
  );

  const choose = useCallback((patch: { lastBucket?: string; lastPrefix?: string }) => saving(store.saveSettings(patch)), [store, saving]);
  const chooseBucket = (name: string) => {
    setBucketsOpen(false);
    void choose({ lastBucket: name, lastPrefix: '' });
  };

  const loadBuckets = useCallback(async () => {
    if (!profileId) return;
    const res = await listBuckets('buckets:list', { profileId });
    setBuckets(res.ok ? res.value : []);
  }, [listBuckets, profileId]);

  const loadObjects = useCallback(
    async (token?: string) => {
      if (!profileId || !bucket) return;
      const res = await listObjects('objects:list', { profileId, bucket, prefix, token });
      setListedFor(`${profileId}|${bucket}|${prefix}`);
      if (!res.ok) return setEntries([]);
      setEntries((old) => (token ? [...old, ...res.value.entries] : res.value.entries));
      setNextToken(res.value.nextToken);
    },
    [listObjects, profileId, bucket, prefix],
  );

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- fetching on a dependency change; state is set after the await.
    void loadBuckets();
  }, [loadBuckets]);
  // Reload the folder when it changes, and when uploads finish (new objects appear without a click).
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- as above: the listing arrives asynchronously.
    void loadObjects();
  }, [loadObjects, doneCount]);

  const filtered = useMemo(() => (buckets ?? []).filter((b) => b.name.toLowerCase().includes(search.trim().toLowerCase())), [buckets, search]);
  const typed = search.trim();
  const target: Target | undefined = profileId && bucket ? { profileId, bucket, prefix } : undefined;
  const crumbs = prefix.split('/').filter(Boolean);

  return (
    <div className="main-grid">
      {bucketsOpen && <div className="sidebar-scrim" onClick={() => setBucketsOpen(false)} />}
      <aside
        className={`sidebar${bucketsOpen ? ' open' : ''}`}
        id="buckets-sidebar"
        aria-labelledby="buckets-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && bucketsOpen) setBucketsOpen(false);
        }}
      >
        <h2 id="buckets-title">{t('main.bucket')}</h2>
        <label className="sr-only" htmlFor="bucket-search">
          {t('main.searchBuckets')}
        </label>
        <input id="bucket-search" type="search" placeholder={t('main.searchBuckets')} value={search} onChange={(e) => setSearch(e.target.value)} />
        {bucketError && <ErrorMessage error={bucketError} />}
        {buckets === null && <p className="hint">{t('common.loading')}</p>}
        {buckets !== null && buckets.length === 0 && !bucketError && <p className="hint">{t('main.noBuckets')}</p>}
        {buckets !== null && buckets.length > 0 && filtered.length === 0 && <p className="hint">{t('main.noMatch')}</p>}
        <ul className="bucket-list">
          {filtered.map((b) => (
            <li key={b.name}>
              <button type="button" className={b.name === bucket ? 'selected' : ''} aria-pressed={b.name === bucket} title={b.name} onClick={() => chooseBucket(b.name)}>
                <Database aria-hidden="true" size="1em" />
                <span className="bucket-name">{b.name}</span>
              </button>
            </li>
          ))}
        </ul>
        {typed && !(buckets ?? []).some((b) => b.name === typed) && /^[a-z0-9.-]{3,63}$/.test(typed) && (
          <button type="button" onClick={() => chooseBucket(typed)}>
            {t('main.useTyped', { bucket: typed })}
          </button>
        )}
        {/* With no bucket yet, making one is the next step, so it is the primary button. */}
        <button type="button" className={buckets !== null && buckets.length === 0 && !bucketError ? 'create-bucket primary' : 'create-bucket'} disabled={!profileId} onClick={() => setCreating(true)}>
          {t('main.createBucket')}
        </button>
      </aside>

      <main className="content" id="main">
        <div className="content-head">
          {/* Shown at 900 px and below only, where the bucket list folds into this picker. */}
          <button type="button" className="bucket-picker" aria-expanded={bucketsOpen} aria-controls="buckets-sidebar" onClick={() => setBucketsOpen((o) => !o)}>
            <Database aria-hidden="true" size="1em" />
            <span>{bucket ?? t('main.bucket')}</span>
            <ChevronDown aria-hidden="true" size="1em" />
          </button>
          {!bucket ? (
            <p className="hint">{t('main.chooseBucket')}</p>
          ) : (
            <nav aria-label={t('main.breadcrumb')} className="breadcrumb">
              <ol>
                <li>
                  <button type="button" className="link" onClick={() => void choose({ lastPrefix: '' })} aria-current={crumbs.length === 0 ? 'location' : undefined}>
                    {bucket}
                  </button>
                </li>
                {crumbs.map((c, i) => (
                  <li key={`${i}-${c}`}>
                    <button
                      type="button"
                      className="link"
                      aria-current={i === crumbs.length - 1 ? 'location' : undefined}
                      onClick={() => void choose({ lastPrefix: crumbs.slice(0, i + 1).join('/') + '/' })}
                    >
                      {c}
                    </button>
                  </li>
                ))}
              </ol>
              <button type="button" className="refresh" onClick={() => void loadObjects()}>
                <RefreshCw aria-hidden="true" size="1em" />
                {t('main.refresh')}
              </button>
            </nav>
          )}
        </div>

        <DropZone target={target} landing={landing} onDataFile={landingOpen ? setDataFile : undefined} more={more} />
        <MoreOptions choices={more} onChange={setMore} withExclude />
        <LandingPanel choices={landing} onChange={changeLanding} dataFile={dataFile} target={target} open={landingOpen} onToggle={setLandingOpen} />

        {bucket && profileId && (
          <Listing
            profileId={profileId}
            bucket={bucket}
            prefix={prefix}
            entries={entries}
            loaded={listedFor === `${profileId}|${bucket}|${prefix}`}
            error={listError}
            nextToken={nextToken}
            buckets={(buckets ?? []).map((b) => b.name)}
            onOpenFolder={(p) => void choose({ lastPrefix: p })}
            onLoadMore={() => void loadObjects(nextToken)}
            onChanged={() => void loadObjects()}
          />
        )}
      </main>

      <TransfersPanel />
      <ExistingQuestion />

      {creating && profileId && (
        <CreateBucketDialog
          profileId={profileId}
          defaultRegion={profile?.region}
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            void loadBuckets();
            void choose({ lastBucket: name, lastPrefix: '' });
          }}
        />
      )}
    </div>
  );
}
