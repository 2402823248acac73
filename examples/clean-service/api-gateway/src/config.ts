import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().positive().default(8080),
  DATABASE_URL: z.string().url(),
  JWT_SECRET: z.string().min(32),
  PARTNER_WEBHOOK_SECRET: z.string().min(32),
});

export const config = Env.parse(process.env);
