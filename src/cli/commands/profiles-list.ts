/** `s3-drop profiles [--json]` listing, used until the profiles teammate's full command (add/remove) is there. */
import { parseArgs } from 'node:util';
import type { ProfileSummary } from '../../shared/contract';
import { EXIT, usageError, type CliIo } from '../cli-io';
import { buildCliServices } from '../cli-services';

/** `profiles --help`. */
export const profilesHelp = `Usage: s3-drop profiles [--json]
       s3-drop profiles add NAME --access-key-id ID [--region R] [--endpoint URL]   (secret key read from stdin)
       s3-drop profiles remove NAME

Lists the profiles S3 Drop can use: ~/.aws config files, the environment, and profiles added in the app.
`;

/** One line per profile for people: name, kind, region and endpoint. */
export function profileTable(list: ProfileSummary[]): string {
  if (list.length === 0) return 'No profiles found. Add one with "s3-drop profiles add" or in ~/.aws/config.\n';
  return list
    .map((p) => [p.isDefault ? '*' : ' ', p.name, `(${p.kind})`, p.region ?? '', p.endpoint ?? ''].join(' ').trimEnd())
    .join('\n')
    .concat('\n');
}

/** Lists profiles; returns the exit code. */
export async function runProfilesList(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { json: { type: 'boolean', default: false }, debug: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout.write(profilesHelp);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw usageError('profiles', `"profiles ${positionals[0]}" is not available in this version`);
  const { services } = await buildCliServices(io.env, { debug: io.debug, logFile: 's3-drop-cli.log', io });
  try {
    const list = await services.profiles.list();
    io.stdout.write(values.json ? JSON.stringify(list, null, 2) + '\n' : profileTable(list));
    return EXIT.ok;
  } finally {
    await services.dispose();
  }
}
