import { isAuthGuardName } from '../../facts/routes/guard-names.ts';
import { defineRule } from '../../model/rule.ts';
import { pyDecorators } from '../../parse/python-syntax.ts';

/** Decorators that register a view in Flask-style frameworks (they store the function they receive). */
const REGISTERING = /\.(route|get|post|put|patch|delete)$/;

export default defineRule({
  meta: {
    id: 'auth-decorator-order',
    category: 'security',
    title: 'Authentication decorator placed above the route decorator',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['flask'],
    scorecard: 'Authentication',
    messages: {
      authAboveRoute:
        '`@{{guard}}` sits above `@{{route}}` on `{{handler}}`, so Flask registers the unwrapped function and the route runs without the check.',
    },
    why: [
      'Decorators apply bottom-up. `@app.route` registers whatever function it receives; when `@login_required` is written above it, Flask has already stored the undecorated view, and the check only wraps a copy nobody calls.',
      '',
      'The code reads as protected, reviewers skip it, and every anonymous caller gets through.',
    ].join('\n'),
    fix: ['Put the route decorator first (outermost), then the authentication decorator:', '', '```python', '@bp.route("/admin/users")', '@login_required', 'def list_users():', '    ...', '```'].join('\n'),
    effortHours: 0.25,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\nflask-login==0.6.3\n',
        'app.py': [
          'from flask import Flask',
          'from flask_login import login_required',
          '',
          'app = Flask(__name__)',
          '',
          '@login_required',
          '@app.route("/account")',
          'def account():',
          '    return "secret"',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\nflask-login==0.6.3\n',
        'app.py': [
          'from flask import Flask',
          'from flask_login import login_required',
          '',
          'app = Flask(__name__)',
          '',
          '@app.route("/account")',
          '@login_required',
          'def account():',
          '    return "secret"',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [306, 863], owasp: ['A01:2021 Broken Access Control'], urls: ['https://flask.palletsprojects.com/en/stable/patterns/viewdecorators/'] },
  },
  check(ctx) {
    for (const file of ctx.files.ofKind('python', { containing: ['route', '.get(', '.post(', '.put(', '.patch(', '.delete('] })) {
      if (!/^\s*(from\s+flask\b|import\s+flask\b)/m.test(file.text)) continue;
      for (const fn of file.findAll({ kind: 'function_definition', inside: { kind: 'decorated_definition' } })) {
        const decorators = pyDecorators(fn);
        const routeIndex = decorators.findIndex((d) => d.kind() === 'call' && REGISTERING.test(d.field('function')?.text() ?? ''));
        if (routeIndex <= 0) continue;
        for (const above of decorators.slice(0, routeIndex)) {
          const name = (above.kind() === 'call' ? above.field('function')?.text() : above.text()) ?? '';
          if (!isAuthGuardName(name)) continue;
          ctx.report({
            messageId: 'authAboveRoute',
            at: file.locate(above),
            data: { guard: name, route: decorators[routeIndex].field('function')?.text() ?? 'route', handler: fn.field('name')?.text() ?? '?' },
          });
          break;
        }
      }
    }
  },
});
