import express, { type ErrorRequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { requireAuth } from './auth.js';
import { config } from './config.js';
import { pool } from './db.js';
import { apiRouter } from './routes/api.js';
import { webhookRouter } from './routes/webhooks.js';

const app = express();
app.disable('x-powered-by');
app.set('trust proxy', 1);

app.use(helmet());
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
app.use(rateLimit({ windowMs: 60_000, limit: 100, standardHeaders: 'draft-7', legacyHeaders: false }));

app.get('/healthz', async (_req, res) => {
  try {
    await pool.query('SELECT 1');
    res.json({ status: 'ok' });
  } catch {
    res.status(503).json({ status: 'unavailable' });
  }
});

// Raw body is needed for the signature check, so webhooks are mounted before express.json().
app.use('/webhooks', webhookRouter);
app.use(express.json({ limit: '100kb' }));
app.use('/api', requireAuth, apiRouter);

const onError: ErrorRequestHandler = (err, req, res, _next) => {
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', path: req.path, err: String(err) }));
  res.status(500).json({ error: 'internal server error' });
};
app.use(onError);

const server = app.listen(config.PORT, () => {
  console.log(JSON.stringify({ level: 'info', msg: 'gateway listening', port: config.PORT }));
});

function shutdown() {
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
