/** Loads the teammates' subcommand modules (profiles, sync, athena-ddl) only when they exist in this build. */

/** A subcommand module written outside this folder's owner; its exports are checked at run time. */
export type DelegateName = 'profiles' | 'sync' | 'athena-ddl';

/** The module's exports, or undefined when it is not in this build. */
export async function loadDelegate(module: DelegateName): Promise<Record<string, unknown> | undefined> {
  try {
    // A glob-style import: esbuild bundles whichever ./commands/*.ts exist, so the build passes either way.
    return (await import(`./commands/${module}.ts`)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
