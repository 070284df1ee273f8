/** The oldest Node the CLI runs on, checked before anything that needs it is loaded. */

/** The oldest Node with `node:sqlite` without a flag (the journal and the sync index); package.json's engines says the same. */
export const MINIMUM_NODE = '22.13';

/** Whether `version` (as in process.versions.node, e.g. "20.20.2") is older than MINIMUM_NODE. */
export function nodeTooOld(version: string, minimum = MINIMUM_NODE): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = minimum.split('.').map(Number);
  return major < minMajor || (major === minMajor && minor < minMinor);
}
