#!/usr/bin/env -S node --max-old-space-size=128
// The old-generation cap matches the correlator's named limits (src/limits.ts): live data is
// bounded by them, so a cap makes V8 collect instead of letting garbage grow RSS past 256 MiB.
import '../dist/src/cli/entry.js';
