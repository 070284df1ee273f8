/** The data landing zone: key templates, CSV checks and Athena table definitions. */
import { z } from 'zod';
import { command } from './define';

/** What the CSV check found. */
export interface CsvReport {
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252';
  delimiter: ',' | ';' | '\t' | '|';
  quote: '"' | "'" | null;
  hasHeader: boolean;
  columns: number;
  rows: number;
  header: string[];
  preview: string[][];
  raggedRows: number;
  warnings: { code: 'ragged' | 'duplicate-header' | 'empty-header' | 'not-utf8' | 'long-line' | 'empty'; detail?: string }[];
}

/** Landing commands. */
export const landingCommands = {
  'landing:previewKey': command<string>()(
    z.object({ template: z.string().max(1024), relativePath: z.string().min(1).max(4096), table: z.string().max(255).optional() }).strict(),
  ),
  'landing:checkCsv': command<CsvReport>()(z.object({ path: z.string().min(1).max(4096) }).strict()),
  'landing:athenaDdl': command<string>()(
    z
      .object({
        path: z.string().min(1).max(4096),
        bucket: z.string().min(1).max(255),
        prefix: z.string().max(1024).default(''),
        table: z.string().max(255).optional(),
        template: z.string().max(1024).optional(),
      })
      .strict(),
  ),
} as const;

/** Landing events (none). */
export interface LandingEvents {}
