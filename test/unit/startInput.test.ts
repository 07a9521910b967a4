import assert from 'node:assert/strict';
import { parseDate, splitList } from '../../src/commands/startInput';

describe('start wizard input', () => {
  it('splits excluded paths on commas and new lines', () => {
    assert.deepEqual(splitList(' /content/dam/a/x, content/dam/a/y ,,\n/content/dam/a/z '), ['/content/dam/a/x', 'content/dam/a/y', '/content/dam/a/z']);
    assert.deepEqual(splitList('   '), []);
  });

  it('reads a date alone as the whole day: from its start, up to its last millisecond', () => {
    assert.equal(parseDate('2024-05-31', 'start'), new Date(2024, 4, 31, 0, 0, 0, 0).getTime());
    assert.equal(parseDate('2024-05-31', 'end'), new Date(2024, 4, 31, 23, 59, 59, 999).getTime());
  });

  it('reads a date and time to the minute', () => {
    assert.equal(parseDate('2024-05-31T08:15', 'start'), new Date(2024, 4, 31, 8, 15, 0, 0).getTime());
    assert.equal(parseDate('2024-05-31 08:15', 'end'), new Date(2024, 4, 31, 8, 15, 59, 999).getTime());
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['', '2024-02-31', '2024-13-01', '31/05/2024', '2024-5-3', 'yesterday', '2024-05-31T25:00x']) {
      assert.equal(parseDate(bad, 'start'), undefined, bad);
    }
  });
});
