import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { config } from '../config.js';
import { pool } from '../db.js';

export const webhookRouter = Router();

const PartnerEvent = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['listener.churned', 'listener.upgraded']),
  partnerListenerId: z.string().min(1).max(100),
});

function signatureMatches(rawBody: Buffer, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', config.PARTNER_WEBHOOK_SECRET).update(rawBody).digest();
  const received = Buffer.from(signature, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

webhookRouter.post('/partner', express.raw({ type: 'application/json', limit: '64kb' }), async (req, res, next) => {
  if (!signatureMatches(req.body as Buffer, req.get('x-partner-signature'))) {
    return res.status(401).json({ error: 'bad signature' });
  }
  let parsed;
  try {
    parsed = PartnerEvent.safeParse(JSON.parse((req.body as Buffer).toString('utf8')));
  } catch {
    return res.status(400).json({ error: 'invalid JSON' });
  }
  if (!parsed.success) return res.status(400).json({ error: 'invalid event' });
  const event = parsed.data;
  try {
    await pool.query(
      `INSERT INTO partner_events (id, type, partner_listener_id) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO NOTHING`,
      [event.id, event.type, event.partnerListenerId],
    );
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});
