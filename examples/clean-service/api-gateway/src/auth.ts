import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { config } from './config.js';

export interface AuthedRequest extends Request {
  user?: { id: string; tenantId: string };
}

export function requireAuth(req: AuthedRequest, res: Response, next: NextFunction): void {
  const header = req.get('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : null;
  if (!token) {
    res.status(401).json({ error: 'missing bearer token' });
    return;
  }
  try {
    const claims = jwt.verify(token, config.JWT_SECRET, {
      algorithms: ['HS256'],
      audience: 'mindful-api',
    }) as jwt.JwtPayload;
    if (typeof claims.sub !== 'string' || typeof claims.tid !== 'string') throw new Error('bad claims');
    req.user = { id: claims.sub, tenantId: claims.tid };
    next();
  } catch {
    res.status(401).json({ error: 'invalid token' });
  }
}
