// Landing-zone benchmark (issue 9): check and convert a generated 1 GiB Windows-1252 CSV, reporting MiB/s
// and the peak RSS. Targets: over 200 MiB/s, under 150 MiB RSS.
//
// The measured work runs in a fresh child process so its peak RSS is the CSV work's alone (not this
// script's, nor esbuild's). The engine is TypeScript, so it is bundled once with esbuild into a temp file.
// Run directly (`node_modules/.bin/node bench/landing.bench.mjs [--mib 1024]`) or through bench/run.mjs.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const MiB = 1024 * 1024;

/** One ~1 MiB block of whole rows: `;`-separated, Latin-1 accents, decimal commas, dd/mm/yyyy, some quoted fields. */
function rowBlock() {
  const names = ['João Silva', 'Maria Conceição', 'José Araújo', 'Ângela Müller', 'Lúcia Gonçalves', 'Cláudio Ribeiro'];
  const cities = ['São Paulo', 'Belém', 'Florianópolis', 'Ribeirão Preto', 'Maceió', 'Goiânia'];
  const rows = [];
  let size = 0;
  for (let i = 0; size < MiB; i++) {
    const note = i % 7 === 0 ? `"obs; com ""aspas"" nº ${i}"` : `pedido ${i}`;
    const row = `${names[i % 6]};${cities[(i * 7) % 6]};${String(i % 1000).padStart(3, '0')};${(i * 37) % 10000},${String(i % 100).padStart(2, '0')};${String((i % 28) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/2024;${i % 500};${i % 2 === 0};${note}\r\n`;
    rows.push(row);
    size += Buffer.byteLength(row, 'latin1');
  }
  return Buffer.from(rows.join(''), 'latin1');
}

/** Writes a CSV of at least `mib` MiB by repeating the block (memory stays at one block). */
function generate(path, mib) {
  const header = Buffer.from('Nome do Cliente;Município;Código;Valor Total;Data da Venda;Quantidade;Ativo;Observação\r\n', 'latin1');
  const block = rowBlock();
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  for (let written = header.length; written < mib * MiB; written += block.length) writeSync(fd, block);
  closeSync(fd);
  return statSync(path).size;
}

/** The child: bundle path, CSV path, tmp dir → JSON line with timings and peak RSS. */
async function measure(bundle, csv, dir) {
  const { sniffCsv, prepareCsvUpload } = await import(pathToFileURL(bundle).href);
  const size = statSync(csv).size;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let t = process.hrtime.bigint();
  let c = cpu();
  const { report } = await sniffCsv(csv);
  const checkSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const checkCpuSeconds = cpu() - c;
  t = process.hrtime.bigint();
  c = cpu();
  const prepared = await prepareCsvUpload(csv, { convertToUtf8: true, tmpDir: dir });
  const convertSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const convertCpuSeconds = cpu() - c;
  const outSize = statSync(prepared.path).size;
  await prepared.cleanup();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ size, outSize, rows: report.rows, encoding: report.encoding, checkSeconds, convertSeconds, checkCpuSeconds, convertCpuSeconds, peakRssMiB }) + '\n');
}

/** Generates, measures in a child, prints and saves the results. */
export default async function main(argv = process.argv.slice(2)) {
  const mibArg = argv.indexOf('--mib');
  const mib = mibArg >= 0 ? Number(argv[mibArg + 1]) : 1024;
  const dir = mkdtempSync(join(tmpdir(), 's3drop-bench-landing-'));
  try {
    const { build } = await import('esbuild');
    const bundle = join(dir, 'landing.mjs');
    await build({
      stdin: {
        contents: "export { sniffCsv } from './src/main/services/landing/csv-sniffer';\nexport { prepareCsvUpload } from './src/main/services/landing/prepare-upload';\n",
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: bundle,
      logLevel: 'warning',
    });
    const csv = join(dir, 'big.csv');
    const size = generate(csv, mib);
    const child = spawnSync(process.execPath, [import.meta.filename, '--measure', bundle, csv, dir], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`measuring failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop());
    const mibs = (seconds) => size / MiB / seconds;
    const result = {
      bench: 'landing',
      fileMiB: +(size / MiB).toFixed(1),
      rows: r.rows,
      encoding: r.encoding,
      checkMiBps: +mibs(r.checkSeconds).toFixed(1),
      convertMiBps: +mibs(r.convertSeconds).toFixed(1),
      checkAndConvertMiBps: +mibs(r.checkSeconds + r.convertSeconds).toFixed(1),
      // CPU seconds of the measuring process: on a shared machine the wall clock also counts other people's work.
      checkMiBpsPerCpuSecond: +mibs(r.checkCpuSeconds).toFixed(1),
      convertMiBpsPerCpuSecond: +mibs(r.convertCpuSeconds).toFixed(1),
      checkAndConvertMiBpsPerCpuSecond: +mibs(r.checkCpuSeconds + r.convertCpuSeconds).toFixed(1),
      loadAverage: +os.loadavg()[0].toFixed(2),
      peakRssMiB: +r.peakRssMiB.toFixed(1),
      targets: { minMiBps: 200, maxRssMiB: 150 },
    };
    result.pass = result.checkAndConvertMiBps > 200 && result.peakRssMiB < 150;
    console.log(
      `landing: ${result.fileMiB} MiB, ${result.rows} rows — check ${result.checkMiBps} MiB/s, convert to UTF-8 ${result.convertMiBps} MiB/s, ` +
        `check+convert ${result.checkAndConvertMiBps} MiB/s (target > 200; per CPU-second: check ${result.checkMiBpsPerCpuSecond}, convert ${result.convertMiBpsPerCpuSecond}, both ${result.checkAndConvertMiBpsPerCpuSecond} MiB; load ${result.loadAverage}), peak RSS ${result.peakRssMiB} MiB (target < 150) ${result.pass ? 'PASS' : 'MISS'}`,
    );
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/landing.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') await measure(process.argv[3], process.argv[4], process.argv[5]);
else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
