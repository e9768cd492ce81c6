/**
 * Lab scenarios where spoofwatch's verdict does not (yet) match the ground truth. The
 * truth is not weakened to fit: these cases run as node:test `todo`, so they show in
 * every run, and drop off this list when the detector gets them right.
 */
export interface KnownGap {
  scenario: string;
  /** Modes the gap shows in; all modes when absent. */
  modes?: string[];
  reason: string;
}

export const KNOWN_GAPS: KnownGap[] = [];

/** The reason a (mode, scenario) verdict is a known gap, or undefined. */
export function knownGap(mode: string, scenario: string): string | undefined {
  const gaps = KNOWN_GAPS.filter(
    (g) => g.scenario === scenario && (g.modes === undefined || g.modes.includes(mode)),
  );
  return gaps.length === 0 ? undefined : gaps.map((g) => g.reason).join('; ');
}
