/**
 * Where the next drop's files really go, for the drop zone's sentence: with data options on, data files go to the
 * folder their name pattern makes and other files to the plain folder (or everything to the pattern's folder in data
 * mode). The engine renders the pattern (landing:previewKey), so the sentence matches the keys it will write.
 */
import { useEffect, useState } from 'react';
import type { Target } from '../../../shared/contract';
import { useStoreApi } from '../../state/store';
import { hasLandingChoices, sampleName, type LandingChoices } from './landing-options';

/** What the sentence says: the plain destination, and where data files go when the options change it. */
export interface DropDestination {
  /** `bucket/prefix`, where files without options go. */
  plain: string;
  /** Set when data options are on: the folder data files (or, in data mode, all files) go to. */
  data?: string;
  dataMode: boolean;
}

/** The destinations for a target and the data choices; '' while there is no target. */
export function useDataDestination(target: Target | undefined, landing: LandingChoices | undefined): DropDestination {
  const store = useStoreApi();
  const plain = target ? `${target.bucket}/${target.prefix}` : '';
  const template = landing && !landing.templateError ? landing.template.trim() : '';
  const [folder, setFolder] = useState<{ template: string; dir: string } | null>(null);
  useEffect(() => {
    if (template === '') return;
    let current = true;
    void store.api.invoke('landing:previewKey', { template, relativePath: sampleName }).then((res) => {
      // The folder part of the example key: a pattern without '/' only renames, and the folder stays the plain one.
      if (current && res.ok) setFolder({ template, dir: res.value.includes('/') ? res.value.slice(0, res.value.lastIndexOf('/') + 1) : '' });
    });
    return () => {
      current = false;
    };
  }, [store, template]);
  if (!target || !landing || !hasLandingChoices(landing) || landing.templateError) return { plain, dataMode: false };
  const dir = template !== '' && folder?.template === template ? folder.dir : '';
  return { plain, data: `${plain}${dir}`, dataMode: landing.dataMode === true };
}
