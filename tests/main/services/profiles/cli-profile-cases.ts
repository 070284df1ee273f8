/**
 * Pairs of ~/.aws/config and ~/.aws/credentials in the shapes people really have, each with what
 * `aws configure list-profiles` prints for it. The `cli` answers were captured from /usr/bin/aws (aws-cli 2.9.19,
 * botocore's configloader over Python 3.11's configparser), so the comparison also runs where the CLI is missing.
 */

/** One pair of files and the CLI's answer. */
export interface ProfileCase {
  name: string;
  /** The config file's bytes; absent means no file. */
  config?: string | Buffer;
  /** The credentials file's bytes; absent means no file. */
  credentials?: string | Buffer;
  /** The lines the CLI printed, or the file it refused ("Unable to parse config file: <file>", exit 255). */
  cli: string[] | { refuses: 'config' | 'credentials' };
  /** Where the CLI refuses a file, the app still lists the other file's profiles (and says why in a notice). */
  app?: string[];
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A config file the CLI refuses, next to a credentials file whose one profile the app still lists. */
const refusedConfig = (name: string, config: string | Buffer): ProfileCase => ({ name, config, credentials: lines('[creds-only]'), cli: { refuses: 'config' }, app: ['creds-only'] });

/** The table; each case is run in a fresh folder. */
export const profileCases: ProfileCase[] = [
  {
    name: '[profile a] and [a] in config, [default] vs [profile default]',
    config: lines('[profile a]', 'region = us-east-1', '[b]', 'region = us-east-1', '[profile default]', 'region = eu-west-1', '[default]', 'output = json'),
    credentials: lines('[b]', 'aws_access_key_id = AKIAB', 'aws_secret_access_key = s'),
    cli: ['a', 'default', 'b'],
  },
  {
    name: 'spaces and tabs in section headers',
    config: lines(
      '[profile  two-spaces]',
      '[profile trailing ]',
      '[profile\ttab]',
      '[ profile leading-space]',
      '[profile  padded  ]',
      '  [profile indented-header]',
      '[default ]',
      '[profile\u00a0nbsp]',
      '[profile after] trailing words',
    ),
    cli: ['two-spaces', 'trailing', 'tab', 'padded', 'indented-header', 'after'],
  },
  {
    name: 'quoted and escaped names (shlex)',
    config: lines(
      '[profile "with space"]',
      "[profile 'single quoted']",
      '[profile a"b"c]',
      '[profile "unclosed]',
      '[profile three words here]',
      '[profile back\\ slash]',
      '[profile "esc\\"quote"]',
      '[profile ""]',
      '[profile]',
      '[profile ]',
    ),
    cli: ['with space', 'single quoted', 'abc', 'back slash', 'esc"quote', ''],
  },
  {
    name: 'words that start like "profile", and case',
    config: lines('[profiles plural]', '[profile-x dashed]', '[profile.dotted]', '[Profile Upper]', '[PROFILE upper2]', '[Default]', '[profile A]', '[profile a]'),
    cli: ['plural', 'dashed', 'A', 'a'],
  },
  {
    name: 'names with dots, @, +, %, :, / and unicode',
    config: lines(
      '[profile dev.team]',
      '[profile me@corp.example]',
      '[profile a+b]',
      '[profile 50%]',
      '[profile arn:aws:x]',
      '[profile team/dev]',
      '[profile café]',
      '[profile 日本]',
      '[profile emoji🙂]',
      '[profile a=b]',
      '[profile a;b]',
      '[profile a#b]',
      '[profile constructor]',
      '[profile toString]',
    ),
    credentials: lines('[ünïcødé]', 'aws_access_key_id = AKIAU', '[hasOwnProperty]', 'aws_access_key_id = AKIAH'),
    cli: ['dev.team', 'me@corp.example', 'a+b', '50%', 'arn:aws:x', 'team/dev', 'café', '日本', 'emoji🙂', 'a=b', 'a;b', 'a#b', 'constructor', 'toString', 'ünïcødé', 'hasOwnProperty'],
  },
  {
    name: 'sso-session, services, plugins and other sections are not profiles',
    config: lines(
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = eu-west-1',
      '[services local]',
      's3 =',
      '  endpoint_url = http://127.0.0.1:9000',
      '[plugins]',
      'cli_legacy_plugin_path = /x',
      '[preview]',
      'cloudfront = true',
      '[profile sso-session]',
      '[profile uses-sso]',
      'sso_session = corp',
      '[sso-session "quoted session"]',
    ),
    cli: ['sso-session', 'uses-sso'],
  },
  {
    name: 'comments with # and ;, and inline comments',
    config: lines(
      '# [profile hidden-hash]',
      '; [profile hidden-semicolon]',
      '   # indented comment',
      '[profile a] # a comment after the header',
      'region = us-east-1 # an inline comment the CLI keeps in the value',
      '[profile b] ;x',
      '[profile c # not a comment]',
      'region = us-west-2',
      '[profile d]',
    ),
    cli: ['a', 'b', 'd'],
  },
  {
    name: 'continuation lines swallow an indented header',
    config: lines(
      '[profile a]',
      'region = us-east-1',
      '  [profile hidden-continuation]',
      '[profile b]',
      's3 =',
      '  addressing_style = path',
      '',
      '  max_concurrent_requests = 4',
      '[profile c]',
      'region = us-east-1',
      '',
      '    [profile hidden-after-blank]',
      '[profile d]',
    ),
    cli: ['a', 'b', 'c', 'd'],
  },
  {
    name: 'a profile named __proto__',
    config: lines('[profile __proto__]', 'region = us-east-1', '[profile next]'),
    credentials: lines('[__proto__]', 'aws_access_key_id = A', '[constructor]'),
    cli: ['__proto__', 'next', 'constructor'],
  },
  {
    name: 'CRLF line endings',
    config: '[default]\r\nregion = us-east-1\r\n\r\n[profile crlf]\r\nregion = eu-west-1\r\n',
    credentials: '[default]\r\naws_access_key_id = AKIAD\r\naws_secret_access_key = s\r\n[creds-crlf]\r\naws_access_key_id = AKIAC\r\n',
    cli: ['default', 'crlf', 'creds-crlf'],
  },
  {
    name: 'old Mac line endings (CR only)',
    config: '[default]\rregion = us-east-1\r[profile cr-only]\rregion = eu-west-1\r',
    cli: ['default', 'cr-only'],
  },
  {
    name: 'a BOM in the config file (Windows Notepad)',
    config: '\ufeff[default]\nregion = us-east-1\n[profile bom]\n',
    credentials: lines('[default]', 'aws_access_key_id = AKIAD', '[creds-next-to-bom]'),
    cli: { refuses: 'config' },
    app: ['default', 'creds-next-to-bom'],
  },
  {
    name: 'a BOM in the credentials file',
    config: lines('[profile fine]'),
    credentials: '\ufeff[default]\naws_access_key_id = AKIAD\n',
    cli: { refuses: 'credentials' },
    app: ['fine'],
  },
  refusedConfig('the same section twice in config', lines('[profile dup]', 'region = us-east-1', '[profile other]', '[profile dup]', 'output = json')),
  {
    name: 'the same section twice in credentials',
    config: lines('[profile fine]'),
    credentials: lines('[default]', 'aws_access_key_id = A', '[default]', 'aws_secret_access_key = s'),
    cli: { refuses: 'credentials' },
    app: ['fine'],
  },
  {
    name: 'one name reached by several headers is one profile',
    config: lines('[profile same]', 'region = us-east-1', '[profile  same]', 'region = eu-west-1', '[profile "same"]', '[default]', '[profile default]'),
    cli: ['same', 'default'],
  },
  refusedConfig('the same setting twice in a section', lines('[profile twice]', 'region = us-east-1', 'region = eu-west-1')),
  refusedConfig('a line that is neither a header nor a setting', lines('[profile before]', 'just some words', '[profile after]')),
  refusedConfig('a setting before any section', lines('region = us-east-1', '[profile late]')),
  refusedConfig('a nested block with a line that has no =', lines('[profile nested]', 's3 =', '  addressing_style: path')),
  {
    name: 'colons as separators, and empty values',
    config: lines('[profile colon]', 'region: eu-west-1', 'output =', '[profile empty-value]', 'region ='),
    cli: ['colon', 'empty-value'],
  },
  {
    name: 'empty section names',
    config: lines('[profile named]', 'region = us-east-1'),
    credentials: lines('[ ]', 'aws_access_key_id = A', '[default]'),
    cli: ['named', ' ', 'default'],
  },
  refusedConfig('[] is not a header', lines('[default]', '[]')),
  {
    name: 'sections only in credentials, whatever their shape',
    config: lines('[profile in-both]', 'region = us-east-1'),
    credentials: lines(
      '[in-both]',
      'aws_access_key_id = A',
      '[profile in-creds-with-prefix]',
      'aws_access_key_id = B',
      '[sso-session in-creds]',
      '[foo bar]',
      '[default]',
      '[creds.only]',
      '[DEFAULT]',
      'region = us-east-2',
      '[Default]',
    ),
    cli: ['in-both', 'profile in-creds-with-prefix', 'sso-session in-creds', 'foo bar', 'default', 'creds.only', 'Default'],
  },
  {
    name: 'a [DEFAULT] section is not a profile',
    config: lines('[DEFAULT]', 'region = us-east-1', '[profile real]'),
    credentials: lines('[DEFAULT]', 'aws_access_key_id = A'),
    cli: ['real'],
  },
  refusedConfig('a file that is not UTF-8', Buffer.from('[profile caf\xe9]\nregion = us-east-1\n', 'latin1')),
  {
    name: 'no files at all',
    cli: [],
  },
  {
    name: 'only a credentials file',
    credentials: lines('[default]', 'aws_access_key_id = A', '[work]', 'aws_access_key_id = B'),
    cli: ['default', 'work'],
  },
  {
    name: 'what aws configure sso and granted write',
    config: lines(
      '[default]',
      'region = eu-west-1',
      '',
      '[profile Admin-123456789012]',
      'sso_session = my-sso',
      'sso_account_id = 123456789012',
      'sso_role_name = AdministratorAccess',
      'region = eu-west-1',
      'output = json',
      '',
      '[sso-session my-sso]',
      'sso_start_url = https://my-sso-portal.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '',
      '[profile prod/ReadOnly]',
      'granted_sso_start_url = https://d-123.awsapps.com/start',
      'granted_sso_region = us-east-1',
      'granted_sso_account_id = 123456789012',
      'granted_sso_role_name = ReadOnly',
      'credential_process = granted credential-process --profile prod/ReadOnly',
    ),
    credentials: lines('[default]', 'aws_access_key_id = AKIADEFAULT', 'aws_secret_access_key = s', '', '[leapp-session]', 'aws_access_key_id = AKIALEAPP', 'aws_secret_access_key = s', 'aws_session_token = t'),
    cli: ['default', 'Admin-123456789012', 'prod/ReadOnly', 'leapp-session'],
  },
];
