/** Request paths that try to leave a static folder; browser mode's server and the app:// scheme must refuse each one. */
export const staticTraversalCorpus: readonly string[] = [
  '/../secret.txt',
  '/%2e%2e/secret.txt',
  '/assets/..%2f..%2fsecret.txt',
  '/..%5csecret.txt',
  '/assets/%2e%2e/%2e%2e/secret.txt',
  '/%00index.html',
];
