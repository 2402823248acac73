/** Work-in-progress markers in shipped code: counted for report.metrics.todoMarkers. */
import { describe, expect, it } from 'vitest';
import { codeMarkers, countTodoMarkers, securityTopicOf } from '../../src/facts/code-markers.ts';
import { parseTree } from '../support/parsed-tree.ts';

describe('codeMarkers', () => {
  it('counts TODO/FIXME/XXX/HACK/placeholder comments in shipped code only', async () => {
    const { files } = await parseTree({
      'app/main.py': [
        '# TODO(ana): verify the webhook signature',
        'x = "TODO: not a comment"',
        '# todo list of the sprint (prose, not a marker)',
        '# FIXME - slow',
        'phone = "XXX-XXX-XXXX"  # format XXX-XXX-XXXX',
        '# XXX: this breaks on leap years',
        '# placeholder until the model ships',
      ].join('\n'),
      'src/app.ts': '// HACK: skip the cache\n/* TODO: paginate */\nconst a = 1;\n',
      'tests/test_main.py': '# TODO: more tests\n',
      'README.md': 'TODO: docs\n',
    });
    expect(codeMarkers(files).map((m) => `${m.at.file}:${m.at.startLine} ${m.kind} ${m.text}`)).toEqual([
      'app/main.py:1 TODO verify the webhook signature',
      'app/main.py:4 FIXME slow',
      'app/main.py:6 XXX this breaks on leap years',
      'app/main.py:7 placeholder placeholder until the model ships',
      'src/app.ts:1 HACK skip the cache',
      'src/app.ts:2 TODO paginate',
    ]);
    expect(countTodoMarkers(files)).toBe(6);
  });

  it('names the security topic a marker is about', () => {
    expect(securityTopicOf('verify the svix signature')).toBe('signature verification');
    expect(securityTopicOf('check that the caller owns the project')).toBe('authorization');
    expect(securityTopicOf('make refunds idempotent')).toBe('idempotency');
    expect(securityTopicOf('add pagination')).toBeUndefined();
  });
});
