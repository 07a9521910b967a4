import assert from 'node:assert/strict';
import { parseJob } from '../../src/api/schema';
import type { JobChange, TrackedJob } from '../../src/model/jobStore';
import { contextTags, groupOf, layoutOf, renderPlan } from '../../src/tree/treeModel';

function tracked(fields: Record<string, unknown>, extra: Partial<TrackedJob> = {}): TrackedJob {
  return { job: parseJob({ processingId: 'id', path: '/content/dam/a', ...fields }), startedHere: false, pending: false, updatedAt: 0, samples: [], ...extra };
}

describe('tree model', () => {
  describe('contextTags', () => {
    it('tags a running job from its capability flags', () => {
      assert.equal(contextTags(tracked({ status: 'IN_PROGRESS', cancellable: true, hasLogs: true })), 'job active cancellable hasLogs hasPath');
    });

    it('tags a finished job: never "cancellable" unless the server says so', () => {
      assert.equal(contextTags(tracked({ status: 'FAILED', resumable: true, restartable: true, hasLogs: true })), 'job finished resumable restartable hasLogs hasPath');
      assert.equal(contextTags(tracked({ status: 'SUCCESS', restartable: true })), 'job finished restartable hasPath');
    });

    it('follows the flags, not the status', () => {
      // A status we have never seen is active, yet offers only what the flags allow.
      assert.equal(contextTags(tracked({ status: 'PAUSED', resumable: true })), 'job active resumable hasPath');
    });

    it('marks pending, followed and path-less jobs', () => {
      assert.equal(contextTags(tracked({ status: 'WAITING' }, { pending: true }), true), 'job active pending following hasPath');
      assert.equal(contextTags(tracked({ status: 'SUCCESS', path: null, restartable: true })), 'job finished restartable');
    });
  });

  describe('layout and render plan', () => {
    const change = (kind: JobChange['kind'], id: string): JobChange => ({ kind, id });

    it('bounds the history', () => {
      const recent = ['a', 'b', 'c'].map((id) => tracked({ processingId: id, status: 'SUCCESS' }));
      assert.deepEqual(layoutOf([], recent, 2), { active: [], history: ['a', 'b'] });
    });

    it('re-renders only the rows that changed in place', () => {
      const layout = { active: ['a', 'b'], history: ['c'] };
      assert.deepEqual(renderPlan(layout, layout, [change('updated', 'b')]), { groups: [], jobs: ['b'] });
      assert.deepEqual(renderPlan(layout, layout, []), { groups: [], jobs: [] });
    });

    it('re-renders a group whose membership or order changed, and not its rows again', () => {
      const before = { active: ['a', 'b'], history: ['c'] };
      const after = { active: ['a'], history: ['b', 'c'] };
      assert.deepEqual(renderPlan(before, after, [change('updated', 'b'), change('updated', 'a')]), { groups: ['active', 'history'], jobs: [] });
      const reordered = { active: ['b', 'a'], history: ['c'] };
      assert.deepEqual(renderPlan(before, reordered, [change('updated', 'a'), change('updated', 'c')]), { groups: ['active'], jobs: ['c'] });
    });

    it('ignores changes of jobs the tree does not show', () => {
      const layout = { active: [], history: ['c'] };
      assert.deepEqual(renderPlan(layout, layout, [change('updated', 'zzz')]), { groups: [], jobs: [] });
      assert.equal(groupOf(layout, 'c'), 'history');
      assert.equal(groupOf(layout, 'zzz'), undefined);
    });
  });
});
