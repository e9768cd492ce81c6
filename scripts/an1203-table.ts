/**
 * Prints the AN1203-vs-spoofwatch table over the lab's committed logs (docs/an1203.md):
 *   node --import tsx scripts/an1203-table.ts [lab/fixtures]
 */
import { compareOnLab, comparisonTable } from '../test/lab/an1203.js';

const dir = process.argv[2] ?? 'lab/fixtures';
const c = await compareOnLab(dir);
process.stdout.write(`${c.messages} messages from ${Object.keys(c.byMode).length} lab modes (${dir})\n\n`);
process.stdout.write(comparisonTable(c));
