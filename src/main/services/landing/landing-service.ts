/**
 * The data landing zone: key template previews, CSV checks and Athena table definitions. It holds no
 * state; the heavy lifting lives in plain functions that the CLI and the transfer engine call directly.
 */
import { stat } from 'node:fs/promises';
import type { CsvReport } from '../../../shared/contract/landing';
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import { athenaDdlForFile, type AthenaTarget } from './athena-ddl';
import { sniffCsv } from './csv-sniffer';
import { fileError } from './encoding';
import { renderKeyTemplate } from './key-template';

/** What the service needs beyond the shared dependencies (a clock, so previews are testable). */
export interface LandingServiceOptions {
  now?: () => Date;
}

/** Templates, CSV checks and Athena DDL. */
export class LandingService {
  private readonly now: () => Date;

  /** Builds the service. */
  constructor(
    readonly deps: CoreDeps,
    options: LandingServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The key a file would get under a template right now (the UI previews it as the user types). */
  previewKey(input: { template: string; relativePath: string; table?: string }): string {
    return renderKeyTemplate(input.template, { relativePath: input.relativePath, time: this.now(), table: input.table });
  }

  /** Checks a local CSV/TSV/TXT file in one streaming pass. */
  async checkCsv(input: { path: string }): Promise<CsvReport> {
    await this.requireFile(input.path);
    const { report, bytes } = await sniffCsv(input.path);
    this.deps.logger.debug(`landing: checked ${bytes} bytes: ${report.rows} rows, ${report.columns} columns, ${report.encoding}`);
    return report;
  }

  /** The CREATE EXTERNAL TABLE (and helpers) for a local file uploaded to a bucket and prefix. */
  async athenaDdl(input: { path: string } & AthenaTarget): Promise<string> {
    await this.requireFile(input.path);
    return athenaDdlForFile(input.path, input);
  }

  /** Refuses folders and missing paths with plain words before any reading starts. */
  private async requireFile(path: string): Promise<void> {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new AppError('NOT_A_FILE', { path });
    } catch (err) {
      throw fileError(err, path);
    }
  }
}
