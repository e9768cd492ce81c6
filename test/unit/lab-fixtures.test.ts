/**
 * The committed mail-lab fixtures (lab/fixtures: real Postfix, OpenDKIM, OpenDMARC and
 * policyd-spf logs captured by lab/run.sh) through the whole pipeline, every scenario's
 * verdict and disposition checked against lab/fixtures/truth.json. Needs no root.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineLabSuite } from '../lab/lab-suite.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const fixtures = join(repo, 'lab', 'fixtures');

await defineLabSuite({ dir: fixtures, configPath: join(fixtures, 'spoofwatch.yaml') });
