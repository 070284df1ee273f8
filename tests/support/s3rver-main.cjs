// Runs s3rver in its own process: it needs NODE_OPTIONS=--openssl-legacy-provider (else ListObjectsV2
// paging answers 500), which we must not force on the process under test. Prints {"port":N} when ready.
const S3rver = require('s3rver');
const directory = process.argv[2];
const port = Number(process.argv[3] || 0);
const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, resetOnClose: false });
server.run().then(
  (addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\n'),
  (err) => {
    process.stderr.write(String(err && err.stack) + '\n');
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
