/** The s3-drop command (placeholder until the CLI lands). */
process.stdout.write('s3-drop\n');
