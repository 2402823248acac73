import { Router } from 'express';
import { z } from 'zod';
import type { AuthedRequest } from '../auth.js';
import { pool } from '../db.js';

export const apiRouter = Router();

const Id = z.string().uuid();
const ShareBody = z.object({
  agentId: z.string().uuid(),
  expiresInDays: z.number().int().min(1).max(30),
});

apiRouter.get('/agents/:id', async (req: AuthedRequest, res, next) => {
  const id = Id.safeParse(req.params.id);
  if (!id.success) return res.status(400).json({ error: 'invalid id' });
  try {
    const { rows } = await pool.query(
      'SELECT id, name, voice_style, language FROM agents WHERE id = $1 AND tenant_id = $2',
      [id.data, req.user!.tenantId],
    );
    if (rows.length === 0) return res.status(404).json({ error: 'not found' });
    res.json(rows[0]);
  } catch (err) {
    next(err);
  }
});

apiRouter.post('/shares', async (req: AuthedRequest, res, next) => {
  const body = ShareBody.safeParse(req.body);
  if (!body.success) return res.status(400).json({ error: body.error.flatten() });
  try {
    const { rows } = await pool.query(
      `INSERT INTO agent_shares (agent_id, tenant_id, created_by, expires_at)
       SELECT a.id, a.tenant_id, $3, now() + make_interval(days => $4)
       FROM agents a WHERE a.id = $1 AND a.tenant_id = $2
       RETURNING id, expires_at`,
      [body.data.agentId, req.user!.tenantId, req.user!.id, body.data.expiresInDays],
    );
    if (rows.length === 0) return res.status(404).json({ error: 'agent not found' });
    res.status(201).json(rows[0]);
  } catch (err) {
    next(err);
  }
});
