import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTACK } from '../detect/attack.js';
import { SPOOFING_TECHNIQUES, techniqueInfo } from './attack.js';

test('outputs name every technique as the detector does (one table)', () => {
  for (const [id, ref] of Object.entries(ATTACK)) {
    const t = techniqueInfo(id);
    assert.equal(t.name, ref.name, id);
    assert.equal(t.version, ref.version, id);
  }
  assert.deepEqual([...SPOOFING_TECHNIQUES], ['T1672', 'T1684.002']);
});

test('sub-techniques carry their parent, whose name comes from the "Parent: Sub" form', () => {
  const sub = techniqueInfo('T1684.002');
  assert.deepEqual(sub.parent, { id: 'T1684', name: 'Impersonation' });
  assert.equal(techniqueInfo('T1684').name, 'Impersonation');
  assert.equal(techniqueInfo('T1684').version, 'v19');
  assert.equal(techniqueInfo('T1672').tactic?.id, 'TA0005');
  assert.equal(techniqueInfo('T1672').parent, undefined);
  assert.deepEqual(techniqueInfo('T9999'), { id: 'T9999', name: 'T9999', version: 'unknown' });
});
