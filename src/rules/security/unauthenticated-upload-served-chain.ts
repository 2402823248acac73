import { compoundSeverity, findingsOf, linkOf, numberLinks } from '../../facts/compound-findings.ts';
import type { Finding } from '../../model/finding.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';

/** The route whose handler holds the finding's line. */
function routeOf(routes: readonly Route[], finding: Finding): Route | undefined {
  const line = finding.location.startLine ?? 0;
  return routes.find((r) => r.handler.file === finding.location.file && r.handler.startLine <= line && line <= r.handler.endLine);
}

export default defineRule({
  meta: {
    id: 'unauthenticated-upload-served-chain',
    category: 'security',
    title: 'Anonymous uploads served back from the application\'s origin',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'File Upload Security',
    effortHours: 2,
    requires: ['route-missing-auth', 'upload-content-type-only'],
    messages: {
      publicUploadServed:
        'Anyone can upload to `{{route}}` ({{handler}}) a file {{trust}}, and the application serves it back from `{{dir}}` ({{served}}): an uploaded HTML or SVG page runs script as your site, and the server hosts whatever is uploaded.',
    },
    why: [
      'Three gaps make one attack: the upload route needs no account, the file is accepted on what the client says it is (its `Content-Type` or its name), and it is stored in a folder the application itself serves. An attacker uploads `avatar.html` or an SVG with a script and sends the link: it opens on your domain, reads your cookies and local storage, and calls your API as the victim (stored XSS). The same route hosts malware or phishing pages under your name, and anyone can fill the disk.',
      '',
      'Reported as one finding made of the route\'s route-missing-auth finding and the upload findings of its handler (scored once, through this finding).',
    ].join('\n'),
    fix: [
      'Break any link, better all three:',
      '1. Require an authenticated user on the upload route.',
      '2. Check the bytes (magic numbers), not the declared type; allow-list image types; store under a random name with an extension you choose.',
      '3. Store uploads outside any static folder (object storage, a private directory) and serve them through a handler with `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`, or from a separate cookieless domain.',
      '',
      '```python',
      '@router.post("/agents/{agent_id}/avatar")',
      'async def upload_avatar(agent_id: UUID, file: UploadFile, user: User = Depends(current_user)):',
      '    data = await file.read(MAX_AVATAR_BYTES + 1)',
      '    kind = sniff_image_type(data)  # from the bytes',
      '    if len(data) > MAX_AVATAR_BYTES or kind not in {"png", "jpeg", "webp"}:',
      '        raise HTTPException(status_code=415)',
      '    key = f"avatars/{uuid4().hex}.{kind}"',
      '    await storage.put(key, data, content_type=f"image/{kind}")  # private bucket, served via signed URLs',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\npython-multipart==0.0.9\n',
        'main.py': [
          'from fastapi import FastAPI, HTTPException, UploadFile',
          'from fastapi.staticfiles import StaticFiles',
          '',
          'app = FastAPI()',
          'app.mount("/static", StaticFiles(directory="static"), name="static")',
          '',
          '',
          '@app.post("/avatars")',
          'async def upload_avatar(file: UploadFile):',
          '    if file.content_type not in ("image/png", "image/jpeg"):',
          '        raise HTTPException(status_code=415)',
          '    with open(f"static/avatars/{file.filename}", "wb") as out:',
          '        out.write(await file.read())',
          '    return {"url": f"/static/avatars/{file.filename}"}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\npython-multipart==0.0.9\n',
        'main.py': [
          'import uuid',
          '',
          'from fastapi import Depends, FastAPI, HTTPException, UploadFile',
          '',
          'from auth import get_current_user',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.post("/avatars")',
          'async def upload_avatar(file: UploadFile, user=Depends(get_current_user)):',
          '    if file.content_type not in ("image/png", "image/jpeg"):',
          '        raise HTTPException(status_code=415)',
          '    with open(f"/var/lib/app/uploads/{uuid.uuid4().hex}", "wb") as out:',
          '        out.write(await file.read())',
          '    return {"ok": True}',
          '',
        ].join('\n'),
      },
    },
    references: { cwe: [434, 79, 306], owasp: ['A04:2021', 'A03:2021'], urls: ['https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html'] },
  },
  check({ index, findings, report }) {
    const unauthenticated = new Map<string, Finding>();
    for (const f of findingsOf(findings, 'route-missing-auth')) if (f.data.method && f.data.path) unauthenticated.set(`${f.data.method} ${f.data.path}`, f);
    const uploads = findingsOf(findings, 'upload-content-type-only');
    const done = new Set<string>();
    for (const served of uploads.filter((f) => f.messageId === 'servedFromStatic')) {
      const route = routeOf(index.routes, served);
      if (!route) continue;
      const key = `${route.method} ${route.path}`;
      const open = unauthenticated.get(key);
      if (!open || done.has(key)) continue;
      const sameHandler = uploads.filter((f) => f !== served && routeOf(index.routes, f) === route);
      const trusted = sameHandler.filter((f) => f.messageId === 'contentTypeOnly' || f.messageId === 'clientFilename');
      if (!trusted.length) continue;
      done.add(key);
      const trust = [
        ...(trusted.some((f) => f.messageId === 'contentTypeOnly') ? ['accepted on its declared `Content-Type` alone'] : []),
        ...(trusted.some((f) => f.messageId === 'clientFilename') ? ['stored under the name the client chose'] : []),
      ].join(' and ');
      const parts = [open, ...trusted, served, ...sameHandler.filter((f) => f.messageId === 'noSizeLimit')];
      report({
        messageId: 'publicUploadServed',
        at: served.location,
        data: {
          route: key,
          handler: served.data.handler ?? route.handler.name,
          trust,
          dir: served.data.dir ?? '',
          served: served.data.served ?? 'as static files',
        },
        related: numberLinks([
          linkOf(open, 'no authentication on the upload route'),
          ...trusted.map((f) => linkOf(f, f.messageId === 'contentTypeOnly' ? 'the file is accepted on its client-supplied content type' : 'the stored name comes from the client')),
          linkOf(served, `stored under \`${served.data.dir ?? ''}\`, which is served as static files`),
        ]),
        parts,
        severity: compoundSeverity('high', parts),
      });
    }
  },
});
